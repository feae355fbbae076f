package wire

import (
	"fmt"
	"strconv"
)

// Status is the state of a security handshake.
type Status int

// Handshake states.
const (
	// Handshaking: more commands must be exchanged.
	Handshaking Status = iota
	// Ready: the handshake succeeded; traffic may flow.
	Ready
	// Failed: the handshake failed; the connection must be closed.
	Failed
)

// String returns the state's name.
func (s Status) String() string {
	switch s {
	case Handshaking:
		return "Handshaking"
	case Ready:
		return "Ready"
	case Failed:
		return "Failed"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Mechanism is one side of a ZMTP security handshake (NULL, PLAIN, CURVE),
// written as a passive state machine: the engine feeds it the peer's
// command frames and sends the command bodies it returns, each as one
// command frame, in order. A Mechanism performs no I/O and is not safe for
// concurrent use.
//
// Mechanisms that transform traffic after the handshake (CURVE) also
// implement MessageCodec.
type Mechanism interface {
	// Name returns the mechanism name as carried in the greeting ("NULL").
	Name() string

	// Start returns the command bodies to send as soon as the greetings
	// have been exchanged (possibly none: a PLAIN server waits for HELLO).
	// Call it once, before Handle.
	Start() (out [][]byte, err error)

	// Handle processes one command frame body received during the
	// handshake and returns the command bodies to send in reply. On error
	// the status is Failed and out, if not empty, holds a last command
	// (ERROR) worth sending before closing the connection.
	Handle(cmd []byte) (out [][]byte, err error)

	// Status returns the handshake's state.
	Status() Status

	// PeerMetadata returns the properties the peer declared (its READY, or
	// the mechanism's equivalent) once Status is Ready. Values may alias
	// the command bodies passed to Handle.
	PeerMetadata() Metadata
}

// MessageCodec is implemented by mechanisms that wrap every frame after
// the handshake (CURVE carries each frame inside a MESSAGE command).
// NULL and PLAIN do not implement it.
type MessageCodec interface {
	// EncodeFrame appends to dst the command body that carries one frame
	// with the given flags (FlagMore, FlagCommand) and body.
	EncodeFrame(dst []byte, flags byte, body []byte) ([]byte, error)
	// DecodeFrame opens such a command body and returns the frame inside.
	DecodeFrame(cmd []byte) (flags byte, body []byte, err error)
}

// SocketInfo describes the local socket to a Mechanism.
type SocketInfo struct {
	// Type is the ZMTP socket type name: "REQ", "ROUTER", "PUB", ...
	Type string
	// Identity is the routing id announced to the peer (ZMQ_ROUTING_ID).
	// It is sent, possibly empty, by REQ, DEALER and ROUTER sockets only,
	// as libzmq does.
	Identity []byte
	// AsServer selects the server role for mechanisms that have one
	// (PLAIN, CURVE). NULL ignores it.
	AsServer bool
	// Properties are extra application metadata (libzmq's ZMQ_METADATA,
	// names conventionally starting with "X-") appended to READY.
	Properties Metadata
}

// NewNull returns the NULL mechanism (RFC 23/37): each side sends READY
// with its socket type (and, for REQ, DEALER and ROUTER, its identity);
// the handshake succeeds once the peer's READY names a compatible socket
// type. An ERROR from the peer, or any other command, fails it.
func NewNull(local SocketInfo) Mechanism {
	return &nullMechanism{local: local}
}

type nullMechanism struct {
	local    SocketInfo
	sent     bool
	received bool
	status   Status
	peer     Metadata
}

func (m *nullMechanism) Name() string           { return MechanismNull }
func (m *nullMechanism) Status() Status         { return m.status }
func (m *nullMechanism) PeerMetadata() Metadata { return m.peer }

func (m *nullMechanism) Start() ([][]byte, error) {
	if m.sent || m.status == Failed {
		return nil, nil
	}
	m.sent = true
	if m.received {
		m.status = Ready
	}
	return [][]byte{m.ready()}, nil
}

// ready builds this side's READY body.
func (m *nullMechanism) ready() []byte {
	md := make(Metadata, 0, 2+len(m.local.Properties))
	md = append(md, Property{Name: PropSocketType, Value: []byte(m.local.Type)})
	if sendsIdentity(m.local.Type) {
		id := m.local.Identity
		if id == nil {
			id = []byte{}
		}
		md = append(md, Property{Name: PropIdentity, Value: id})
	}
	md = append(md, m.local.Properties...)
	return AppendReady(nil, md)
}

func sendsIdentity(socketType string) bool {
	switch socketType {
	case "REQ", "DEALER", "ROUTER":
		return true
	}
	return false
}

func (m *nullMechanism) fail(err error) ([][]byte, error) {
	m.status = Failed
	return nil, err
}

func (m *nullMechanism) Handle(cmd []byte) ([][]byte, error) {
	if m.status != Handshaking {
		return nil, fmt.Errorf("%w: NULL handshake already %s", ErrUnexpectedCommand, m.status)
	}
	name, data, err := ParseCommand(cmd)
	if err != nil {
		return m.fail(err)
	}
	switch name {
	case CmdReady:
		md, err := ParseMetadata(data)
		if err != nil {
			return m.fail(err)
		}
		peerType, ok := md.Get(PropSocketType)
		if !ok {
			return m.fail(malformed("READY without %s property", PropSocketType))
		}
		if !CompatibleSocketTypes(m.local.Type, string(peerType)) {
			return m.fail(fmt.Errorf("%w: local %s socket cannot talk to peer %s socket",
				ErrIncompatible, strconv.Quote(m.local.Type), strconv.Quote(string(peerType))))
		}
		m.peer = md
		m.received = true
		var out [][]byte
		if !m.sent {
			m.sent = true
			out = [][]byte{m.ready()}
		}
		m.status = Ready
		return out, nil
	case CmdError:
		reason, err := ParseError(data)
		if err != nil {
			return m.fail(err)
		}
		return m.fail(&PeerError{Reason: reason})
	}
	return m.fail(fmt.Errorf("%w: %s in NULL handshake", ErrUnexpectedCommand, strconv.Quote(name)))
}

// CompatibleSocketTypes reports whether a socket of type local may talk to
// a peer of type peer, following libzmq 4.3 (draft types included):
//
//	REQ    - REP, ROUTER        REP   - REQ, DEALER
//	DEALER - REP, DEALER, ROUTER
//	ROUTER - REQ, DEALER, ROUTER
//	PUSH   - PULL               PULL  - PUSH
//	PUB    - SUB, XSUB          SUB   - PUB, XPUB
//	XPUB   - SUB, XSUB          XSUB  - PUB, XPUB
//	PAIR   - PAIR
//	CLIENT - SERVER             SERVER - CLIENT
//	RADIO  - DISH               DISH  - RADIO
//	SCATTER - GATHER            GATHER - SCATTER
//	PEER   - PEER               CHANNEL - CHANNEL
//
// Names are case-sensitive, as on the wire. STREAM sockets speak raw TCP,
// not ZMTP, and are compatible with nothing.
func CompatibleSocketTypes(local, peer string) bool {
	switch local {
	case "REQ":
		return peer == "REP" || peer == "ROUTER"
	case "REP":
		return peer == "REQ" || peer == "DEALER"
	case "DEALER":
		return peer == "REP" || peer == "DEALER" || peer == "ROUTER"
	case "ROUTER":
		return peer == "REQ" || peer == "DEALER" || peer == "ROUTER"
	case "PUSH":
		return peer == "PULL"
	case "PULL":
		return peer == "PUSH"
	case "PUB", "XPUB":
		return peer == "SUB" || peer == "XSUB"
	case "SUB", "XSUB":
		return peer == "PUB" || peer == "XPUB"
	case "PAIR", "PEER", "CHANNEL":
		return peer == local
	case "CLIENT":
		return peer == "SERVER"
	case "SERVER":
		return peer == "CLIENT"
	case "RADIO":
		return peer == "DISH"
	case "DISH":
		return peer == "RADIO"
	case "SCATTER":
		return peer == "GATHER"
	case "GATHER":
		return peer == "SCATTER"
	}
	return false
}
