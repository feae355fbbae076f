package wire

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
	"golang.org/x/crypto/nacl/secretbox"
)

// The CURVE handshake (RFC 25, CurveZMQ RFC 26). C/c is the client's
// long-term key pair, S/s the server's, C'/c' and S'/s' the short-term
// (per-connection) pairs; Box[x](A->B) is a NaCl box of x from A's secret
// key to B's public key, N an 8-byte big-endian counter.
//
//	C: HELLO    1 0, 72 zero bytes, C', N, Box[64 zero bytes](C'->S)
//	S: WELCOME  16-byte nonce, Box[S', cookie](S->C')
//	C: INITIATE cookie, N, Box[C, vouch nonce, vouch, metadata](C'->S')
//	S: READY    N, Box[metadata](S'->C')
//
// where cookie = 16-byte nonce, SecretBox[C', s'](cookie key) and
// vouch = Box[C', S](C->S'). Afterwards every frame travels inside a
// MESSAGE command: N, Box[flags, body](C'->S' or S'->C').

// CurveKeySize is the size of every CURVE key, public or secret.
const CurveKeySize = 32

// ErrCrypto reports a CURVE box that does not open (wrong key, tampered
// bytes), a cookie or vouch that does not match, or a nonce that does not
// increase.
var ErrCrypto = errors.New("wire: CURVE cryptographic check failed")

// Nonce prefixes (RFC 26).
const (
	nonceHello     = "CurveZMQHELLO---"
	nonceWelcome   = "WELCOME-"
	nonceCookie    = "COOKIE--"
	nonceInitiate  = "CurveZMQINITIATE"
	nonceVouch     = "VOUCH---"
	nonceReady     = "CurveZMQREADY---"
	nonceMessageC  = "CurveZMQMESSAGEC"
	nonceMessageS  = "CurveZMQMESSAGES"
	curveHelloData = 2 + 72 + 32 + 8 + 80 // HELLO data: 194 bytes
	curveWelcome   = 16 + 144             // WELCOME data: 160 bytes
	curveCookie    = 16 + 80
	curveInitMin   = curveCookie + 8 + 16 + 128 // INITIATE data without metadata
	curveReadyMin  = 8 + 16
	curveMsgMin    = 8 + 16 + 1
)

// Flag bits of the byte that precedes each frame inside a MESSAGE box
// (libzmq 4.3).
const (
	curveFlagMore    = 0x01
	curveFlagCommand = 0x02
)

// CurvePublicKey derives the public key that goes with a secret key.
func CurvePublicKey(secret [32]byte) [32]byte {
	var pub [32]byte
	p, err := curve25519.X25519(secret[:], curve25519.Basepoint)
	if err != nil { // only for low-order results, impossible with the base point
		panic("wire: " + err.Error())
	}
	copy(pub[:], p)
	return pub
}

// NewCurveKeyPair returns a fresh long-term key pair read from
// crypto/rand (zmq_curve_keypair, without the Z85 encoding).
func NewCurveKeyPair() (public, secret [32]byte, err error) {
	pub, sec, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return public, secret, err
	}
	return *pub, *sec, nil
}

// nonce24 builds a 24-byte nonce from a prefix and a tail.
func nonce24(prefix string, tail []byte) *[24]byte {
	var n [24]byte
	copy(n[copy(n[:], prefix):], tail)
	return &n
}

// curveCodec is the state the two sides share once the short-term keys
// are known: the precomputed key and the nonce counters.
type curveCodec struct {
	rand      io.Reader
	status    Status
	shared    [32]byte
	nonce     uint64 // next nonce to send
	peerNonce uint64 // last nonce received
	send      string // MESSAGE nonce prefix for frames we send
	recv      string // MESSAGE nonce prefix for frames we receive
	scratch   []byte
	peer      Metadata
}

func (c *curveCodec) Status() Status         { return c.status }
func (c *curveCodec) PeerMetadata() Metadata { return c.peer }

func (c *curveCodec) random(b []byte) error {
	r := c.rand
	if r == nil {
		r = rand.Reader
	}
	_, err := io.ReadFull(r, b)
	return err
}

// nextNonce returns the next short nonce; it never wraps.
func (c *curveCodec) nextNonce() ([8]byte, error) {
	var b [8]byte
	if c.nonce == ^uint64(0) {
		return b, fmt.Errorf("%w: nonce space exhausted", ErrCrypto)
	}
	binary.BigEndian.PutUint64(b[:], c.nonce)
	c.nonce++
	return b, nil
}

// checkNonce verifies that an 8-byte nonce from the peer is larger than
// the last one and returns it; the caller commits it once the box opens.
func (c *curveCodec) checkNonce(b []byte) (uint64, error) {
	n := binary.BigEndian.Uint64(b)
	if n <= c.peerNonce {
		return 0, fmt.Errorf("%w: nonce %d not above %d", ErrCrypto, n, c.peerNonce)
	}
	return n, nil
}

// maxScratch is the largest plaintext buffer EncodeFrame keeps for reuse.
const maxScratch = 1 << 20

// EncodeFrame implements MessageCodec: it appends a MESSAGE command body
// carrying one frame. libzmq 4.3 sends that body as a data frame with no
// flags (neither MORE nor COMMAND: both travel inside the box), and so
// should the engine. Only FlagMore and FlagCommand are kept from flags.
func (c *curveCodec) EncodeFrame(dst []byte, flags byte, body []byte) ([]byte, error) {
	if c.status != Ready {
		return dst, fmt.Errorf("wire: CURVE EncodeFrame before the handshake completed (%s)", c.status)
	}
	n, err := c.nextNonce()
	if err != nil {
		return dst, err
	}
	var inner byte
	if flags&FlagMore != 0 {
		inner |= curveFlagMore
	}
	if flags&FlagCommand != 0 {
		inner |= curveFlagCommand
	}
	c.scratch = append(append(c.scratch[:0], inner), body...)
	dst = AppendCommandBody(dst, CmdMessage, n[:])
	dst = box.SealAfterPrecomputation(dst, c.scratch, nonce24(c.send, n[:]), &c.shared)
	if cap(c.scratch) > maxScratch {
		c.scratch = nil
	}
	return dst, nil
}

// DecodeFrame implements MessageCodec: it opens a MESSAGE command body
// (whatever the flags of the frame that carried it) and returns the frame
// inside, in a new buffer. Nonces must strictly increase; any failure is
// fatal to the connection.
func (c *curveCodec) DecodeFrame(cmd []byte) (flags byte, body []byte, err error) {
	if c.status != Ready {
		return 0, nil, fmt.Errorf("wire: CURVE DecodeFrame before the handshake completed (%s)", c.status)
	}
	name, data, err := ParseCommand(cmd)
	if err != nil {
		return 0, nil, err
	}
	if name != CmdMessage {
		return 0, nil, fmt.Errorf("%w: %s where CURVE expects MESSAGE", ErrUnexpectedCommand, strconv.Quote(name))
	}
	if len(data) < curveMsgMin {
		return 0, nil, malformed("CURVE MESSAGE of %d bytes", len(cmd))
	}
	n, err := c.checkNonce(data[:8])
	if err != nil {
		return 0, nil, err
	}
	out := make([]byte, 0, len(data)-8-box.Overhead)
	out, ok := box.OpenAfterPrecomputation(out, data[8:], nonce24(c.recv, data[:8]), &c.shared)
	if !ok {
		return 0, nil, fmt.Errorf("%w: MESSAGE box does not open", ErrCrypto)
	}
	c.peerNonce = n
	if out[0]&curveFlagMore != 0 {
		flags |= FlagMore
	}
	if out[0]&curveFlagCommand != 0 {
		flags |= FlagCommand
	}
	return flags, out[1:], nil
}

// NewCurveClient returns the client side of the CURVE mechanism for a
// client with the long-term key pair clientPub/clientSecret, connecting to
// the server whose long-term public key is serverPub. Keys are raw 32-byte
// values (Z85 decoding is the caller's business). The result implements
// MessageCodec. local.AsServer is ignored.
func NewCurveClient(local SocketInfo, serverPub, clientPub, clientSecret [32]byte) Mechanism {
	return &curveClient{local: local, serverPub: serverPub, pub: clientPub, sec: clientSecret,
		curveCodec: curveCodec{nonce: 1, send: nonceMessageC, recv: nonceMessageS}}
}

type curveClient struct {
	curveCodec
	local     SocketInfo
	serverPub [32]byte
	pub, sec  [32]byte
	shortPub  [32]byte // C'
	shortSec  [32]byte // c'
	state     int      // 0: not started; 1: want WELCOME; 2: want READY
}

func (m *curveClient) Name() string { return MechanismCurve }

func (m *curveClient) fail(err error) ([][]byte, error) {
	m.status = Failed
	return nil, err
}

func (m *curveClient) Start() ([][]byte, error) {
	if m.state != 0 || m.status != Handshaking {
		return nil, nil
	}
	m.state = 1
	pub, sec, err := box.GenerateKey(readerFunc(m.random))
	if err != nil {
		return m.fail(err)
	}
	m.shortPub, m.shortSec = *pub, *sec
	n, err := m.nextNonce()
	if err != nil {
		return m.fail(err)
	}
	hello := make([]byte, 0, 6+curveHelloData)
	hello = AppendCommandBody(hello, CmdHello, []byte{1, 0})
	hello = append(hello, make([]byte, 72)...)
	hello = append(hello, m.shortPub[:]...)
	hello = append(hello, n[:]...)
	var zero [64]byte
	hello = box.Seal(hello, zero[:], nonce24(nonceHello, n[:]), &m.serverPub, &m.shortSec)
	return [][]byte{hello}, nil
}

// readerFunc adapts a fill function to io.Reader.
type readerFunc func([]byte) error

func (f readerFunc) Read(b []byte) (int, error) {
	if err := f(b); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (m *curveClient) Handle(cmd []byte) ([][]byte, error) {
	if m.status != Handshaking || m.state == 0 {
		return nil, fmt.Errorf("%w: CURVE client handshake %s", ErrUnexpectedCommand, m.status)
	}
	name, data, err := ParseCommand(cmd)
	if err != nil {
		return m.fail(err)
	}
	switch {
	case name == CmdWelcome && m.state == 1:
		return m.welcome(data)
	case name == CmdReady && m.state == 2:
		return m.ready(data)
	case name == CmdError:
		reason, err := ParseError(data)
		if err != nil {
			return m.fail(err)
		}
		return m.fail(&PeerError{Reason: reason})
	}
	return m.fail(fmt.Errorf("%w: %s in CURVE client handshake", ErrUnexpectedCommand, strconv.Quote(name)))
}

func (m *curveClient) welcome(data []byte) ([][]byte, error) {
	if len(data) != curveWelcome {
		return m.fail(malformed("CURVE WELCOME with %d bytes of data, want %d", len(data), curveWelcome))
	}
	pt, ok := box.Open(nil, data[16:], nonce24(nonceWelcome, data[:16]), &m.serverPub, &m.shortSec)
	if !ok {
		return m.fail(fmt.Errorf("%w: WELCOME box does not open (wrong server key?)", ErrCrypto))
	}
	var serverShort [32]byte
	copy(serverShort[:], pt[:32])
	cookie := pt[32:]
	box.Precompute(&m.shared, &serverShort, &m.shortSec)

	// Vouch: C', S from C to S'.
	var vouchNonce [16]byte
	if err := m.random(vouchNonce[:]); err != nil {
		return m.fail(err)
	}
	var vouchPlain [64]byte
	copy(vouchPlain[:32], m.shortPub[:])
	copy(vouchPlain[32:], m.serverPub[:])
	md := AppendMetadata(nil, m.local.Metadata())
	plain := make([]byte, 0, 128+len(md))
	plain = append(plain, m.pub[:]...)
	plain = append(plain, vouchNonce[:]...)
	plain = box.Seal(plain, vouchPlain[:], nonce24(nonceVouch, vouchNonce[:]), &serverShort, &m.sec)
	plain = append(plain, md...)

	n, err := m.nextNonce()
	if err != nil {
		return m.fail(err)
	}
	ini := make([]byte, 0, 9+curveInitMin+len(md))
	ini = AppendCommandBody(ini, CmdInitiate, cookie)
	ini = append(ini, n[:]...)
	ini = box.SealAfterPrecomputation(ini, plain, nonce24(nonceInitiate, n[:]), &m.shared)
	m.state = 2
	return [][]byte{ini}, nil
}

func (m *curveClient) ready(data []byte) ([][]byte, error) {
	if len(data) < curveReadyMin {
		return m.fail(malformed("CURVE READY with %d bytes of data", len(data)))
	}
	n, err := m.checkNonce(data[:8])
	if err != nil {
		return m.fail(err)
	}
	pt, ok := box.OpenAfterPrecomputation(nil, data[8:], nonce24(nonceReady, data[:8]), &m.shared)
	if !ok {
		return m.fail(fmt.Errorf("%w: READY box does not open", ErrCrypto))
	}
	md, err := CheckPeerMetadata(m.local, pt)
	if err != nil {
		return m.fail(err)
	}
	m.peerNonce = n
	m.peer = md
	m.status = Ready
	return nil, nil
}

// NewCurveServer returns the server side of the CURVE mechanism for a
// server with the long-term secret key serverSecret (its public key is
// derived from it). With zap false every client that completes the
// handshake is accepted (libzmq's behaviour without a ZAP handler); with
// zap true the mechanism enters WaitingForZAP after INITIATE, with the
// client's long-term public key as the only credential. The result also
// implements MessageCodec. local.AsServer is ignored.
func NewCurveServer(local SocketInfo, serverSecret [32]byte, zap bool) ZAPMechanism {
	return &curveServer{local: local, sec: serverSecret, pub: CurvePublicKey(serverSecret),
		zapGate:    zapGate{enabled: zap},
		curveCodec: curveCodec{nonce: 1, send: nonceMessageS, recv: nonceMessageC}}
}

type curveServer struct {
	curveCodec
	zapGate
	local       SocketInfo
	pub, sec    [32]byte
	clientShort [32]byte // C'
	clientKey   [32]byte // C
	shortPub    [32]byte // S'
	shortSec    [32]byte // s'
	cookieKey   [32]byte
	state       int // 0: want HELLO; 1: want INITIATE
}

func (m *curveServer) Name() string { return MechanismCurve }

func (m *curveServer) Start() ([][]byte, error) { return nil, nil }

func (m *curveServer) fail(err error) ([][]byte, error) {
	m.status = Failed
	return nil, err
}

func (m *curveServer) Handle(cmd []byte) ([][]byte, error) {
	if m.status != Handshaking {
		return nil, fmt.Errorf("%w: CURVE server handshake %s", ErrUnexpectedCommand, m.status)
	}
	name, data, err := ParseCommand(cmd)
	if err != nil {
		return m.fail(err)
	}
	switch {
	case name == CmdHello && m.state == 0:
		return m.hello(data)
	case name == CmdInitiate && m.state == 1:
		return m.initiate(data)
	case name == CmdError:
		reason, err := ParseError(data)
		if err != nil {
			return m.fail(err)
		}
		return m.fail(&PeerError{Reason: reason})
	}
	return m.fail(fmt.Errorf("%w: %s in CURVE server handshake", ErrUnexpectedCommand, strconv.Quote(name)))
}

func (m *curveServer) hello(data []byte) ([][]byte, error) {
	if len(data) != curveHelloData {
		return m.fail(malformed("CURVE HELLO with %d bytes of data, want %d", len(data), curveHelloData))
	}
	if data[0] != 1 || data[1] != 0 {
		return m.fail(malformed("CURVE HELLO version %d.%d, want 1.0", data[0], data[1]))
	}
	copy(m.clientShort[:], data[74:106])
	nb := data[106:114]
	n, err := m.checkNonce(nb)
	if err != nil {
		return m.fail(err)
	}
	if _, ok := box.Open(nil, data[114:], nonce24(nonceHello, nb), &m.clientShort, &m.sec); !ok {
		return m.fail(fmt.Errorf("%w: HELLO box does not open (client has the wrong server key?)", ErrCrypto))
	}
	m.peerNonce = n

	pub, sec, err := box.GenerateKey(readerFunc(m.random))
	if err != nil {
		return m.fail(err)
	}
	m.shortPub, m.shortSec = *pub, *sec
	var nonces [32]byte // cookie nonce, WELCOME nonce
	if err := m.random(m.cookieKey[:]); err != nil {
		return m.fail(err)
	}
	if err := m.random(nonces[:]); err != nil {
		return m.fail(err)
	}
	var cookiePlain [64]byte
	copy(cookiePlain[:32], m.clientShort[:])
	copy(cookiePlain[32:], m.shortSec[:])
	plain := make([]byte, 0, 32+curveCookie)
	plain = append(plain, m.shortPub[:]...)
	plain = append(plain, nonces[:16]...)
	plain = secretbox.Seal(plain, cookiePlain[:], nonce24(nonceCookie, nonces[:16]), &m.cookieKey)

	w := make([]byte, 0, 8+curveWelcome)
	w = AppendCommandBody(w, CmdWelcome, nonces[16:])
	w = box.Seal(w, plain, nonce24(nonceWelcome, nonces[16:]), &m.clientShort, &m.sec)
	box.Precompute(&m.shared, &m.clientShort, &m.shortSec)
	m.state = 1
	return [][]byte{w}, nil
}

func (m *curveServer) initiate(data []byte) ([][]byte, error) {
	if len(data) < curveInitMin {
		return m.fail(malformed("CURVE INITIATE with %d bytes of data", len(data)))
	}
	cookie, ok := secretbox.Open(nil, data[16:curveCookie], nonce24(nonceCookie, data[:16]), &m.cookieKey)
	if !ok || subtle.ConstantTimeCompare(cookie[:32], m.clientShort[:])&
		subtle.ConstantTimeCompare(cookie[32:], m.shortSec[:]) != 1 {
		return m.fail(fmt.Errorf("%w: INITIATE cookie invalid", ErrCrypto))
	}
	nb := data[curveCookie : curveCookie+8]
	n, err := m.checkNonce(nb)
	if err != nil {
		return m.fail(err)
	}
	pt, ok := box.OpenAfterPrecomputation(nil, data[curveCookie+8:], nonce24(nonceInitiate, nb), &m.shared)
	if !ok {
		return m.fail(fmt.Errorf("%w: INITIATE box does not open", ErrCrypto))
	}
	copy(m.clientKey[:], pt[:32])
	vouch, ok := box.Open(nil, pt[48:128], nonce24(nonceVouch, pt[32:48]), &m.clientKey, &m.shortSec)
	if !ok || subtle.ConstantTimeCompare(vouch[:32], m.clientShort[:])&
		subtle.ConstantTimeCompare(vouch[32:], m.pub[:]) != 1 {
		return m.fail(fmt.Errorf("%w: INITIATE vouch invalid", ErrCrypto))
	}
	md, err := CheckPeerMetadata(m.local, pt[128:])
	if err != nil {
		return m.fail(err)
	}
	m.peerNonce = n
	m.peer = md
	if m.enabled {
		m.waiting = true
		m.status = WaitingForZAP
		return nil, nil
	}
	return m.ready()
}

func (m *curveServer) ready() ([][]byte, error) {
	n, err := m.nextNonce()
	if err != nil {
		return m.fail(err)
	}
	md := AppendMetadata(nil, m.local.Metadata())
	r := make([]byte, 0, 6+8+box.Overhead+len(md))
	r = AppendCommandBody(r, CmdReady, n[:])
	r = box.SealAfterPrecomputation(r, md, nonce24(nonceReady, n[:]), &m.shared)
	m.status = Ready
	return [][]byte{r}, nil
}

func (m *curveServer) ZAPRequest() ZAPRequest {
	return ZAPRequest{Mechanism: MechanismCurve, Credentials: [][]byte{m.clientKey[:]}}
}

func (m *curveServer) ZAPReply(code, text string, userID []byte, meta Metadata) ([][]byte, error) {
	ok, out, err := m.decide(code, text, userID, meta)
	if !ok {
		m.status = Failed
		return out, err
	}
	m.status = Handshaking
	return m.ready()
}

// Compile-time checks.
var (
	_ MessageCodec = (*curveClient)(nil)
	_ MessageCodec = (*curveServer)(nil)
	_ ZAPMechanism = (*curveServer)(nil)
	_ ZAPMechanism = (*plainServer)(nil)
	_ ZAPMechanism = (*nullMechanism)(nil)
)
