//go:build !unix

package core

import "net"

// setPreConnect does nothing here: buffer sizes are set once connected,
// and TOS, BINDTODEVICE and TCP_MAXRT have no effect on this platform.
func (t *tcpTuning) setPreConnect(uintptr) error { return nil }

// setPostConnect sets the buffer sizes of a new connection.
func (t *tcpTuning) setPostConnect(tc *net.TCPConn) error {
	if t.sndbuf >= 0 {
		if err := tc.SetWriteBuffer(t.sndbuf); err != nil {
			return err
		}
	}
	if t.rcvbuf >= 0 {
		if err := tc.SetReadBuffer(t.rcvbuf); err != nil {
			return err
		}
	}
	return nil
}

// setBacklog has no effect here: the listener keeps Go's backlog.
func setBacklog(net.Listener, int) error { return nil }
