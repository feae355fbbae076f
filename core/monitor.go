package core

import (
	"encoding/binary"
	"errors"
	"net"
	"syscall"

	"github.com/monocoque-go/monocoque/wire"
)

// Monitor events, numbered as in libzmq 4.3.
const (
	EventConnected               = 0x0001
	EventConnectDelayed          = 0x0002
	EventConnectRetried          = 0x0004
	EventListening               = 0x0008
	EventBindFailed              = 0x0010
	EventAccepted                = 0x0020
	EventAcceptFailed            = 0x0040
	EventClosed                  = 0x0080
	EventCloseFailed             = 0x0100
	EventDisconnected            = 0x0200
	EventMonitorStopped          = 0x0400
	EventHandshakeFailedNoDetail = 0x0800
	EventHandshakeSucceeded      = 0x1000
	EventHandshakeFailedProtocol = 0x2000
	EventHandshakeFailedAuth     = 0x4000
	EventAll                     = 0xFFFF
)

// monitor is where a socket reports its events: a PAIR socket bound at the
// address given to Monitor, which the user connects a PAIR to.
type monitor struct {
	pair   *Socket
	events int
}

// Monitor starts reporting the events in mask (EventAll for all) to a PAIR
// socket bound at addr, an inproc endpoint, as zmq_socket_monitor does: each
// event is a two-frame message, the event number (16 bits) and its value (32
// bits) in host byte order, then the endpoint it concerns. An empty addr
// stops monitoring. Events are dropped, never waited for, when the
// monitoring side does not keep up.
func (s *Socket) Monitor(addr string, mask int) error {
	s.mu.Lock()
	if err := s.errIfDead(); err != nil {
		s.mu.Unlock()
		return err
	}
	old := s.mon
	s.mon = nil
	s.mu.Unlock()
	if old != nil {
		old.stop()
	}
	if addr == "" {
		return nil
	}
	// As libzmq: a malformed address is EINVAL, another transport than
	// inproc EPROTONOSUPPORT.
	scheme, _, err := splitEndpoint(addr)
	if err != nil {
		return err
	}
	if scheme != "inproc" {
		return EPROTONOSUPPORT
	}
	pair, err := s.ctx.NewSocket(PAIR)
	if err != nil {
		return err
	}
	if err := pair.SetInt(OptLinger, 0); err != nil {
		pair.Close()
		return err
	}
	if err := pair.Bind(addr); err != nil {
		pair.Close()
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		pair.Close()
		return ENOTSOCK
	}
	// A concurrent Monitor call may have installed one meanwhile: the last
	// call wins, and the one it displaces is stopped.
	displaced := s.mon
	s.mon = &monitor{pair: pair, events: mask}
	s.mu.Unlock()
	if displaced != nil {
		displaced.stop()
	}
	return nil
}

// stop sends MONITOR_STOPPED and closes the monitor's socket.
func (m *monitor) stop() {
	m.send(EventMonitorStopped, 0, "")
	m.pair.Close()
}

func (m *monitor) send(event, value int, endpoint string) {
	if m.events&event == 0 {
		return
	}
	var head [6]byte
	binary.NativeEndian.PutUint16(head[0:], uint16(event))
	binary.NativeEndian.PutUint32(head[2:], uint32(value))
	m.pair.SendMsg([][]byte{head[:], []byte(endpoint)}, DontWait)
}

// event reports one event, if the socket is monitored for it. It takes
// s.mu only to look the monitor up: callers must not hold it.
func (s *Socket) event(event, value int, endpoint string) {
	s.mu.Lock()
	m := s.mon
	s.mu.Unlock()
	if m != nil {
		m.send(event, value, endpoint)
	}
}

// eventLocked is event for callers that hold s.mu. (The monitor's own
// socket never takes its monitored socket's lock, so sending with s.mu
// held cannot deadlock.)
func (s *Socket) eventLocked(event, value int, endpoint string) {
	if s.mon != nil {
		s.mon.send(event, value, endpoint)
	}
}

// stopMonitor ends monitoring when the socket closes. The caller holds
// s.mu; the monitor's socket is closed after it is released.
func (s *Socket) stopMonitorLocked() *monitor {
	m := s.mon
	s.mon = nil
	return m
}

// connFD returns a connection's descriptor, the value libzmq reports with
// CONNECTED, ACCEPTED and DISCONNECTED; -1 when there is none.
func connFD(c any) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	raw.Control(func(f uintptr) { fd = int(f) })
	return fd
}

// errnoValue is the value libzmq reports for a failure event: the errno.
func errnoValue(err error) int {
	var se syscall.Errno
	if errors.As(err, &se) {
		return int(se)
	}
	var ze Errno
	if errors.As(err, &ze) {
		return int(ze)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return int(ETIMEDOUT)
	}
	return int(ECONNRESET)
}

// handshakeEvent classifies a failed handshake as libzmq does: refused by
// authentication (the value is the ZAP status code), broken protocol, or no
// detail (the connection just went away).
func handshakeEvent(err error) (event, value int) {
	var ze *wire.ZAPError
	if errors.As(err, &ze) {
		code := 0
		for _, c := range ze.StatusCode {
			code = code*10 + int(c-'0')
		}
		return EventHandshakeFailedAuth, code
	}
	if errors.Is(err, errProtocol) || wire.IsProtocolError(err) || errors.Is(err, wire.ErrIncompatible) || errors.Is(err, wire.ErrCrypto) ||
		errors.Is(err, wire.ErrVersion) || errors.Is(err, wire.ErrBadSignature) || errors.Is(err, wire.ErrUnexpectedCommand) {
		return EventHandshakeFailedProtocol, 0
	}
	return EventHandshakeFailedNoDetail, errnoValue(err)
}
