package zmq4

import (
	"strings"

	"github.com/monocoque-go/monocoque/core"
)

// The libzmq release whose API and behaviour this package follows, as
// reported by Version.
const (
	versionMajor = 4
	versionMinor = 3
	versionPatch = 4
)

// Version reports the libzmq version this package is compatible with:
// 4.3.4. Everything pebbe's package enables for that version is present.
func Version() (major, minor, patch int) {
	return versionMajor, versionMinor, versionPatch
}

// Context defaults, as in libzmq.
const (
	// MaxSocketsDflt is the default maximum number of sockets in a context.
	MaxSocketsDflt = 1023
	// IoThreadsDflt is the default I/O thread count of a context.
	IoThreadsDflt = 1
)

// Type is a socket type, given to NewSocket.
type Type int

// Socket types, numbered as in libzmq.
const (
	REQ    = Type(core.REQ)
	REP    = Type(core.REP)
	DEALER = Type(core.DEALER)
	ROUTER = Type(core.ROUTER)
	PUB    = Type(core.PUB)
	SUB    = Type(core.SUB)
	XPUB   = Type(core.XPUB)
	XSUB   = Type(core.XSUB)
	PUSH   = Type(core.PUSH)
	PULL   = Type(core.PULL)
	PAIR   = Type(core.PAIR)
	STREAM = Type(core.STREAM)
)

// String returns the type's name ("REQ", "ROUTER", ...), or "<INVALID>".
func (t Type) String() string {
	if t < PAIR || t > STREAM {
		return "<INVALID>"
	}
	return core.SocketType(t).String()
}

// Flag modifies a send or receive.
type Flag int

// Send and receive flags, with libzmq's values.
const (
	// DONTWAIT makes the call fail with EAGAIN instead of blocking.
	DONTWAIT = Flag(core.DontWait)
	// SNDMORE marks a sent part as not the last of its message.
	SNDMORE = Flag(core.SndMore)
)

// String lists the set flags ("DONTWAIT|SNDMORE"), or "<NONE>".
func (f Flag) String() string {
	return bitNames(int(f), []bitName{{int(DONTWAIT), "DONTWAIT"}, {int(SNDMORE), "SNDMORE"}})
}

// Event is a socket monitoring event, or a mask of them.
type Event int

// Monitoring events, with libzmq 4.3's values.
const (
	EVENT_ALL                        = Event(0xffff)
	EVENT_CONNECTED                  = Event(0x0001)
	EVENT_CONNECT_DELAYED            = Event(0x0002)
	EVENT_CONNECT_RETRIED            = Event(0x0004)
	EVENT_LISTENING                  = Event(0x0008)
	EVENT_BIND_FAILED                = Event(0x0010)
	EVENT_ACCEPTED                   = Event(0x0020)
	EVENT_ACCEPT_FAILED              = Event(0x0040)
	EVENT_CLOSED                     = Event(0x0080)
	EVENT_CLOSE_FAILED               = Event(0x0100)
	EVENT_DISCONNECTED               = Event(0x0200)
	EVENT_MONITOR_STOPPED            = Event(0x0400)
	EVENT_HANDSHAKE_FAILED_NO_DETAIL = Event(0x0800)
	EVENT_HANDSHAKE_SUCCEEDED        = Event(0x1000)
	EVENT_HANDSHAKE_FAILED_PROTOCOL  = Event(0x2000)
	EVENT_HANDSHAKE_FAILED_AUTH      = Event(0x4000)
)

var eventNames = []bitName{
	{int(EVENT_CONNECTED), "EVENT_CONNECTED"},
	{int(EVENT_CONNECT_DELAYED), "EVENT_CONNECT_DELAYED"},
	{int(EVENT_CONNECT_RETRIED), "EVENT_CONNECT_RETRIED"},
	{int(EVENT_LISTENING), "EVENT_LISTENING"},
	{int(EVENT_BIND_FAILED), "EVENT_BIND_FAILED"},
	{int(EVENT_ACCEPTED), "EVENT_ACCEPTED"},
	{int(EVENT_ACCEPT_FAILED), "EVENT_ACCEPT_FAILED"},
	{int(EVENT_CLOSED), "EVENT_CLOSED"},
	{int(EVENT_CLOSE_FAILED), "EVENT_CLOSE_FAILED"},
	{int(EVENT_DISCONNECTED), "EVENT_DISCONNECTED"},
	{int(EVENT_MONITOR_STOPPED), "EVENT_MONITOR_STOPPED"},
	{int(EVENT_HANDSHAKE_FAILED_NO_DETAIL), "EVENT_HANDSHAKE_FAILED_NO_DETAIL"},
	{int(EVENT_HANDSHAKE_SUCCEEDED), "EVENT_HANDSHAKE_SUCCEEDED"},
	{int(EVENT_HANDSHAKE_FAILED_PROTOCOL), "EVENT_HANDSHAKE_FAILED_PROTOCOL"},
	{int(EVENT_HANDSHAKE_FAILED_AUTH), "EVENT_HANDSHAKE_FAILED_AUTH"},
}

// String lists the events in the mask ("EVENT_CONNECTED|EVENT_CLOSED"),
// "EVENT_ALL", or "<NONE>".
func (e Event) String() string {
	if e == EVENT_ALL {
		return "EVENT_ALL"
	}
	return bitNames(int(e), eventNames)
}

// State is a socket's readiness, as polled or read with GetEvents.
type State int

// Readiness bits, with libzmq's values.
const (
	// POLLIN: at least one message can be received without blocking.
	POLLIN = State(core.PollIn)
	// POLLOUT: at least one message can be sent without blocking.
	POLLOUT = State(core.PollOut)
)

// String lists the set bits ("POLLIN|POLLOUT"), or "<NONE>".
func (s State) String() string {
	return bitNames(int(s), []bitName{{int(POLLIN), "POLLIN"}, {int(POLLOUT), "POLLOUT"}})
}

// Mechanism is a security mechanism, as reported by GetMechanism.
type Mechanism int

// Security mechanisms, numbered as in libzmq.
const (
	NULL   = Mechanism(core.MechNull)
	PLAIN  = Mechanism(core.MechPlain)
	CURVE  = Mechanism(core.MechCurve)
	GSSAPI = Mechanism(core.MechGssapi)
)

// String returns the mechanism's name ("NULL", "CURVE", ...), or "<INVALID>".
func (m Mechanism) String() string {
	switch m {
	case NULL:
		return "NULL"
	case PLAIN:
		return "PLAIN"
	case CURVE:
		return "CURVE"
	case GSSAPI:
		return "GSSAPI"
	}
	return "<INVALID>"
}

type bitName struct {
	bit  int
	name string
}

// bitNames joins the names of the bits set in v with "|", or gives "<NONE>".
func bitNames(v int, names []bitName) string {
	var set []string
	for _, n := range names {
		if v&n.bit != 0 {
			set = append(set, n.name)
		}
	}
	if len(set) == 0 {
		return "<NONE>"
	}
	return strings.Join(set, "|")
}
