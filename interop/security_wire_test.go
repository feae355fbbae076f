package interop

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"

	"github.com/monocoque-go/monocoque/wire"
)

// These tests drive the wire package's PLAIN and CURVE state machines over
// raw TCP connections against libzmq sockets, with no help from core: the
// greeting, the handshake loop and (for CURVE) the MESSAGE codec are run
// here by hand. They prove the mechanisms against libzmq on their own.

// wirePeer is one end of a connection run with the wire package alone.
type wirePeer struct {
	t     *testing.T
	conn  net.Conn
	dec   *wire.Decoder
	mech  wire.Mechanism
	codec wire.MessageCodec // nil for PLAIN
}

// zapAnswer answers the ZAP requests of a server-side mechanism.
type zapAnswer func(r wire.ZAPRequest) (code, text string)

func newWirePeer(t *testing.T, conn net.Conn, mech wire.Mechanism) *wirePeer {
	p := &wirePeer{t: t, conn: conn, dec: wire.NewDecoder(conn, 1<<24), mech: mech}
	p.codec, _ = mech.(wire.MessageCodec)
	must(t, conn.SetDeadline(time.Now().Add(opTimeout)))
	return p
}

func (p *wirePeer) writeCommands(cmds [][]byte) error {
	var b []byte
	for _, c := range cmds {
		b = wire.AppendFrameHeader(b, wire.FlagCommand, len(c))
		b = append(b, c...)
	}
	if len(b) == 0 {
		return nil
	}
	_, err := p.conn.Write(b)
	return err
}

// handshake exchanges greetings and runs the mechanism to its end. It
// returns the mechanism's error, after sending any last command (ERROR).
func (p *wirePeer) handshake(asServer bool, zap zapAnswer) error {
	if _, err := p.conn.Write(wire.NewGreeting(p.mech.Name(), asServer).Append(nil)); err != nil {
		return err
	}
	g := make([]byte, wire.GreetingSize)
	if _, err := readFull(p.conn, g); err != nil {
		return fmt.Errorf("reading greeting: %w", err)
	}
	peer, err := wire.ParseGreeting(g)
	if err != nil {
		return err
	}
	// libzmq 4.3 always sends as-server 0, so only the mechanism is checked.
	if peer.Mechanism != p.mech.Name() {
		return fmt.Errorf("peer greeting %+v", peer)
	}
	out, err := p.mech.Start()
	if werr := p.writeCommands(out); err == nil {
		err = werr
	}
	for err == nil && p.mech.Status() != wire.Ready {
		if p.mech.Status() == wire.WaitingForZAP {
			zm := p.mech.(wire.ZAPMechanism)
			req := zm.ZAPRequest()
			req.RequestID, req.Domain, req.Address = []byte("1"), "global", "127.0.0.1"
			// Round-trip the request through its frames, as a handler would see it.
			parsed, perr := wire.ParseZAPRequest(req.Frames())
			if perr != nil {
				return perr
			}
			code, text := zap(parsed)
			resp := wire.ZAPResponse{RequestID: []byte("1"), StatusCode: code, StatusText: text, UserID: []byte("zap-user")}
			r, perr := wire.ParseZAPResponse(resp.Frames(), []byte("1"))
			if perr != nil {
				return perr
			}
			out, err = zm.ZAPReply(r.StatusCode, r.StatusText, r.UserID, r.Metadata)
			if werr := p.writeCommands(out); err == nil {
				err = werr
			}
			continue
		}
		f, rerr := p.dec.Next()
		if rerr != nil {
			return fmt.Errorf("reading handshake command: %w", rerr)
		}
		if !f.IsCommand() {
			return fmt.Errorf("message frame during handshake")
		}
		out, err = p.mech.Handle(f.Body)
		if werr := p.writeCommands(out); err == nil {
			err = werr
		}
	}
	return err
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// send writes a multipart message, through the codec when there is one.
func (p *wirePeer) send(parts ...[]byte) {
	p.t.Helper()
	var b []byte
	for i, part := range parts {
		var flags byte
		if i < len(parts)-1 {
			flags = wire.FlagMore
		}
		if p.codec != nil {
			body, err := p.codec.EncodeFrame(nil, flags, part)
			must(p.t, err)
			// libzmq sends MESSAGE commands as plain data frames.
			b = wire.AppendFrameHeader(b, 0, len(body))
			b = append(b, body...)
		} else {
			b = wire.AppendFrameHeader(b, flags, len(part))
			b = append(b, part...)
		}
	}
	_, err := p.conn.Write(b)
	must(p.t, err)
}

// recv reads one multipart message.
func (p *wirePeer) recv() [][]byte {
	p.t.Helper()
	var msg [][]byte
	for {
		f, err := p.dec.Next()
		must(p.t, err)
		flags, body := f.Flags, f.Body
		if p.codec != nil {
			flags, body, err = p.codec.DecodeFrame(f.Body)
			must(p.t, err)
		}
		if flags&wire.FlagCommand != 0 {
			continue // PING and the like
		}
		msg = append(msg, body)
		if flags&wire.FlagMore == 0 {
			return msg
		}
	}
}

func equalParts(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// lzSocket makes a libzmq socket with short timeouts and no linger.
func lzSocket(t *testing.T, typ lz.Type) *lz.Socket {
	s, err := lz.NewSocket(typ)
	must(t, err)
	must(t, s.SetLinger(0))
	must(t, s.SetRcvtimeo(opTimeout))
	must(t, s.SetSndtimeo(opTimeout))
	t.Cleanup(func() { s.Close() })
	return s
}

// startAuth makes sure pebbe's ZAP handler runs. It is started once for
// the whole test binary and never stopped: pebbe's AuthStop tears the
// handler down asynchronously, and a quick AuthStop/AuthStart cycle can
// find the endpoint still bound or race inside pebbe. Tests add the
// credentials they need and remove them when done.
func startAuth(t *testing.T) {
	t.Helper()
	authOnce.Do(func() { authErr = lz.AuthStart() })
	if authErr != nil {
		t.Fatalf("AuthStart: %v", authErr)
	}
}

var (
	authOnce    sync.Once
	authErr     error
	nullDenySeq atomic.Int32
)

// exchangeWithRouter checks traffic between our DEALER-typed wire peer and
// a libzmq ROUTER.
func exchangeWithRouter(t *testing.T, p *wirePeer, router *lz.Socket) {
	big := bytes.Repeat([]byte("monocoque"), 20000)
	p.send([]byte("hello"), nil, big)
	got, err := router.RecvMessageBytes(0)
	must(t, err)
	if len(got) != 4 || string(got[1]) != "hello" || len(got[2]) != 0 || !bytes.Equal(got[3], big) {
		t.Fatalf("libzmq ROUTER received %d frames", len(got))
	}
	_, err = router.SendMessage(got[0], "back", "again", big[:1000])
	must(t, err)
	if m := p.recv(); !equalParts(m, [][]byte{[]byte("back"), []byte("again"), big[:1000]}) {
		t.Fatalf("wire peer received %q", m)
	}
}

// exchangeWithDealer checks traffic between our ROUTER-typed wire peer and
// a libzmq DEALER.
func exchangeWithDealer(t *testing.T, p *wirePeer, dealer *lz.Socket) {
	big := bytes.Repeat([]byte("zmtp"), 50000)
	_, err := dealer.SendMessage("one", "", big)
	must(t, err)
	if m := p.recv(); !equalParts(m, [][]byte{[]byte("one"), {}, big}) {
		t.Fatalf("wire peer received %d frames", len(m))
	}
	p.send([]byte("two"), []byte("three"))
	got, err := dealer.RecvMessage(0)
	must(t, err)
	if len(got) != 2 || got[0] != "two" || got[1] != "three" {
		t.Fatalf("libzmq DEALER received %q", got)
	}
}

func listenRaw(t *testing.T) (net.Listener, string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { l.Close() })
	return l, "tcp://" + l.Addr().String()
}

func acceptRaw(t *testing.T, l net.Listener) net.Conn {
	l.(*net.TCPListener).SetDeadline(time.Now().Add(opTimeout))
	c, err := l.Accept()
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestWirePlainClientVsLibzmq(t *testing.T) {
	startAuth(t)
	lz.AuthPlainAdd("global", "admin", "secret")
	t.Cleanup(func() { lz.AuthPlainRemoveAll("global") })
	router := lzSocket(t, lz.ROUTER)
	must(t, router.ServerAuthPlain("global"))
	must(t, router.Bind("tcp://127.0.0.1:*"))
	ep, err := router.GetLastEndpoint()
	must(t, err)

	p := newWirePeer(t, dialRaw(t, ep), wire.NewPlainClient(wire.SocketInfo{Type: "DEALER"}, []byte("admin"), []byte("secret")))
	if err := p.handshake(false, nil); err != nil {
		t.Fatalf("PLAIN handshake with libzmq: %v", err)
	}
	if st, _ := p.mech.PeerMetadata().Get("Socket-Type"); string(st) != "ROUTER" {
		t.Fatalf("peer socket type %q", st)
	}
	exchangeWithRouter(t, p, router)

	// Our ZAP request frames, answered by pebbe's ZAP handler.
	zreq := lzSocket(t, lz.REQ)
	must(t, zreq.Connect("inproc://zeromq.zap.01"))
	for _, c := range []struct{ pass, code string }{{"secret", "200"}, {"guess", "400"}} {
		req := wire.ZAPRequest{RequestID: []byte("7"), Domain: "global", Address: "127.0.0.1",
			Mechanism: "PLAIN", Credentials: [][]byte{[]byte("admin"), []byte(c.pass)}}
		frames := req.Frames()
		parts := make([]interface{}, len(frames))
		for i := range frames {
			parts[i] = frames[i]
		}
		_, err := zreq.SendMessage(parts...)
		must(t, err)
		reply, err := zreq.RecvMessageBytes(0)
		must(t, err)
		r, err := wire.ParseZAPResponse(reply, []byte("7"))
		if err != nil || r.StatusCode != c.code {
			t.Fatalf("pebbe ZAP handler reply to %q: %+v, %v", c.pass, r, err)
		}
	}

	// A wrong password gets libzmq's ERROR "400".
	p = newWirePeer(t, dialRaw(t, ep), wire.NewPlainClient(wire.SocketInfo{Type: "DEALER"}, []byte("admin"), []byte("guess")))
	err = p.handshake(false, nil)
	var pe *wire.PeerError
	if !errors.As(err, &pe) || pe.Reason != "400" {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestWirePlainServerVsLibzmq(t *testing.T) {
	l, ep := listenRaw(t)
	check := func(r wire.ZAPRequest) (string, string) {
		if r.Mechanism == "PLAIN" && string(r.Credentials[0]) == "admin" && string(r.Credentials[1]) == "secret" {
			return "200", "OK"
		}
		return "400", "bad credentials"
	}

	dealer := lzSocket(t, lz.DEALER)
	must(t, dealer.ClientAuthPlain("admin", "secret"))
	must(t, dealer.Connect(ep))
	srv := wire.NewPlainServer(wire.SocketInfo{Type: "ROUTER"}, true)
	p := newWirePeer(t, acceptRaw(t, l), srv)
	if err := p.handshake(true, check); err != nil {
		t.Fatalf("PLAIN handshake with libzmq client: %v", err)
	}
	if string(srv.UserID()) != "zap-user" {
		t.Fatalf("user id %q", srv.UserID())
	}
	exchangeWithDealer(t, p, dealer)

	// A wrong password: we send ERROR "400" and the libzmq client gives up
	// on that connection (it would reconnect; we just check our side).
	bad := lzSocket(t, lz.DEALER)
	must(t, bad.ClientAuthPlain("admin", "guess"))
	must(t, bad.Connect(ep))
	p = newWirePeer(t, acceptRaw(t, l), wire.NewPlainServer(wire.SocketInfo{Type: "ROUTER"}, true))
	var ze *wire.ZAPError
	if err := p.handshake(true, check); !errors.As(err, &ze) || ze.StatusCode != "400" {
		t.Fatalf("wrong password: %v", err)
	}
	if closed, how := closedWithin(p.conn, opTimeout); !closed {
		t.Fatalf("libzmq kept the refused connection: %s", how)
	}
}

// curveKeys returns a Z85 key pair from libzmq and its raw form.
func curveKeys(t *testing.T) (pubZ, secZ string, pub, sec [32]byte) {
	pubZ, secZ, err := lz.NewCurveKeypair()
	must(t, err)
	copy(pub[:], lz.Z85decode(pubZ))
	copy(sec[:], lz.Z85decode(secZ))
	if wire.CurvePublicKey(sec) != pub {
		t.Fatal("wire.CurvePublicKey disagrees with libzmq")
	}
	return pubZ, secZ, pub, sec
}

func TestWireCurveClientVsLibzmq(t *testing.T) {
	startAuth(t)
	_, serverSecZ, serverPub, _ := curveKeys(t)
	clientPubZ, _, clientPub, clientSec := curveKeys(t)
	lz.AuthCurveAdd("global", clientPubZ)
	t.Cleanup(func() { lz.AuthCurveRemoveAll("global") })

	router := lzSocket(t, lz.ROUTER)
	must(t, router.ServerAuthCurve("global", serverSecZ))
	must(t, router.Bind("tcp://127.0.0.1:*"))
	ep, err := router.GetLastEndpoint()
	must(t, err)

	p := newWirePeer(t, dialRaw(t, ep), wire.NewCurveClient(wire.SocketInfo{Type: "DEALER"}, serverPub, clientPub, clientSec))
	if err := p.handshake(false, nil); err != nil {
		t.Fatalf("CURVE handshake with libzmq: %v", err)
	}
	exchangeWithRouter(t, p, router)
	exchangeWithRouter(t, p, router)

	// A client key the handler does not know: ERROR "400".
	_, _, otherPub, otherSec := curveKeys(t)
	p = newWirePeer(t, dialRaw(t, ep), wire.NewCurveClient(wire.SocketInfo{Type: "DEALER"}, serverPub, otherPub, otherSec))
	var pe *wire.PeerError
	if err := p.handshake(false, nil); !errors.As(err, &pe) || pe.Reason != "400" {
		t.Fatalf("unknown client key: %v", err)
	}

	// The wrong server key: libzmq cannot open HELLO and drops us.
	p = newWirePeer(t, dialRaw(t, ep), wire.NewCurveClient(wire.SocketInfo{Type: "DEALER"}, otherPub, clientPub, clientSec))
	if err := p.handshake(false, nil); err == nil {
		t.Fatal("handshake succeeded with the wrong server key")
	}
}

func TestWireCurveServerVsLibzmq(t *testing.T) {
	l, ep := listenRaw(t)
	serverPubZ, _, _, serverSec := curveKeys(t)
	clientPubZ, clientSecZ, clientPub, _ := curveKeys(t)

	dealer := lzSocket(t, lz.DEALER)
	must(t, dealer.ClientAuthCurve(serverPubZ, clientPubZ, clientSecZ))
	must(t, dealer.Connect(ep))
	srv := wire.NewCurveServer(wire.SocketInfo{Type: "ROUTER"}, serverSec, true)
	p := newWirePeer(t, acceptRaw(t, l), srv)
	err := p.handshake(true, func(r wire.ZAPRequest) (string, string) {
		if r.Mechanism == "CURVE" && bytes.Equal(r.Credentials[0], clientPub[:]) {
			return "200", "OK"
		}
		return "400", "unknown key"
	})
	if err != nil {
		t.Fatalf("CURVE handshake with libzmq client: %v", err)
	}
	if st, _ := p.mech.PeerMetadata().Get("Socket-Type"); string(st) != "DEALER" {
		t.Fatalf("peer socket type %q", st)
	}
	exchangeWithDealer(t, p, dealer)
	exchangeWithDealer(t, p, dealer)

	// A libzmq client that has the wrong server key: HELLO does not open.
	wrongPubZ, _, _, _ := curveKeys(t)
	dealer3 := lzSocket(t, lz.DEALER)
	must(t, dealer3.ClientAuthCurve(wrongPubZ, clientPubZ, clientSecZ))
	must(t, dealer3.Connect(ep))
	p = newWirePeer(t, acceptRaw(t, l), wire.NewCurveServer(wire.SocketInfo{Type: "ROUTER"}, serverSec, false))
	if err := p.handshake(true, nil); !errors.Is(err, wire.ErrCrypto) {
		t.Fatalf("client with the wrong server key: %v", err)
	}
	dealer3.Close()

	// Without ZAP, any client with our public key gets in.
	dealer2 := lzSocket(t, lz.DEALER)
	must(t, dealer2.ClientAuthCurve(serverPubZ, clientPubZ, clientSecZ))
	must(t, dealer2.Connect(ep))
	p = newWirePeer(t, acceptRaw(t, l), wire.NewCurveServer(wire.SocketInfo{Type: "ROUTER"}, serverSec, false))
	if err := p.handshake(true, nil); err != nil {
		t.Fatalf("CURVE handshake without ZAP: %v", err)
	}
	exchangeWithDealer(t, p, dealer2)
}

func TestWireNullZAPVsLibzmq(t *testing.T) {
	// libzmq as the ZAP-checking side refuses our NULL client with "400".
	startAuth(t)
	// A domain of its own: pebbe's registry cannot take a denial back, and
	// the handler lives as long as the test binary.
	domain := fmt.Sprintf("null-deny-%d", nullDenySeq.Add(1))
	lz.AuthDeny(domain, "127.0.0.1")
	pull := lzSocket(t, lz.PULL)
	must(t, pull.ServerAuthNull(domain))
	must(t, pull.Bind("tcp://127.0.0.1:*"))
	ep, err := pull.GetLastEndpoint()
	must(t, err)
	p := newWirePeer(t, dialRaw(t, ep), wire.NewNull(wire.SocketInfo{Type: "PUSH"}))
	err = p.handshake(false, nil)
	var pe *wire.PeerError
	if !errors.As(err, &pe) || pe.Reason != "400" {
		t.Fatalf("denied NULL: %v", err)
	}

	// Our NULL side with ZAP accepts a libzmq PUSH once the (test) handler
	// says 200, and only then sends READY.
	l, ep2 := listenRaw(t)
	push := lzSocket(t, lz.PUSH)
	must(t, push.Connect(ep2))
	asked := false
	p = newWirePeer(t, acceptRaw(t, l), wire.NewNullZAP(wire.SocketInfo{Type: "PULL"}))
	err = p.handshake(false, func(r wire.ZAPRequest) (string, string) {
		asked = r.Mechanism == "NULL" && len(r.Credentials) == 0
		return "200", "OK"
	})
	if err != nil || !asked {
		t.Fatalf("NULL with ZAP: %v (asked %v)", err, asked)
	}
	_, err = push.SendMessage("null", "zap")
	must(t, err)
	if m := p.recv(); !equalParts(m, [][]byte{[]byte("null"), []byte("zap")}) {
		t.Fatalf("received %q", m)
	}
}
