package zmq4

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/monocoque-go/monocoque/core"
)

// Socket is a ZeroMQ socket. Its methods starting with Set and Get set and
// read socket options.
//
// Keep to pebbe's rule for portable programs: use a Socket from one
// goroutine at a time.
type Socket struct {
	s *socketState
}

// socketState is shared by copies of a Socket value (String has a value
// receiver, as in pebbe's API).
type socketState struct {
	soc    *core.Socket
	ctx    *Context
	opened atomic.Bool
	// err is the error that kept the socket from being made; Close
	// reports it, as pebbe's does.
	err error
}

// NewSocket makes a socket of type t in the default context.
//
// On failure the returned Socket is not nil but closed.
func NewSocket(t Type) (soc *Socket, err error) {
	return defaultCtx.NewSocket(t)
}

// NewSocket makes a socket of type t in the context. If the program drops
// the socket without closing it, it is closed when garbage collected.
//
// On failure the returned Socket is not nil but closed.
func (ctx *Context) NewSocket(t Type) (soc *Socket, err error) {
	soc = &Socket{s: &socketState{}}
	if ctx.closed.Load() {
		return soc, ErrorContextClosed
	}
	cs, e := ctx.ctx.NewSocket(core.SocketType(t))
	if e != nil {
		soc.s.err = toErr(e)
		return soc, soc.s.err
	}
	soc.s.soc = cs
	soc.s.ctx = ctx
	soc.s.opened.Store(true)
	runtime.SetFinalizer(soc, (*Socket).Close)
	return soc, nil
}

// core returns the core socket, or ErrorSocketClosed.
func (soc *Socket) core() (*core.Socket, error) {
	if soc == nil || soc.s == nil || !soc.s.opened.Load() {
		return nil, ErrorSocketClosed
	}
	return soc.s.soc, nil
}

// String describes the socket: Socket(TYPE,"identity") when it has an
// identity, Socket(TYPE,0x...) otherwise, and Socket(CLOSED) once closed.
func (soc Socket) String() string {
	if soc.s == nil || !soc.s.opened.Load() {
		return "Socket(CLOSED)"
	}
	t, err := soc.GetType()
	if err != nil {
		return fmt.Sprintf("Socket(%v)", err)
	}
	if id, err := soc.GetIdentity(); err == nil && id != "" {
		return fmt.Sprintf("Socket(%v,%q)", t, id)
	}
	return fmt.Sprintf("Socket(%v,%p)", t, soc.s.soc)
}

// Close closes the socket. Messages already queued keep going out in the
// background for up to the linger period (see SetLinger); the context's
// Term waits for them. Closing a closed socket does nothing.
func (soc *Socket) Close() error {
	if soc == nil || soc.s == nil {
		return nil
	}
	if !soc.s.opened.CompareAndSwap(true, false) {
		return soc.s.err
	}
	return toErr(soc.s.soc.Close())
}

// Context returns the socket's context.
func (soc *Socket) Context() (*Context, error) {
	if _, err := soc.core(); err != nil {
		return nil, err
	}
	return soc.s.ctx, nil
}

// Bind accepts connections on an endpoint, such as "tcp://*:5555" or
// "tcp://127.0.0.1:*" (a port chosen by the system; see GetLastEndpoint).
//
// A socket configured for GSSAPI fails with ENOTSUP: that mechanism is not
// available, and the socket refuses to fall back to plain text.
func (soc *Socket) Bind(endpoint string) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	if gssapiRequested(s) {
		return ENOTSUP
	}
	return toErr(s.Bind(endpoint))
}

// Unbind stops accepting connections on an endpoint given to Bind, or on
// the endpoint GetLastEndpoint reported for it.
func (soc *Socket) Unbind(endpoint string) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	return toErr(s.Unbind(endpoint))
}

// Connect starts connecting (and reconnecting) to an endpoint, such as
// "tcp://127.0.0.1:5555", in the background.
//
// A socket configured for GSSAPI fails with ENOTSUP, as Bind does.
func (soc *Socket) Connect(endpoint string) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	if gssapiRequested(s) {
		return ENOTSUP
	}
	return toErr(s.Connect(endpoint))
}

// Disconnect stops connecting to an endpoint given to Connect and drops
// the connection to it.
func (soc *Socket) Disconnect(endpoint string) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	return toErr(s.Disconnect(endpoint))
}

// gssapiRequested reports whether the socket's options ask for GSSAPI,
// the one security mechanism the core does not provide.
func gssapiRequested(s *core.Socket) bool {
	if v, err := s.GetInt(core.OptGssapiServer); err == nil && v != 0 {
		return true
	}
	for _, o := range []core.Option{core.OptGssapiPrincipal, core.OptGssapiSvcPrinc} {
		if v, err := s.GetBytes(o); err == nil && len(v) > 0 {
			return true
		}
	}
	return false
}

// Recv receives a message part as a string.
func (soc *Socket) Recv(flags Flag) (string, error) {
	b, err := soc.RecvBytes(flags)
	return bytesString(b), err
}

// RecvBytes receives a message part. With DONTWAIT it fails with EAGAIN
// when nothing is waiting; use GetRcvmore to learn whether more parts of
// the message follow.
func (soc *Socket) RecvBytes(flags Flag) ([]byte, error) {
	s, err := soc.core()
	if err != nil {
		return []byte{}, err
	}
	b, err := s.Recv(core.Flag(flags))
	if err != nil {
		return []byte{}, toErr(err)
	}
	return b, nil
}

// Send sends a message part given as a string; it returns the number of
// bytes sent, or -1 and an error. With SNDMORE more parts of the same
// message follow; with DONTWAIT it fails with EAGAIN instead of blocking.
func (soc *Socket) Send(data string, flags Flag) (int, error) {
	return soc.SendBytes(stringBytes(data), flags)
}

// SendBytes sends a message part; it returns the number of bytes sent, or
// -1 and an error. The data is copied: the caller may reuse it at once.
func (soc *Socket) SendBytes(data []byte, flags Flag) (int, error) {
	s, err := soc.core()
	if err != nil {
		return 0, err
	}
	if err := s.Send(data, core.Flag(flags)); err != nil {
		return -1, toErr(err)
	}
	return len(data), nil
}

// Monitor reports the socket's connection events selected by events
// (EVENT_ALL for all) to a PAIR socket bound at addr, an inproc://
// endpoint: connect a PAIR socket to addr and read them with RecvEvent. An
// empty addr stops monitoring. Other transports give EPROTONOSUPPORT, and
// events outside EVENT_ALL give EINVAL, as with libzmq.
func (soc *Socket) Monitor(addr string, events Event) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	// As libzmq, which is handed a C int: this (version 1) monitoring
	// takes only the first 16 events, and checks them before the address
	// (but after the context's termination).
	if ev := int32(events); (ev < 0 || ev > 0xffff) && !soc.s.ctx.closed.Load() {
		return einval
	}
	return toErr(s.Monitor(addr, int(events)))
}

// RecvEvent receives a monitoring event from a socket connected to a
// monitor endpoint: the event, the endpoint it concerns, and its value
// (an error number, a file descriptor or a reconnect interval, by event).
// An event without its endpoint part gives ErrorMoreExpected.
func (soc *Socket) RecvEvent(flags Flag) (event_type Event, addr string, value int, err error) {
	if _, err := soc.core(); err != nil {
		return EVENT_ALL, "", 0, err
	}
	b, err := soc.RecvBytes(flags)
	if err != nil {
		return 0, "", 0, err
	}
	// libzmq 4.x: a 16-bit event number, then a 32-bit value, in host
	// byte order.
	var head [6]byte
	copy(head[:], b)
	event_type = Event(binary.NativeEndian.Uint16(head[0:]))
	value = int(binary.NativeEndian.Uint32(head[2:]))
	more, err := soc.GetRcvmore()
	if err != nil {
		return 0, "", 0, err
	}
	if !more {
		return 0, "", 0, ErrorMoreExpected
	}
	addr, err = soc.Recv(flags)
	if err != nil {
		return 0, "", 0, err
	}
	return event_type, addr, value, nil
}

// RecvWithMetadata receives a message part as a string, with the values of
// the named metadata properties that the part carries (see
// RecvBytesWithMetadata).
func (soc *Socket) RecvWithMetadata(flags Flag, properties ...string) (msg string, metadata map[string]string, err error) {
	b, p, err := soc.RecvBytesWithMetadata(flags, properties...)
	return bytesString(b), p, err
}

// RecvBytesWithMetadata receives a message part with the values of the
// named metadata properties that the part carries, as zmq_msg_gets reports
// them: "Socket-Type", "Identity", "Peer-Address", "User-Id" (set by a ZAP
// handler) and any property the peer or the ZAP handler declared. The map
// holds only the properties the message has; messages from inproc peers
// have none.
func (soc *Socket) RecvBytesWithMetadata(flags Flag, properties ...string) (msg []byte, metadata map[string]string, err error) {
	s, err := soc.core()
	if err != nil {
		return []byte{}, map[string]string{}, err
	}
	metadata = make(map[string]string)
	msg, props, err := s.RecvFrameProps(core.Flag(flags))
	if err != nil {
		return []byte{}, metadata, toErr(err)
	}
	for _, name := range properties {
		if v, ok := props.Get(name); ok {
			metadata[name] = v
		}
	}
	return msg, metadata, nil
}

// HasIpc reports whether the ipc:// transport is available: everywhere but
// Windows, as with libzmq.
func HasIpc() bool { return core.HasIPC }

// HasPgm reports whether the pgm:// transport is available: it is not.
func HasPgm() bool { return false }

// HasTipc reports whether the tipc:// transport is available: it is not.
func HasTipc() bool { return false }

// HasNorm reports whether the norm:// transport is available: it is not.
func HasNorm() bool { return false }

// HasCurve reports whether the CURVE security mechanism is available: it
// is, in pure Go.
func HasCurve() bool { return true }

// HasGssapi reports whether the GSSAPI security mechanism is available: it
// is not.
func HasGssapi() bool { return false }
