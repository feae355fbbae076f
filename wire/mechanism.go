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
	// WaitingForZAP: a server-side mechanism built with ZAP enabled needs an
	// authentication decision before it can go on. The engine reads the
	// request with ZAPMechanism.ZAPRequest, asks the ZAP handler (RFC 27)
	// and hands the answer to ZAPMechanism.ZAPReply. It must not call Handle
	// meanwhile: peer commands wait in the decoder. Mechanisms built without
	// ZAP never enter this state.
	WaitingForZAP
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
	case WaitingForZAP:
		return "WaitingForZAP"
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
//
// The engine sends each body EncodeFrame produces as one frame with no
// flags (libzmq 4.3 does so: MORE and COMMAND travel inside the box), and
// passes every frame it receives after the handshake, whatever its flags,
// to DecodeFrame. EncodeFrame and DecodeFrame touch disjoint state, so a
// writer goroutine may encode while a reader goroutine decodes; neither may
// be called concurrently with itself.
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

// NewNullZAP returns the NULL mechanism of a socket that has a ZAP domain
// set (ZMQ_ZAP_DOMAIN) and a ZAP handler to ask: Start sends nothing and
// enters WaitingForZAP with a request carrying no credentials; READY is sent
// once ZAPReply accepts the peer. libzmq behaves so on either side of a
// NULL connection whenever the ZAP domain is not empty.
func NewNullZAP(local SocketInfo) ZAPMechanism {
	return &nullMechanism{local: local, zapGate: zapGate{enabled: true}}
}

type nullMechanism struct {
	zapGate
	asked    bool
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
	if m.sent || m.status != Handshaking {
		return nil, nil
	}
	if m.enabled && !m.asked {
		m.asked, m.waiting = true, true
		m.status = WaitingForZAP
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
	return AppendReady(nil, m.local.Metadata())
}

// Metadata returns the properties a socket described by info announces in
// its READY command (or in the PLAIN and CURVE equivalents): Socket-Type,
// then Identity for REQ, DEALER and ROUTER sockets, then Properties.
func (info SocketInfo) Metadata() Metadata {
	md := make(Metadata, 0, 2+len(info.Properties))
	md = append(md, Property{Name: PropSocketType, Value: []byte(info.Type)})
	if sendsIdentity(info.Type) {
		id := info.Identity
		if id == nil {
			id = []byte{}
		}
		md = append(md, Property{Name: PropIdentity, Value: id})
	}
	return append(md, info.Properties...)
}

// CheckPeerMetadata parses the metadata a peer declared (the data of its
// READY, or the PLAIN and CURVE equivalents) and checks that it names a
// socket type compatible with local's. Values alias data.
func CheckPeerMetadata(local SocketInfo, data []byte) (Metadata, error) {
	md, err := ParseMetadata(data)
	if err != nil {
		return nil, err
	}
	peerType, ok := md.Get(PropSocketType)
	if !ok {
		return nil, malformed("peer metadata without %s property", PropSocketType)
	}
	if !CompatibleSocketTypes(local.Type, string(peerType)) {
		return nil, fmt.Errorf("%w: local %s socket cannot talk to peer %s socket",
			ErrIncompatible, strconv.Quote(local.Type), strconv.Quote(string(peerType)))
	}
	return md, nil
}

func sendsIdentity(socketType string) bool {
	switch socketType {
	case "REQ", "DEALER", "ROUTER":
		return true
	}
	return false
}

func (m *nullMechanism) ZAPRequest() ZAPRequest {
	return ZAPRequest{Mechanism: MechanismNull}
}

func (m *nullMechanism) ZAPReply(code, text string, userID []byte, meta Metadata) ([][]byte, error) {
	ok, out, err := m.decide(code, text, userID, meta)
	if !ok {
		m.status = Failed
		return out, err
	}
	m.status = Handshaking
	return m.Start()
}

func (m *nullMechanism) fail(err error) ([][]byte, error) {
	m.status = Failed
	return nil, err
}

func (m *nullMechanism) Handle(cmd []byte) ([][]byte, error) {
	if m.status != Handshaking {
		return nil, fmt.Errorf("%w: NULL handshake already %s", ErrUnexpectedCommand, m.status)
	}
	if m.enabled && !m.asked {
		return m.fail(fmt.Errorf("%w: NULL with ZAP got a command before Start", ErrUnexpectedCommand))
	}
	name, data, err := ParseCommand(cmd)
	if err != nil {
		return m.fail(err)
	}
	switch name {
	case CmdReady:
		md, err := CheckPeerMetadata(m.local, data)
		if err != nil {
			return m.fail(err)
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
