package core

import (
	"bytes"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/monocoque-go/monocoque/wire"
)

func curveKeys(t *testing.T) (pub, sec []byte) {
	t.Helper()
	p, s, err := wire.NewCurveKeyPair()
	must(t, err)
	return p[:], s[:]
}

func TestSecurityOptionsPickMechanism(t *testing.T) {
	e := newEnv(t)
	s := e.socket(DEALER)
	pub, sec := curveKeys(t)
	steps := []struct {
		set      func() error
		mech     int
		plainSrv int
		curveSrv int
	}{
		{func() error { return s.SetInt(OptPlainServer, 1) }, MechPlain, 1, 0},
		{func() error { return s.SetBytes(OptPlainUsername, []byte("u")) }, MechPlain, 0, 0},
		{func() error { return s.SetBytes(OptPlainUsername, nil) }, MechNull, 0, 0},
		{func() error { return s.SetInt(OptCurveServer, 1) }, MechCurve, 0, 1},
		{func() error { return s.SetBytes(OptCurveServerkey, pub) }, MechCurve, 0, 0},
		{func() error { return s.SetBytes(OptCurveSecretkey, sec) }, MechCurve, 0, 0},
		{func() error { return s.SetInt(OptCurveServer, 0) }, MechNull, 0, 0},
	}
	for i, st := range steps {
		must(t, st.set())
		for _, c := range []struct {
			opt  Option
			want int
		}{{OptMechanism, st.mech}, {OptPlainServer, st.plainSrv}, {OptCurveServer, st.curveSrv}} {
			if v, _ := s.GetInt(c.opt); v != c.want {
				t.Fatalf("step %d: option %d = %d, want %d", i, c.opt, v, c.want)
			}
		}
	}
	if err := s.SetBytes(OptCurvePublickey, []byte("short")); err != EINVAL {
		t.Fatalf("short key: %v", err)
	}
}

// securePair connects a DEALER client to a ROUTER server after configure
// has set their security options, and reports whether a message gets
// through within wait.
func securePair(t *testing.T, e *env, configure func(server, client *Socket), wait time.Duration) bool {
	t.Helper()
	server, client := e.socket(ROUTER), e.socket(DEALER)
	configure(server, client)
	must(t, client.SetInt(OptSndtimeo, int(wait/time.Millisecond)))
	must(t, server.SetInt(OptRcvtimeo, int(wait/time.Millisecond)))
	must(t, client.Connect(e.bind(server)))
	payload := bytes.Repeat([]byte("secret "), 3000) // > 8 KiB: sealed frames passed by reference
	if err := client.SendMsg([][]byte{[]byte("hello"), payload}, 0); err != nil {
		t.Fatal(err)
	}
	m, err := server.RecvMsg(0)
	if err != nil {
		return false
	}
	if len(m) != 3 || string(m[1]) != "hello" || !bytes.Equal(m[2], payload) {
		t.Fatalf("server got %d frames", len(m))
	}
	// And back, through the server's codec.
	must(t, server.SendMsg([][]byte{m[0], []byte("reply")}, 0))
	recv(t, client, "reply")
	return true
}

// zapHandler serves ZAP requests in e's context until the test ends,
// answering each with decide's status code. It returns a counter of the
// requests it saw.
func zapHandler(t *testing.T, e *env, decide func(wire.ZAPRequest) string) *atomic.Int32 {
	t.Helper()
	h := e.socket(ROUTER)
	must(t, h.Bind("inproc://zeromq.zap.01"))
	must(t, h.SetInt(OptRcvtimeo, -1))
	var n atomic.Int32
	go func() {
		for {
			m, err := h.RecvMsg(0)
			if err != nil {
				return // closed at the end of the test
			}
			if len(m) < 3 || len(m[1]) != 0 {
				t.Errorf("ZAP request without envelope: %q", m)
				return
			}
			req, err := wire.ParseZAPRequest(m[2:])
			if err != nil {
				t.Errorf("bad ZAP request: %v", err)
				return
			}
			n.Add(1)
			resp := wire.ZAPResponse{RequestID: req.RequestID, StatusCode: decide(req), StatusText: "test", UserID: []byte("user")}
			if err := h.SendMsg(append([][]byte{m[0], {}}, resp.Frames()...), 0); err != nil {
				return
			}
		}
	}()
	return &n
}

func TestPlainAndCurveOverTCP(t *testing.T) {
	spub, ssec := curveKeys(t)
	cpub, csec := curveKeys(t)
	otherPub, _ := curveKeys(t)
	plainClient := func(pass string) func(server, client *Socket) {
		return func(server, client *Socket) {
			must(t, server.SetInt(OptPlainServer, 1))
			must(t, client.SetBytes(OptPlainUsername, []byte("admin")))
			must(t, client.SetBytes(OptPlainPassword, []byte(pass)))
		}
	}
	curve := func(serverKey []byte) func(server, client *Socket) {
		return func(server, client *Socket) {
			must(t, server.SetInt(OptCurveServer, 1))
			must(t, server.SetBytes(OptCurveSecretkey, ssec))
			must(t, client.SetBytes(OptCurveServerkey, serverKey))
			must(t, client.SetBytes(OptCurvePublickey, cpub))
			must(t, client.SetBytes(OptCurveSecretkey, csec))
		}
	}
	// decide accepts admin/secret over PLAIN and the client key over CURVE.
	decide := func(r wire.ZAPRequest) string {
		switch r.Mechanism {
		case "PLAIN":
			if string(r.Credentials[0]) == "admin" && string(r.Credentials[1]) == "secret" {
				return "200"
			}
		case "CURVE":
			if bytes.Equal(r.Credentials[0], cpub) {
				return "200"
			}
		}
		return "400"
	}
	denyAll := func(wire.ZAPRequest) string { return "400" }
	cases := []struct {
		name      string
		zap       func(wire.ZAPRequest) string // nil: no handler
		configure func(server, client *Socket)
		ok        bool
		asked     bool // the handler must have been consulted
	}{
		{"plain without ZAP handler", nil, plainClient("secret"), false, false},
		{"plain, good password", decide, plainClient("secret"), true, true},
		{"plain, bad password", decide, plainClient("guess"), false, true},
		{"curve without ZAP handler", nil, curve(spub), true, false},
		{"curve, known key", decide, curve(spub), true, true},
		{"curve, unknown key", denyAll, curve(spub), false, true},
		{"curve, wrong server key", nil, curve(otherPub), false, false},
		{"null, no domain: ZAP not asked", denyAll, func(server, client *Socket) {}, true, false},
		{"null with domain, denied", denyAll, func(server, client *Socket) {
			must(t, server.SetBytes(OptZapDomain, []byte("global")))
		}, false, true},
		{"mechanism mismatch", nil, func(server, client *Socket) {
			must(t, server.SetInt(OptPlainServer, 1))
		}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			var asked *atomic.Int32
			if c.zap != nil {
				asked = zapHandler(t, e, c.zap)
			}
			wait := 5 * time.Second
			if !c.ok {
				wait = 300 * time.Millisecond
			}
			if got := securePair(t, e, c.configure, wait); got != c.ok {
				t.Fatalf("message delivered = %v, want %v", got, c.ok)
			}
			if c.asked && asked.Load() == 0 {
				t.Fatal("the ZAP handler was not asked")
			}
			if !c.asked && asked != nil && asked.Load() != 0 {
				t.Fatal("the ZAP handler was asked")
			}
		})
	}
}

// TestZAPFloodLeavesSocketSlots: many unauthenticated PLAIN HELLOs waiting
// on a slow ZAP handler use none of the application's socket slots (a
// context allowing 8 sockets), and a good client is still served.
func TestZAPFloodLeavesSocketSlots(t *testing.T) {
	e := newEnv(t)
	must(t, e.ctx.SetInt(CtxMaxSockets, 8))
	seen := zapHandler(t, e, func(r wire.ZAPRequest) string {
		if len(r.Credentials) == 2 && string(r.Credentials[1]) == "good" {
			return "200"
		}
		time.Sleep(time.Millisecond) // a slow handler
		return "400"
	})
	server := e.socket(ROUTER)
	must(t, server.SetInt(OptPlainServer, 1))
	ep := e.bind(server)
	const flood = 300
	conns := make(chan net.Conn, flood)
	go func() {
		defer close(conns)
		for i := 0; i < flood; i++ {
			c, err := net.Dial("tcp", ep[len("tcp://"):])
			if err != nil {
				return
			}
			mech := wire.NewPlainClient(wire.SocketInfo{Type: "DEALER"}, []byte("mallory"), []byte("bad"))
			cmds, _ := mech.Start()
			enc := wire.NewEncoder()
			for _, cmd := range cmds {
				enc.AppendFrame(wire.FlagCommand, cmd)
			}
			c.Write(wire.Greeting{Major: 3, Minor: 1, Mechanism: mech.Name()}.Append(nil))
			enc.WriteTo(c)
			conns <- c
		}
	}()
	defer func() {
		for c := range conns {
			c.Close()
		}
	}()
	// While requests pile up at the handler, the application can still
	// make sockets up to its limit...
	for seen.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < 4; i++ {
		e.socket(PAIR)
	}
	// ...and a good client gets through.
	client := e.socket(DEALER)
	must(t, client.SetBytes(OptPlainUsername, []byte("alice")))
	must(t, client.SetBytes(OptPlainPassword, []byte("good")))
	must(t, client.Connect(ep))
	send(t, client, "hello")
	if m := recv(t, server); string(m[len(m)-1]) != "hello" {
		t.Fatalf("server got %q", m)
	}
}
