//go:build unix

package core

import (
	"net"
	"syscall"
)

// readWaiter returns a function that blocks until conn has bytes to read
// (or an end or error to report), without reading them: a one-byte
// MSG_PEEK through the runtime's poller. Engines wait with it while they
// hold no read buffer, so an idle connection costs no buffer memory. It
// returns nil where the connection offers no raw access.
func readWaiter(conn net.Conn) func() error {
	rc := rawConn(conn)
	if rc == nil {
		return nil
	}
	var b [1]byte
	peek := func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK)
		// EAGAIN: nothing yet, let the poller wait. Anything else (bytes,
		// the end, an error) is for the read that follows to report.
		return err != syscall.EAGAIN && err != syscall.EINTR
	}
	return func() error { return rc.Read(peek) }
}

// rawConn returns conn's raw descriptor access, or nil when it has none.
func rawConn(conn net.Conn) syscall.RawConn {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}
