package wire

import (
	"fmt"
	"strconv"
)

// MaxPlainCredential is the longest PLAIN username or password: each
// travels behind a one-byte length.
const MaxPlainCredential = 255

// The PLAIN handshake (RFC 24):
//
//	C: HELLO    username-length username password-length password
//	S: WELCOME  (no data; or ERROR)
//	C: INITIATE metadata
//	S: READY    metadata (or ERROR)
//
// Credentials travel in clear text.

// NewPlainClient returns the client side of the PLAIN mechanism, which
// presents user and password (each at most MaxPlainCredential bytes; Start
// fails otherwise, as libzmq refuses such options). local.AsServer is
// ignored.
func NewPlainClient(local SocketInfo, user, pass []byte) Mechanism {
	return &plainClient{local: local, user: user, pass: pass}
}

type plainClient struct {
	local      SocketInfo
	user, pass []byte
	started    bool
	welcomed   bool
	status     Status
	peer       Metadata
}

func (m *plainClient) Name() string           { return MechanismPlain }
func (m *plainClient) Status() Status         { return m.status }
func (m *plainClient) PeerMetadata() Metadata { return m.peer }

func (m *plainClient) fail(err error) ([][]byte, error) {
	m.status = Failed
	return nil, err
}

func (m *plainClient) Start() ([][]byte, error) {
	if m.started || m.status != Handshaking {
		return nil, nil
	}
	m.started = true
	if len(m.user) > MaxPlainCredential || len(m.pass) > MaxPlainCredential {
		return m.fail(fmt.Errorf("wire: PLAIN username or password longer than %d bytes", MaxPlainCredential))
	}
	return [][]byte{AppendPlainHello(nil, m.user, m.pass)}, nil
}

// AppendPlainHello appends a PLAIN HELLO command body. user and pass must
// be at most MaxPlainCredential bytes long (they are cut otherwise).
func AppendPlainHello(dst, user, pass []byte) []byte {
	if len(user) > MaxPlainCredential {
		user = user[:MaxPlainCredential]
	}
	if len(pass) > MaxPlainCredential {
		pass = pass[:MaxPlainCredential]
	}
	dst = AppendCommandBody(dst, CmdHello, nil)
	dst = append(dst, byte(len(user)))
	dst = append(dst, user...)
	dst = append(dst, byte(len(pass)))
	return append(dst, pass...)
}

// ParsePlainHello decodes the data of a PLAIN HELLO command (as returned by
// ParseCommand). Like libzmq it refuses trailing bytes. The results alias
// data.
func ParsePlainHello(data []byte) (user, pass []byte, err error) {
	if len(data) < 1 {
		return nil, nil, malformed("PLAIN HELLO without username length")
	}
	n := int(data[0])
	if n > len(data)-1 {
		return nil, nil, malformed("PLAIN username of %d bytes overruns %d remaining", n, len(data)-1)
	}
	user, data = data[1:1+n:1+n], data[1+n:]
	if len(data) < 1 {
		return nil, nil, malformed("PLAIN HELLO without password length")
	}
	n = int(data[0])
	if n != len(data)-1 {
		return nil, nil, malformed("PLAIN password of %d bytes in %d remaining", n, len(data)-1)
	}
	return user, data[1:], nil
}

func (m *plainClient) Handle(cmd []byte) ([][]byte, error) {
	if m.status != Handshaking || !m.started {
		return nil, fmt.Errorf("%w: PLAIN client handshake %s", ErrUnexpectedCommand, m.status)
	}
	name, data, err := ParseCommand(cmd)
	if err != nil {
		if reason, ok := libzmqPlainError(cmd); ok {
			return m.fail(&PeerError{Reason: reason})
		}
		return m.fail(err)
	}
	switch {
	case name == CmdWelcome && !m.welcomed:
		if len(data) != 0 {
			return m.fail(malformed("PLAIN WELCOME with %d bytes of data", len(data)))
		}
		m.welcomed = true
		return [][]byte{AppendCommandBody(nil, CmdInitiate, AppendMetadata(nil, m.local.Metadata()))}, nil
	case name == CmdReady && m.welcomed:
		md, err := CheckPeerMetadata(m.local, data)
		if err != nil {
			return m.fail(err)
		}
		m.peer = md
		m.status = Ready
		return nil, nil
	case name == CmdError:
		reason, err := ParseError(data)
		if err != nil {
			return m.fail(err)
		}
		return m.fail(&PeerError{Reason: reason})
	}
	return m.fail(fmt.Errorf("%w: %s in PLAIN client handshake", ErrUnexpectedCommand, strconv.Quote(name)))
}

// libzmqPlainError recognises the ERROR command of a libzmq 4.3 PLAIN
// server, which spells its prefix "\x05ERROR" in C, where the hex escape
// swallows the "E": the body arrives as "^RROR", reason length, reason
// (libzmq's own clients then fail with a protocol error). It returns the
// reason.
func libzmqPlainError(cmd []byte) (string, bool) {
	const quirk = "^RROR"
	if len(cmd) < len(quirk) || string(cmd[:len(quirk)]) != quirk {
		return "", false
	}
	reason, err := ParseError(cmd[len(quirk):])
	return reason, err == nil
}

// NewPlainServer returns the server side of the PLAIN mechanism. With zap
// false every client is welcomed, as libzmq does when no ZAP handler is
// bound; with zap true the mechanism enters WaitingForZAP after HELLO, with
// the username and password as credentials. local.AsServer is ignored.
func NewPlainServer(local SocketInfo, zap bool) ZAPMechanism {
	return &plainServer{local: local, zapGate: zapGate{enabled: zap}}
}

type plainServer struct {
	zapGate
	local      SocketInfo
	user, pass []byte
	state      int // 0: want HELLO; 1: want INITIATE
	status     Status
	peer       Metadata
}

func (m *plainServer) Name() string           { return MechanismPlain }
func (m *plainServer) Status() Status         { return m.status }
func (m *plainServer) PeerMetadata() Metadata { return m.peer }
func (m *plainServer) Start() ([][]byte, error) {
	return nil, nil
}

func (m *plainServer) fail(err error) ([][]byte, error) {
	m.status = Failed
	return nil, err
}

func (m *plainServer) welcome() [][]byte {
	m.state = 1
	return [][]byte{AppendCommandBody(nil, CmdWelcome, nil)}
}

func (m *plainServer) Handle(cmd []byte) ([][]byte, error) {
	if m.status != Handshaking {
		return nil, fmt.Errorf("%w: PLAIN server handshake %s", ErrUnexpectedCommand, m.status)
	}
	name, data, err := ParseCommand(cmd)
	if err != nil {
		return m.fail(err)
	}
	switch {
	case name == CmdHello && m.state == 0:
		user, pass, err := ParsePlainHello(data)
		if err != nil {
			return m.fail(err)
		}
		if !m.enabled {
			return m.welcome(), nil
		}
		// Copy: the engine may reuse cmd before the ZAP round trip ends.
		m.user = append([]byte{}, user...)
		m.pass = append([]byte{}, pass...)
		m.waiting = true
		m.status = WaitingForZAP
		return nil, nil
	case name == CmdInitiate && m.state == 1:
		md, err := CheckPeerMetadata(m.local, data)
		if err != nil {
			return m.fail(err)
		}
		m.peer = md
		m.status = Ready
		return [][]byte{AppendReady(nil, m.local.Metadata())}, nil
	case name == CmdError:
		reason, err := ParseError(data)
		if err != nil {
			return m.fail(err)
		}
		return m.fail(&PeerError{Reason: reason})
	}
	return m.fail(fmt.Errorf("%w: %s in PLAIN server handshake", ErrUnexpectedCommand, strconv.Quote(name)))
}

func (m *plainServer) ZAPRequest() ZAPRequest {
	return ZAPRequest{Mechanism: MechanismPlain, Credentials: [][]byte{m.user, m.pass}}
}

func (m *plainServer) ZAPReply(code, text string, userID []byte, meta Metadata) ([][]byte, error) {
	ok, out, err := m.decide(code, text, userID, meta)
	if !ok {
		m.status = Failed
		return out, err
	}
	m.status = Handshaking
	return m.welcome(), nil
}
