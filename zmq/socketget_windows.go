//go:build windows

package zmq4

// GetFd returns the SOCKET handle that libzmq signals when the socket may
// have become ready, for use with an external event loop. There is no such
// handle yet: it returns an error (ENOTSUP). Use a Poller or a Reactor.
func (soc *Socket) GetFd() (uintptr, error) {
	v, err := soc.getFd()
	if err != nil {
		return 0, err
	}
	return uintptr(v), nil
}
