//go:build unix

package core

import (
	"net"
	"syscall"
)

// writeNow returns a function that makes one non-blocking write attempt of
// b on conn and reports how much of it went out: the engine's direct path,
// which writes from the sender's goroutine when the connection's writer
// is idle (see engineIO.writeDirect). A full socket buffer is not an
// error: it writes 0 bytes. It returns nil where the connection offers no
// raw access.
func writeNow(conn net.Conn) func(b []byte) (int, error) {
	rc := rawConn(conn)
	if rc == nil {
		return nil
	}
	var (
		buf  []byte
		n    int
		werr error
	)
	attempt := func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), buf)
			if werr != syscall.EINTR {
				break
			}
		}
		if werr == syscall.EAGAIN {
			n, werr = 0, nil
		}
		if n < 0 {
			n = 0
		}
		return true // one attempt: never wait for the socket
	}
	return func(b []byte) (int, error) {
		buf = b
		if err := rc.Write(attempt); err != nil {
			return 0, err
		}
		buf = nil
		return n, werr
	}
}
