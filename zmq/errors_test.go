package zmq4

import (
	"errors"
	"runtime"
	"syscall"
	"testing"

	"github.com/monocoque-go/monocoque/core"
)

func TestErrnoValues(t *testing.T) {
	// libzmq's own numbers are the same everywhere.
	zmqOwn := []struct {
		e    Errno
		want uintptr
	}{
		{EFSM, 156384763},
		{ENOCOMPATPROTO, 156384764},
		{ETERM, 156384765},
		{EMTHREAD, 156384766},
	}
	for _, c := range zmqOwn {
		if uintptr(c.e) != c.want {
			t.Errorf("%v = %d, want %d", c.e, uintptr(c.e), c.want)
		}
	}
	if runtime.GOOS != "linux" {
		t.Skip("system error numbers below are Linux's")
	}
	system := []struct {
		e    Errno
		want uintptr
	}{
		{EADDRINUSE, 98}, {EADDRNOTAVAIL, 99}, {EAFNOSUPPORT, 97}, {ECONNABORTED, 103},
		{ECONNREFUSED, 111}, {ECONNRESET, 104}, {EHOSTUNREACH, 113}, {EINPROGRESS, 115},
		{EMSGSIZE, 90}, {ENETDOWN, 100}, {ENETRESET, 102}, {ENETUNREACH, 101},
		{ENOBUFS, 105}, {ENOTCONN, 107}, {ENOTSOCK, 88}, {ENOTSUP, 95},
		{EPROTONOSUPPORT, 93}, {ETIMEDOUT, 110},
	}
	for _, c := range system {
		if uintptr(c.e) != c.want {
			t.Errorf("%v = %d, want %d", c.e, uintptr(c.e), c.want)
		}
	}
}

func TestErrnoText(t *testing.T) {
	// Texts as pebbe's package prints them with libzmq 4.3.4 on Linux.
	tests := []struct {
		e    Errno
		want string
	}{
		{EFSM, "Operation cannot be accomplished in current state"},
		{ENOCOMPATPROTO, "The protocol is not compatible with the socket type"},
		{ETERM, "Context was terminated"},
		{EMTHREAD, "No thread available"},
		{Errno(hausnumero + 99), "Unknown error 156384811"},
		{Errno(syscall.EAGAIN), syscall.EAGAIN.Error()},
		{ECONNREFUSED, syscall.ECONNREFUSED.Error()},
		{EHOSTUNREACH, syscall.EHOSTUNREACH.Error()},
	}
	for _, c := range tests {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Errno(%d).Error() = %q, want %q", uintptr(c.e), got, c.want)
		}
	}
}

func TestErrorFunc(t *testing.T) {
	tests := []struct {
		e    int
		want string
	}{
		{0, "Success"},
		{-1, "Unknown error -1"},
		{int(ETERM), "Context was terminated"},
		{int(EFSM), "Operation cannot be accomplished in current state"},
		{hausnumero + 99, "Unknown error 156384811"},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests, []struct {
			e    int
			want string
		}{
			{int(syscall.EAGAIN), "Resource temporarily unavailable"},
			{int(EADDRINUSE), "Address already in use"},
			{int(EHOSTUNREACH), "Host unreachable"},
			{int(ENOTSUP), "Operation not supported"},
			{5000, "Unknown error 5000"},
		}...)
	}
	for _, c := range tests {
		if got := Error(c.e); got != c.want {
			t.Errorf("Error(%d) = %q, want %q", c.e, got, c.want)
		}
	}
}

func TestAsErrno(t *testing.T) {
	tests := []struct {
		err  error
		want Errno
	}{
		{nil, 0},
		{ETERM, ETERM},
		{syscall.EINTR, Errno(syscall.EINTR)},
		{core.EAGAIN, Errno(syscall.EAGAIN)},
		{errors.New("other"), 0},
		{ErrorSocketClosed, 0},
	}
	for _, c := range tests {
		if got := AsErrno(c.err); got != c.want {
			t.Errorf("AsErrno(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestToErr(t *testing.T) {
	other := errors.New("other")
	tests := []struct {
		in, want error
	}{
		{nil, nil},
		{core.ETERM, ETERM},
		{core.EAGAIN, Errno(syscall.EAGAIN)},
		{syscall.EINVAL, einval},
		{other, other},
	}
	for _, c := range tests {
		got := toErr(c.in)
		if got != c.want {
			t.Errorf("toErr(%v) = %#v, want %#v", c.in, got, c.want)
		}
		if _, isCore := got.(core.Errno); isCore {
			t.Errorf("toErr(%v) returned a core.Errno", c.in)
		}
	}
}

func TestErrorVarTexts(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{ErrorContextClosed, "Context is closed"},
		{ErrorSocketClosed, "Socket is closed"},
		{ErrorMoreExpected, "More expected"},
		{ErrorNotImplemented405, "Not implemented, requires 0MQ version 4.0.5"},
		{ErrorNotImplemented41, "Not implemented, requires 0MQ version 4.1"},
		{ErrorNotImplemented42, "Not implemented, requires 0MQ version 4.2"},
		{ErrorNotImplementedWindows, "Not implemented on Windows"},
		{ErrorNoSocket, "No such socket"},
	}
	for _, c := range tests {
		if c.err.Error() != c.want {
			t.Errorf("got %q, want %q", c.err.Error(), c.want)
		}
	}
}
