package zmq4

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/monocoque-go/monocoque/core"
)

// Errno is an error number as libzmq reports it: a system errno, or one of
// libzmq's own numbers (counted from libzmq's base number 156384712). It
// implements the error interface. Every error this package returns from a
// ZeroMQ operation is an Errno, so errors can be compared directly:
//
//	if err == zmq.ETERM { ... }
//	if zmq.AsErrno(err) == zmq.Errno(syscall.EAGAIN) { ... }
type Errno uintptr

// hausnumero is libzmq's base for its own error numbers.
const hausnumero = 156384712

// einval is the invalid-argument error, which pebbe's package does not
// export as a constant.
const einval = Errno(core.EINVAL)

// Error numbers, with the values libzmq uses on the platform: system
// numbers for the POSIX conditions, libzmq's own numbers for the rest.
const (
	EADDRINUSE      = Errno(core.EADDRINUSE)
	EADDRNOTAVAIL   = Errno(core.EADDRNOTAVAIL)
	EAFNOSUPPORT    = Errno(core.EAFNOSUPPORT)
	ECONNABORTED    = Errno(core.ECONNABORTED)
	ECONNREFUSED    = Errno(core.ECONNREFUSED)
	ECONNRESET      = Errno(core.ECONNRESET)
	EHOSTUNREACH    = Errno(core.EHOSTUNREACH)
	EINPROGRESS     = Errno(core.EINPROGRESS)
	EMSGSIZE        = Errno(core.EMSGSIZE)
	ENETDOWN        = Errno(core.ENETDOWN)
	ENETRESET       = Errno(syscall.ENETRESET)
	ENETUNREACH     = Errno(core.ENETUNREACH)
	ENOBUFS         = Errno(core.ENOBUFS)
	ENOTCONN        = Errno(core.ENOTCONN)
	ENOTSOCK        = Errno(core.ENOTSOCK)
	ENOTSUP         = Errno(core.ENOTSUP)
	EPROTONOSUPPORT = Errno(core.EPROTONOSUPPORT)
	ETIMEDOUT       = Errno(core.ETIMEDOUT)

	// EFSM: the operation is not allowed in the socket's current state
	// (for example two sends in a row on a REQ socket).
	EFSM = Errno(core.EFSM)
	// EMTHREAD: no I/O thread is available.
	EMTHREAD = Errno(core.EMTHREAD)
	// ENOCOMPATPROTO: the transport does not suit the socket type.
	ENOCOMPATPROTO = Errno(core.ENOCOMPATPROTO)
	// ETERM: the socket's context was terminated.
	ETERM = Errno(core.ETERM)
)

// Errors that are not error numbers, with the same texts as pebbe's package.
var (
	// ErrorContextClosed is returned by calls on a terminated Context.
	ErrorContextClosed = errors.New("Context is closed")
	// ErrorSocketClosed is returned by calls on a closed Socket.
	ErrorSocketClosed = errors.New("Socket is closed")
	// ErrorMoreExpected is returned by RecvEvent when an event message
	// lacks its address part.
	ErrorMoreExpected = errors.New("More expected")
	// ErrorNotImplemented405 exists for compatibility; this package
	// implements the libzmq 4.3 API and never returns it.
	ErrorNotImplemented405 = errors.New("Not implemented, requires 0MQ version 4.0.5")
	// ErrorNotImplemented41 exists for compatibility and is never returned.
	ErrorNotImplemented41 = errors.New("Not implemented, requires 0MQ version 4.1")
	// ErrorNotImplemented42 exists for compatibility and is never returned.
	ErrorNotImplemented42 = errors.New("Not implemented, requires 0MQ version 4.2")
	// ErrorNotImplementedWindows is returned on Windows by the context
	// options that libzmq does not offer there (thread scheduling).
	ErrorNotImplementedWindows = errors.New("Not implemented on Windows")
	// ErrorNoSocket is returned by Poller methods for an unknown id or socket.
	ErrorNoSocket = errors.New("No such socket")
)

// zmqText returns libzmq's own text for e, if libzmq has one.
func zmqText(e Errno) (string, bool) {
	switch e {
	case EFSM:
		return "Operation cannot be accomplished in current state", true
	case ENOCOMPATPROTO:
		return "The protocol is not compatible with the socket type", true
	case ETERM:
		return "Context was terminated", true
	case EMTHREAD:
		return "No thread available", true
	}
	return "", false
}

// Error returns the text for the error number: libzmq's text for its own
// numbers, Go's system error text for the others.
func (errno Errno) Error() string {
	if errno >= hausnumero {
		if s, ok := zmqText(errno); ok {
			return s
		}
		return fmt.Sprintf("Unknown error %d", uint64(errno))
	}
	return syscall.Errno(errno).Error()
}

// AsErrno converts an error to an Errno: an Errno is returned as is, a
// syscall.Errno is converted, and anything else gives Errno(0).
//
//	switch zmq.AsErrno(err) {
//	case zmq.Errno(syscall.EAGAIN):
//		// nothing to receive yet
//	case zmq.ETERM:
//		// the context was terminated
//	}
func AsErrno(err error) Errno {
	switch e := err.(type) {
	case Errno:
		return e
	case syscall.Errno:
		return Errno(e)
	case core.Errno:
		return Errno(e)
	}
	return Errno(0)
}

// Error returns the text libzmq's zmq_strerror gives for an error number:
// libzmq's own texts, and the C library's (capitalised) texts for system
// numbers.
func Error(e int) string {
	if e < 0 {
		return fmt.Sprintf("Unknown error %d", e)
	}
	if e == 0 {
		return "Success"
	}
	en := Errno(e)
	if s, ok := zmqText(en); ok {
		return s
	}
	if en == EHOSTUNREACH {
		return "Host unreachable"
	}
	if en >= hausnumero {
		return en.Error()
	}
	s := syscall.Errno(e).Error()
	if s == "" || s == fmt.Sprintf("errno %d", e) {
		return fmt.Sprintf("Unknown error %d", e)
	}
	if c := s[0]; 'a' <= c && c <= 'z' {
		s = string(c-'a'+'A') + s[1:]
	}
	return s
}

// toErr converts an error from the core to what pebbe's package returns:
// error numbers become Errno values, anything else passes through.
func toErr(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case core.Errno:
		return Errno(e)
	case syscall.Errno:
		return Errno(e)
	}
	return err
}
