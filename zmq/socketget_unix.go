//go:build !windows

package zmq4

// GetFd returns the file descriptor that libzmq signals when the socket may
// have become ready, for use with an external event loop. There is no such
// descriptor yet: it returns -1 and ENOTSUP. Use a Poller or a Reactor.
func (soc *Socket) GetFd() (int, error) {
	return soc.getFd()
}
