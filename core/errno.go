package core

import "syscall"

// Errno is an error number as libzmq reports it: either a system errno or one
// of libzmq's own numbers above hausnumero.
type Errno uintptr

// hausnumero is libzmq's base for its own error numbers.
const hausnumero = 156384712

// Error numbers returned by core. System numbers use the platform's values,
// like libzmq does; the rest are libzmq's.
const (
	EAGAIN          = Errno(syscall.EAGAIN)
	EINVAL          = Errno(syscall.EINVAL)
	EINTR           = Errno(syscall.EINTR)
	EFAULT          = Errno(syscall.EFAULT)
	ENOMEM          = Errno(syscall.ENOMEM)
	ENODEV          = Errno(syscall.ENODEV)
	ENOENT          = Errno(syscall.ENOENT)
	EMFILE          = Errno(syscall.EMFILE)
	ETIMEDOUT       = Errno(syscall.ETIMEDOUT)
	EHOSTUNREACH    = Errno(syscall.EHOSTUNREACH)
	ENOTSOCK        = Errno(syscall.ENOTSOCK)
	EMSGSIZE        = Errno(syscall.EMSGSIZE)
	EAFNOSUPPORT    = Errno(syscall.EAFNOSUPPORT)
	ENETUNREACH     = Errno(syscall.ENETUNREACH)
	ECONNABORTED    = Errno(syscall.ECONNABORTED)
	ECONNRESET      = Errno(syscall.ECONNRESET)
	ENOTCONN        = Errno(syscall.ENOTCONN)
	ENOTSUP         = Errno(syscall.ENOTSUP)
	EPROTONOSUPPORT = Errno(syscall.EPROTONOSUPPORT)
	ENOBUFS         = Errno(syscall.ENOBUFS)
	ENETDOWN        = Errno(syscall.ENETDOWN)
	EADDRINUSE      = Errno(syscall.EADDRINUSE)
	EADDRNOTAVAIL   = Errno(syscall.EADDRNOTAVAIL)
	ECONNREFUSED    = Errno(syscall.ECONNREFUSED)
	EINPROGRESS     = Errno(syscall.EINPROGRESS)
	ENAMETOOLONG    = Errno(syscall.ENAMETOOLONG)

	EFSM           = Errno(hausnumero + 51)
	ENOCOMPATPROTO = Errno(hausnumero + 52)
	ETERM          = Errno(hausnumero + 53)
	EMTHREAD       = Errno(hausnumero + 54)
)

// Error returns libzmq's text for its own numbers and the system's text
// otherwise.
func (e Errno) Error() string {
	switch e {
	case EFSM:
		return "Operation cannot be accomplished in current state"
	case ENOCOMPATPROTO:
		return "The protocol is not compatible with the socket type"
	case ETERM:
		return "Context was terminated"
	case EMTHREAD:
		return "No thread available"
	}
	return syscall.Errno(e).Error()
}
