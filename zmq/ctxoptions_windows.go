//go:build windows

package zmq4

// SetThreadSchedPolicy is not available on Windows, as in libzmq: it
// returns ErrorNotImplementedWindows.
func (ctx *Context) SetThreadSchedPolicy(n int) error {
	return ErrorNotImplementedWindows
}

// SetThreadPriority is not available on Windows, as in libzmq: it returns
// ErrorNotImplementedWindows.
func (ctx *Context) SetThreadPriority(n int) error {
	return ErrorNotImplementedWindows
}
