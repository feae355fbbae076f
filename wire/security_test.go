package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

// zapFunc answers ZAP requests in the tests.
type zapFunc func(r ZAPRequest) (code, text string, userID []byte)

// tamperFunc may rewrite the i-th command sent by the client (fromClient)
// or the server.
type tamperFunc func(fromClient bool, i int, cmd []byte) []byte

// result is what a test handshake ends with.
type result struct {
	errC, errS error
	zapAsked   int
}

// drive runs a client and a server mechanism against each other in
// memory, answering ZAP with zap (nil: never expected) and passing every
// command through tamper (nil: untouched).
func drive(t testing.TB, c, s Mechanism, zap zapFunc, tamper tamperFunc) result {
	t.Helper()
	var res result
	var toS, toC [][]byte
	nC, nS := 0, 0
	sendC := func(out [][]byte) {
		for _, cmd := range out {
			if tamper != nil {
				cmd = tamper(true, nC, cmd)
			}
			nC++
			toS = append(toS, cmd)
		}
	}
	sendS := func(out [][]byte) {
		for _, cmd := range out {
			if tamper != nil {
				cmd = tamper(false, nS, cmd)
			}
			nS++
			toC = append(toC, cmd)
		}
	}
	out, err := c.Start()
	res.errC = err
	sendC(out)
	out, err = s.Start()
	res.errS = err
	sendS(out)
	for round := 0; round < 20; round++ {
		if s.Status() == WaitingForZAP {
			if zap == nil {
				t.Fatal("server waits for ZAP but the test has no handler")
			}
			zm := s.(ZAPMechanism)
			code, text, uid := zap(zm.ZAPRequest())
			res.zapAsked++
			out, err := zm.ZAPReply(code, text, uid, Metadata{{Name: "X-Zap", Value: []byte("yes")}})
			if err != nil && res.errS == nil {
				res.errS = err
			}
			sendS(out)
			continue
		}
		if len(toS) == 0 && len(toC) == 0 {
			break
		}
		if len(toS) > 0 && s.Status() == Handshaking {
			cmd := toS[0]
			toS = toS[1:]
			out, err := s.Handle(cmd)
			if err != nil && res.errS == nil {
				res.errS = err
			}
			sendS(out)
		} else {
			toS = nil
		}
		if len(toC) > 0 && c.Status() == Handshaking {
			cmd := toC[0]
			toC = toC[1:]
			out, err := c.Handle(cmd)
			if err != nil && res.errC == nil {
				res.errC = err
			}
			sendC(out)
		} else {
			toC = nil
		}
	}
	return res
}

func keyPair(t testing.TB) (pub, sec [32]byte) {
	pub, sec, err := NewCurveKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	return pub, sec
}

func checkReady(t *testing.T, res result, c, s Mechanism, cType, sType string) {
	t.Helper()
	if res.errC != nil || res.errS != nil || c.Status() != Ready || s.Status() != Ready {
		t.Fatalf("handshake: client %v (%v), server %v (%v)", res.errC, c.Status(), res.errS, s.Status())
	}
	if st, _ := c.PeerMetadata().Get(PropSocketType); string(st) != sType {
		t.Fatalf("client sees peer type %q", st)
	}
	if st, _ := s.PeerMetadata().Get(PropSocketType); string(st) != cType {
		t.Fatalf("server sees peer type %q", st)
	}
}

func TestPlainHandshake(t *testing.T) {
	info := SocketInfo{Type: "DEALER", Identity: []byte("me"), Properties: Metadata{{Name: "X-App", Value: []byte("v")}}}
	c := NewPlainClient(info, []byte("admin"), []byte("secret"))
	s := NewPlainServer(SocketInfo{Type: "ROUTER"}, false)
	checkReady(t, drive(t, c, s, nil, nil), c, s, "DEALER", "ROUTER")
	if id, _ := s.PeerMetadata().Get(PropIdentity); string(id) != "me" {
		t.Fatalf("identity %q", id)
	}
	if v, _ := s.PeerMetadata().Get("x-app"); string(v) != "v" {
		t.Fatalf("X-App %q", v)
	}
	if c.Name() != MechanismPlain || s.Name() != MechanismPlain || s.UserID() != nil {
		t.Fatal("names / user id")
	}
	if _, ok := c.(MessageCodec); ok {
		t.Fatal("PLAIN must not wrap traffic")
	}
}

func plainZAP(r ZAPRequest) (string, string, []byte) {
	if r.Mechanism != MechanismPlain || len(r.Credentials) != 2 {
		return ZAPInternalError, "bad request", nil
	}
	if string(r.Credentials[0]) == "admin" && string(r.Credentials[1]) == "secret" {
		return ZAPSuccess, "OK", []byte("admin-user")
	}
	if string(r.Credentials[0]) == "later" {
		return ZAPTemporaryError, "try later", nil
	}
	return ZAPAuthFailure, "bad password", nil
}

func TestPlainZAP(t *testing.T) {
	c := NewPlainClient(SocketInfo{Type: "REQ"}, []byte("admin"), []byte("secret"))
	s := NewPlainServer(SocketInfo{Type: "REP"}, true)
	res := drive(t, c, s, plainZAP, nil)
	checkReady(t, res, c, s, "REQ", "REP")
	if res.zapAsked != 1 || string(s.UserID()) != "admin-user" {
		t.Fatalf("zap asked %d, user %q", res.zapAsked, s.UserID())
	}
	if v, _ := s.ZAPMetadata().Get("X-Zap"); string(v) != "yes" {
		t.Fatalf("zap metadata %v", s.ZAPMetadata())
	}

	// Wrong password: the server sends ERROR "400"; both sides fail.
	c = NewPlainClient(SocketInfo{Type: "REQ"}, []byte("admin"), []byte("guess"))
	s = NewPlainServer(SocketInfo{Type: "REP"}, true)
	res = drive(t, c, s, plainZAP, nil)
	var ze *ZAPError
	var pe *PeerError
	if !errors.As(res.errS, &ze) || ze.StatusCode != "400" || ze.StatusText != "bad password" {
		t.Fatalf("server error %v", res.errS)
	}
	if !errors.As(res.errC, &pe) || pe.Reason != "400" {
		t.Fatalf("client error %v", res.errC)
	}
	if c.Status() != Failed || s.Status() != Failed {
		t.Fatalf("status %v / %v", c.Status(), s.Status())
	}

	// Temporary failure: the server closes without ERROR, the client hears
	// nothing more.
	c = NewPlainClient(SocketInfo{Type: "REQ"}, []byte("later"), nil)
	s = NewPlainServer(SocketInfo{Type: "REP"}, true)
	res = drive(t, c, s, plainZAP, nil)
	if !errors.As(res.errS, &ze) || ze.StatusCode != "300" || res.errC != nil || c.Status() != Handshaking {
		t.Fatalf("300: server %v, client %v %v", res.errS, res.errC, c.Status())
	}

	// Invalid codes and replies outside WaitingForZAP are refused.
	s = NewPlainServer(SocketInfo{Type: "REP"}, true)
	if _, err := s.ZAPReply("200", "", nil, nil); err == nil {
		t.Fatal("ZAPReply while not waiting accepted")
	}
	s = NewPlainServer(SocketInfo{Type: "REP"}, true)
	s.Handle(AppendPlainHello(nil, []byte("u"), []byte("p")))
	if s.Status() != WaitingForZAP {
		t.Fatal(s.Status())
	}
	if _, err := s.Handle(AppendPlainHello(nil, nil, nil)); !errors.Is(err, ErrUnexpectedCommand) {
		t.Fatalf("Handle while waiting: %v", err)
	}
	if _, err := s.ZAPReply("201", "", nil, nil); !errors.Is(err, ErrZAP) || s.Status() != Failed {
		t.Fatalf("code 201: %v %v", err, s.Status())
	}
}

func TestPlainFailures(t *testing.T) {
	// Incompatible socket types fail on both sides' metadata checks.
	c := NewPlainClient(SocketInfo{Type: "PUSH"}, nil, nil)
	s := NewPlainServer(SocketInfo{Type: "PUSH"}, false)
	res := drive(t, c, s, nil, nil)
	if !errors.Is(res.errS, ErrIncompatible) {
		t.Fatalf("server %v", res.errS)
	}

	// Peer ERROR reaches the client.
	c = NewPlainClient(SocketInfo{Type: "PUSH"}, nil, nil)
	c.Start()
	_, err := c.Handle(AppendError(nil, "go away"))
	var pe *PeerError
	if !errors.As(err, &pe) || pe.Reason != "go away" || c.Status() != Failed {
		t.Fatalf("%v", err)
	}

	// libzmq 4.3's mangled ERROR ("^RROR", a C hex-escape slip).
	c = NewPlainClient(SocketInfo{Type: "PUSH"}, nil, nil)
	c.Start()
	_, err = c.Handle([]byte("^RROR\x03400"))
	if !errors.As(err, &pe) || pe.Reason != "400" {
		t.Fatalf("libzmq ERROR: %v", err)
	}

	// Overlong credentials are refused at Start.
	c = NewPlainClient(SocketInfo{Type: "PUSH"}, bytes.Repeat([]byte("u"), 256), nil)
	if _, err := c.Start(); err == nil || c.Status() != Failed {
		t.Fatal("256-byte username accepted")
	}

	// Malformed HELLOs, WELCOME with data, commands out of order.
	for _, cmd := range [][]byte{
		AppendCommandBody(nil, CmdHello, nil),
		AppendCommandBody(nil, CmdHello, []byte{5, 'a'}),
		AppendCommandBody(nil, CmdHello, []byte{1, 'a', 1}),
		AppendCommandBody(nil, CmdHello, []byte{1, 'a', 1, 'b', 'c'}),
		AppendCommandBody(nil, CmdInitiate, nil),
		AppendReady(nil, Metadata{{Name: PropSocketType, Value: []byte("PULL")}}),
	} {
		s := NewPlainServer(SocketInfo{Type: "PULL"}, false)
		if _, err := s.Handle(cmd); err == nil || s.Status() != Failed {
			t.Errorf("server accepted %q", cmd)
		}
	}
	for _, cmd := range [][]byte{
		AppendCommandBody(nil, CmdWelcome, []byte{0}),
		AppendReady(nil, Metadata{{Name: PropSocketType, Value: []byte("PULL")}}),
		AppendPlainHello(nil, nil, nil),
	} {
		c := NewPlainClient(SocketInfo{Type: "PUSH"}, nil, nil)
		c.Start()
		if _, err := c.Handle(cmd); err == nil || c.Status() != Failed {
			t.Errorf("client accepted %q", cmd)
		}
	}
	user, pass, err := ParsePlainHello([]byte{0, 3, 'a', 'b', 'c'})
	if err != nil || len(user) != 0 || string(pass) != "abc" {
		t.Fatalf("%q %q %v", user, pass, err)
	}
}

func TestNullZAP(t *testing.T) {
	for _, code := range []string{"200", "300", "400", "500"} {
		a := NewNull(SocketInfo{Type: "PUSH"})
		b := NewNullZAP(SocketInfo{Type: "PULL"})
		res := drive(t, a, b, func(r ZAPRequest) (string, string, []byte) {
			if r.Mechanism != MechanismNull || r.Credentials != nil {
				t.Errorf("request %+v", r)
			}
			return code, "text", []byte("anon")
		}, nil)
		switch code {
		case "200":
			checkReady(t, res, a, b, "PUSH", "PULL")
			if string(b.UserID()) != "anon" {
				t.Fatalf("user id %q", b.UserID())
			}
		case "300":
			if res.errS == nil || b.Status() != Failed || a.Status() != Handshaking {
				t.Fatalf("300: %v %v %v", res.errS, b.Status(), a.Status())
			}
		default:
			var pe *PeerError
			if res.errS == nil || !errors.As(res.errC, &pe) || pe.Reason != code {
				t.Fatalf("%s: %v %v", code, res.errS, res.errC)
			}
		}
	}
}

func curvePair(t testing.TB, cType, sType string, zap bool) (c, s Mechanism, serverPub, clientPub [32]byte) {
	sp, ss := keyPair(t)
	cp, cs := keyPair(t)
	c = NewCurveClient(SocketInfo{Type: cType, Identity: []byte("cid")}, sp, cp, cs)
	s = NewCurveServer(SocketInfo{Type: sType}, ss, zap)
	return c, s, sp, cp
}

func TestCurveHandshake(t *testing.T) {
	c, s, sp, cp := curvePair(t, "DEALER", "ROUTER", false)
	var sizes []int
	res := drive(t, c, s, nil, func(fromClient bool, i int, cmd []byte) []byte {
		sizes = append(sizes, len(cmd))
		return cmd
	})
	checkReady(t, res, c, s, "DEALER", "ROUTER")
	// HELLO 200, WELCOME 168, INITIATE 257 + metadata, READY 30 + metadata.
	if sizes[0] != 200 || sizes[1] != 168 || sizes[2] <= 257 || sizes[3] <= 30 {
		t.Fatalf("command sizes %v", sizes)
	}
	if id, _ := s.PeerMetadata().Get(PropIdentity); string(id) != "cid" {
		t.Fatalf("identity %q", id)
	}
	if CurvePublicKey(s.(*curveServer).sec) != sp || s.(*curveServer).clientKey != cp {
		t.Fatal("keys")
	}
	roundTrip(t, c.(MessageCodec), s.(MessageCodec))
	roundTrip(t, s.(MessageCodec), c.(MessageCodec))
}

// roundTrip sends frames from a to b and checks what arrives.
func roundTrip(t *testing.T, a, b MessageCodec) {
	t.Helper()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	frames := []struct {
		flags byte
		body  []byte
	}{
		{FlagMore, []byte("part one")},
		{FlagMore, nil},
		{0, []byte("last")},
		{FlagCommand, AppendPing(nil, 10, []byte("ctx"))},
		{FlagMore, big},
		{0, big[:300]},
		{FlagMore | FlagLong, []byte("long flag dropped")},
	}
	var buf []byte
	for _, f := range frames {
		var err error
		buf, err = a.EncodeFrame(buf[:0], f.flags, f.body)
		if err != nil {
			t.Fatal(err)
		}
		if len(buf) != 8+8+16+1+len(f.body) {
			t.Fatalf("MESSAGE of %d bytes for %d-byte body", len(buf), len(f.body))
		}
		flags, body, err := b.DecodeFrame(append([]byte(nil), buf...))
		if err != nil {
			t.Fatal(err)
		}
		if flags != f.flags&(FlagMore|FlagCommand) || !bytes.Equal(body, f.body) {
			t.Fatalf("got flags %x, %d bytes; sent %x, %d bytes", flags, len(body), f.flags, len(f.body))
		}
	}
}

func TestCurveZAP(t *testing.T) {
	c, s, _, cp := curvePair(t, "REQ", "REP", true)
	allow := func(r ZAPRequest) (string, string, []byte) {
		if r.Mechanism != MechanismCurve || len(r.Credentials) != 1 || !bytes.Equal(r.Credentials[0], cp[:]) {
			return ZAPAuthFailure, "unknown key", nil
		}
		return ZAPSuccess, "OK", []byte("curve-user")
	}
	res := drive(t, c, s, allow, nil)
	checkReady(t, res, c, s, "REQ", "REP")
	if res.zapAsked != 1 || string(s.(ZAPMechanism).UserID()) != "curve-user" {
		t.Fatal("ZAP")
	}
	roundTrip(t, c.(MessageCodec), s.(MessageCodec))

	// A client whose key the handler does not know gets ERROR "400".
	c, s, _, _ = curvePair(t, "REQ", "REP", true)
	res = drive(t, c, s, func(r ZAPRequest) (string, string, []byte) { return "400", "no", nil }, nil)
	var pe *PeerError
	if res.errS == nil || !errors.As(res.errC, &pe) || pe.Reason != "400" {
		t.Fatalf("%v / %v", res.errS, res.errC)
	}
}

func TestCurveWrongServerKey(t *testing.T) {
	_, ss := keyPair(t)
	wrong, _ := keyPair(t)
	cp, cs := keyPair(t)
	c := NewCurveClient(SocketInfo{Type: "PUSH"}, wrong, cp, cs)
	var s Mechanism = NewCurveServer(SocketInfo{Type: "PULL"}, ss, false)
	res := drive(t, c, s, nil, nil)
	if !errors.Is(res.errS, ErrCrypto) || s.Status() != Failed || c.Status() == Ready {
		t.Fatalf("server %v %v, client %v", res.errS, s.Status(), c.Status())
	}

	// A WELCOME from a server with another key does not open either.
	c, s, _, _ = curvePair(t, "PUSH", "PULL", false)
	c2, s2, _, _ := curvePair(t, "PUSH", "PULL", false)
	hello, _ := c2.Start()
	welcome, err := s2.Handle(hello[0])
	if err != nil {
		t.Fatal(err)
	}
	c.Start()
	if _, err := c.Handle(welcome[0]); !errors.Is(err, ErrCrypto) {
		t.Fatalf("foreign WELCOME: %v", err)
	}
	_ = s
}

func TestCurveTampered(t *testing.T) {
	// Flip one byte of each command, at several offsets, in each
	// direction: the handshake must fail, never succeed.
	for cmdIdx := 0; cmdIdx < 2; cmdIdx++ {
		for _, fromClient := range []bool{true, false} {
			for _, off := range []int{7, 20, 100, 110, 120, 150, 199, 250, 300} {
				name := fmt.Sprintf("client=%v/cmd%d/off%d", fromClient, cmdIdx, off)
				c, s, _, _ := curvePair(t, "PAIR", "PAIR", false)
				hit := false
				res := drive(t, c, s, nil, func(fc bool, i int, cmd []byte) []byte {
					if fc == fromClient && i == cmdIdx && off < len(cmd) {
						cmd = append([]byte(nil), cmd...)
						cmd[off] ^= 0x20
						hit = true
					}
					return cmd
				})
				if !hit || fromClient && cmdIdx == 0 && off >= 8 && off < 80 {
					continue // HELLO padding is not authenticated (nor checked by libzmq)
				}
				if res.errC == nil && res.errS == nil || c.Status() == Ready && s.Status() == Ready {
					t.Errorf("%s: handshake survived tampering", name)
				}
			}
		}
	}
}

func TestCurveMessageNonces(t *testing.T) {
	c, s, _, _ := curvePair(t, "PAIR", "PAIR", false)
	checkReady(t, drive(t, c, s, nil, nil), c, s, "PAIR", "PAIR")
	cc, sc := c.(MessageCodec), s.(MessageCodec)
	m1, _ := cc.EncodeFrame(nil, 0, []byte("one"))
	m2, _ := cc.EncodeFrame(nil, 0, []byte("two"))
	if _, _, err := sc.DecodeFrame(append([]byte(nil), m2...)); err != nil {
		t.Fatal(err)
	}
	// Older nonce after a newer one, and replay.
	if _, _, err := sc.DecodeFrame(append([]byte(nil), m1...)); !errors.Is(err, ErrCrypto) {
		t.Fatalf("decreasing nonce: %v", err)
	}
	if _, _, err := sc.DecodeFrame(append([]byte(nil), m2...)); !errors.Is(err, ErrCrypto) {
		t.Fatalf("replay: %v", err)
	}
	// A frame from the wrong direction (server prefix) does not open.
	back, _ := sc.EncodeFrame(nil, 0, []byte("back"))
	if _, _, err := sc.DecodeFrame(back); !errors.Is(err, ErrCrypto) {
		t.Fatalf("reflected frame: %v", err)
	}
	// A forged higher nonce does not open and does not advance the counter.
	m3, _ := cc.EncodeFrame(nil, FlagMore, []byte("three"))
	forged := append([]byte(nil), m3...)
	binary.BigEndian.PutUint64(forged[8:], 1<<40)
	if _, _, err := sc.DecodeFrame(forged); !errors.Is(err, ErrCrypto) {
		t.Fatalf("forged nonce: %v", err)
	}
	if f, b, err := sc.DecodeFrame(m3); err != nil || f != FlagMore || string(b) != "three" {
		t.Fatalf("after forgery: %v", err)
	}
	// Short and non-MESSAGE commands.
	for _, bad := range [][]byte{m3[:32], AppendReady(nil, nil), {}, AppendCommandBody(nil, CmdMessage, make([]byte, 24))} {
		if _, _, err := sc.DecodeFrame(bad); err == nil {
			t.Fatalf("accepted %x", bad)
		}
	}
	// Codec refuses to work before the handshake.
	c2, _, _, _ := curvePair(t, "PAIR", "PAIR", false)
	if _, err := c2.(MessageCodec).EncodeFrame(nil, 0, nil); err == nil {
		t.Fatal("EncodeFrame before handshake")
	}
}

func TestCurveHandshakeNonces(t *testing.T) {
	// INITIATE reusing the HELLO nonce is refused.
	c, s, _, _ := curvePair(t, "PAIR", "PAIR", false)
	res := drive(t, c, s, nil, func(fc bool, i int, cmd []byte) []byte {
		if fc && i == 1 {
			cmd = append([]byte(nil), cmd...)
			binary.BigEndian.PutUint64(cmd[9+96:], 1)
		}
		return cmd
	})
	if !errors.Is(res.errS, ErrCrypto) {
		t.Fatalf("%v", res.errS)
	}
	// Replaying a whole INITIATE on a fresh server fails (cookie key differs).
	c, s, _, _ = curvePair(t, "PAIR", "PAIR", false)
	var initiate []byte
	drive(t, c, s, nil, func(fc bool, i int, cmd []byte) []byte {
		if fc && i == 1 {
			initiate = cmd
		}
		return cmd
	})
	s2 := NewCurveServer(SocketInfo{Type: "PAIR"}, s.(*curveServer).sec, false)
	c2 := NewCurveClient(SocketInfo{Type: "PAIR"}, s.(*curveServer).pub, c.(*curveClient).pub, c.(*curveClient).sec)
	hello, _ := c2.Start()
	if _, err := s2.Handle(hello[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Handle(initiate); !errors.Is(err, ErrCrypto) {
		t.Fatalf("replayed INITIATE: %v", err)
	}
}

func TestCurveFailures(t *testing.T) {
	// Incompatible socket types: the server refuses INITIATE.
	c, s, _, _ := curvePair(t, "PUB", "PUSH", false)
	if res := drive(t, c, s, nil, nil); !errors.Is(res.errS, ErrIncompatible) {
		t.Fatalf("%v", res.errS)
	}
	// Client-side check of READY metadata: a server claiming an
	// incompatible type.
	c, s, _, _ = curvePair(t, "PUSH", "PULL", true)
	res := drive(t, c, s, func(ZAPRequest) (string, string, []byte) {
		// Switch the server's type once it has checked INITIATE.
		s.(*curveServer).local.Type = "PUSH"
		return "200", "", nil
	}, nil)
	if !errors.Is(res.errC, ErrIncompatible) {
		t.Fatalf("client: %v", res.errC)
	}
	// Peer ERROR in each client state.
	for _, state := range []int{1, 2} {
		c, s, _, _ := curvePair(t, "PUSH", "PULL", false)
		hello, _ := c.Start()
		if state == 2 {
			w, _ := s.Handle(hello[0])
			c.Handle(w[0])
		}
		_, err := c.Handle(AppendError(nil, "nope"))
		var pe *PeerError
		if !errors.As(err, &pe) || pe.Reason != "nope" {
			t.Fatalf("state %d: %v", state, err)
		}
	}
	// Malformed HELLOs.
	c, _, _, _ = curvePair(t, "PUSH", "PULL", false)
	hello, _ := c.Start()
	for _, mut := range []func([]byte) []byte{
		func(b []byte) []byte { return b[:199] },
		func(b []byte) []byte { return append(b, 0) },
		func(b []byte) []byte { b[6] = 2; return b },
		func(b []byte) []byte { b[7] = 1; return b },
		func(b []byte) []byte { b[150] ^= 1; return b },
	} {
		_, s, _, _ := curvePair(t, "PUSH", "PULL", false)
		if _, err := s.Handle(mut(append([]byte(nil), hello[0]...))); err == nil {
			t.Error("server accepted a bad HELLO")
		}
	}
}

// TestCurveCodecConcurrent encodes on one goroutine while decoding on
// another, as the engine's writer and reader do (run with -race).
func TestCurveCodecConcurrent(t *testing.T) {
	c, s, _, _ := curvePair(t, "PAIR", "PAIR", false)
	checkReady(t, drive(t, c, s, nil, nil), c, s, "PAIR", "PAIR")
	cc, sc := c.(MessageCodec), s.(MessageCodec)
	const n = 200
	toS, toC := make(chan []byte, n), make(chan []byte, n)
	done := make(chan error, 3)
	go func() { // client writer
		defer close(toS) // on failure, the others read nil and stop
		var err error
		for i := 0; i < n && err == nil; i++ {
			var m []byte
			m, err = cc.EncodeFrame(nil, 0, []byte("c"))
			toS <- m
		}
		done <- err
	}()
	go func() { // client reader, concurrent with the writer
		var err error
		for i := 0; i < n && err == nil; i++ {
			_, _, err = cc.DecodeFrame(<-toC)
		}
		done <- err
	}()
	go func() { // server echo
		defer close(toC)
		var err error
		for i := 0; i < n && err == nil; i++ {
			_, _, err = sc.DecodeFrame(<-toS)
			if err == nil {
				var m []byte
				m, err = sc.EncodeFrame(nil, FlagMore, []byte("s"))
				toC <- m
			}
		}
		done <- err
	}()
	for i := 0; i < 3; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestCurvePublicKey(t *testing.T) {
	pub, sec := keyPair(t)
	if CurvePublicKey(sec) != pub {
		t.Fatal("derived public key differs")
	}
}
