package core

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/monocoque-go/monocoque/wire"
)

func TestIPv6AndWildcard(t *testing.T) {
	cases := []struct{ bind, connectHost string }{
		{"tcp://[::1]:*", "[::1]"},
		{"tcp://*:*", "127.0.0.1"},
		{"tcp://127.0.0.1:!", "127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.bind, func(t *testing.T) {
			e := newEnv(t)
			pull, push := e.socket(PULL), e.socket(PUSH)
			must(t, pull.Bind(c.bind))
			ep, _ := pull.GetBytes(OptLastEndpoint)
			port := string(ep[strings.LastIndexByte(string(ep), ':')+1:])
			must(t, push.Connect("tcp://"+c.connectHost+":"+port))
			send(t, push, "over "+c.bind)
			recv(t, pull, "over "+c.bind)
		})
	}
}

func TestLastEndpointFormats(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PULL)
	must(t, s.Bind("tcp://*:*"))
	ep, _ := s.GetBytes(OptLastEndpoint)
	if !strings.HasPrefix(string(ep), "tcp://0.0.0.0:") {
		t.Fatalf("wildcard bind: %q", ep)
	}
	must(t, s.Connect("tcp://localhost:5999"))
	ep, _ = s.GetBytes(OptLastEndpoint)
	if string(ep) != "tcp://localhost:5999" {
		t.Fatalf("connect: %q", ep)
	}
}

func TestDisconnect(t *testing.T) {
	e := newEnv(t)
	a, b := e.socket(PULL), e.socket(PULL)
	epA, epB := e.bind(a), e.bind(b)
	push := e.socket(PUSH)
	must(t, push.Connect(epA))
	must(t, push.Connect(epB))
	must(t, push.Disconnect(epA))
	if err := push.Disconnect(epA); err != ENOENT {
		t.Fatalf("second disconnect: %v", err)
	}
	for i := 0; i < 10; i++ {
		send(t, push, "to b")
	}
	for i := 0; i < 10; i++ {
		recv(t, b, "to b")
	}
	if _, err := a.Recv(DontWait); err != EAGAIN {
		t.Fatalf("disconnected peer got a message: %v", err)
	}
}

func TestUnbindDropsAcceptedConnections(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	ep := e.bind(pull)
	c, err := net.Dial("tcp", ep[len("tcp://"):])
	must(t, err)
	defer c.Close()
	greet := wire.NewGreeting("NULL", false).Append(nil)
	c.Write(greet)
	buf := make([]byte, 64)
	_, err = io.ReadFull(c, buf)
	must(t, err)
	must(t, pull.Unbind(ep))
	waitHangup(t, c)
}

// waitHangup reads c until the other side closes or resets it; it fails
// the test if that takes more than five seconds.
func waitHangup(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the socket did not hang up")
	}
}

// rawPeer speaks ZMTP by hand: a greeting of the given minor version and a
// READY for socketType.
func rawPeer(t *testing.T, ep string, minor byte, socketType string) (net.Conn, *wire.Decoder) {
	t.Helper()
	c, err := net.Dial("tcp", ep[len("tcp://"):])
	must(t, err)
	t.Cleanup(func() { c.Close() })
	g := wire.Greeting{Major: 3, Minor: minor, Mechanism: "NULL"}.Append(nil)
	_, err = c.Write(g)
	must(t, err)
	peer := make([]byte, 64)
	_, err = io.ReadFull(c, peer)
	must(t, err)
	ready := wire.AppendReady(nil, wire.Metadata{{Name: "Socket-Type", Value: []byte(socketType)}})
	enc := wire.NewEncoder()
	enc.AppendFrame(wire.FlagCommand, ready)
	_, err = enc.WriteTo(c)
	must(t, err)
	dec := wire.NewDecoder(c, -1)
	f, err := dec.Next()
	must(t, err)
	if name, _, _ := wire.ParseCommand(f.Body); !f.IsCommand() || name != wire.CmdReady {
		t.Fatalf("expected READY, got %+v", f)
	}
	return c, dec
}

func TestZMTP30Peer(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	ep := e.bind(pull)
	c, _ := rawPeer(t, ep, 0, "PUSH")
	enc := wire.NewEncoder()
	enc.AppendFrame(wire.FlagMore, []byte("from"))
	enc.AppendFrame(0, []byte("zmtp 3.0"))
	_, err := enc.WriteTo(c)
	must(t, err)
	recv(t, pull, "from", "zmtp 3.0")
}

func TestPingAnsweredWithPong(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	ep := e.bind(pull)
	c, dec := rawPeer(t, ep, 1, "PUSH")
	enc := wire.NewEncoder()
	enc.AppendFrame(wire.FlagCommand, wire.AppendPing(nil, 100, []byte("ctx42")))
	_, err := enc.WriteTo(c)
	must(t, err)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	f, err := dec.Next()
	must(t, err)
	name, data, err := wire.ParseCommand(f.Body)
	must(t, err)
	if name != wire.CmdPong || string(data) != "ctx42" {
		t.Fatalf("got %s %q, want PONG ctx42", name, data)
	}
}

func TestIncompatiblePeerRefused(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	ep := e.bind(pull)
	c, err := net.Dial("tcp", ep[len("tcp://"):])
	must(t, err)
	defer c.Close()
	c.Write(wire.NewGreeting("NULL", false).Append(nil))
	enc := wire.NewEncoder()
	enc.AppendFrame(wire.FlagCommand, wire.AppendReady(nil, wire.Metadata{{Name: "Socket-Type", Value: []byte("REQ")}}))
	enc.WriteTo(c)
	waitHangup(t, c)
}

func TestMaxMsgSizeDropsPeer(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	must(t, pull.SetInt(OptMaxmsgsize, 100))
	ep := e.bind(pull)
	bad := e.socket(PUSH)
	must(t, bad.Connect(ep))
	must(t, bad.Send(bytes.Repeat([]byte("x"), 101), 0))
	good := e.socket(PUSH)
	must(t, good.Connect(ep))
	send(t, good, "fits")
	recv(t, pull, "fits")
	if _, err := pull.Recv(DontWait); err != EAGAIN {
		t.Fatalf("oversize message delivered: %v", err)
	}
}

func TestLingerTimeoutDropsUndeliverable(t *testing.T) {
	ctx := NewContext()
	push, _ := ctx.NewSocket(PUSH)
	must(t, push.SetInt(OptLinger, 50))
	must(t, push.Connect("tcp://127.0.0.1:1")) // nobody there
	must(t, push.Send([]byte("never delivered"), 0))
	must(t, push.Close())
	start := time.Now()
	must(t, ctx.Term())
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Term took %v with LINGER 50ms", d)
	}
}

func TestBrokerReqRep(t *testing.T) {
	e := newEnv(t)
	front, back := e.socket(ROUTER), e.socket(DEALER)
	fe, be := e.bind(front), e.bind(back)
	worker := e.socket(REP)
	must(t, worker.Connect(be))
	client := e.socket(REQ)
	must(t, client.Connect(fe))
	go func() {
		// A minimal broker: one request each way.
		m, err := front.RecvMsg(0)
		if err != nil {
			return
		}
		back.SendMsg(m, 0)
		if m, err = back.RecvMsg(0); err != nil {
			return
		}
		front.SendMsg(m, 0)
	}()
	go func() {
		m, err := worker.RecvMsg(0)
		if err != nil {
			return
		}
		worker.SendMsg([][]byte{append([]byte("re: "), m[0]...)}, 0)
	}()
	send(t, client, "question")
	recv(t, client, "re: question")
}

func TestHeartbeatDropsSilentPeer(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	must(t, pull.SetInt(OptHeartbeatIvl, 30))
	must(t, pull.SetInt(OptHeartbeatTimeout, 60))
	ep := e.bind(pull)
	c, dec := rawPeer(t, ep, 1, "PUSH")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	// We get PINGs, never answer, and are dropped.
	pings := 0
	for {
		f, err := dec.Next()
		if err != nil {
			if err != io.EOF && !strings.Contains(err.Error(), "reset") {
				t.Fatalf("expected the socket to hang up, got %v", err)
			}
			break
		}
		if name, _, _ := wire.ParseCommand(f.Body); name == wire.CmdPing {
			pings++
		}
	}
	if pings == 0 {
		t.Fatal("no PING before the hang-up")
	}
}

func TestHeartbeatKeepsLivePeer(t *testing.T) {
	e := newEnv(t)
	pull, push := e.socket(PULL), e.socket(PUSH)
	// Timeouts are generous so that a loaded machine cannot fail the test;
	// the idle period still spans several heartbeats and timeouts.
	for _, s := range []*Socket{pull, push} {
		must(t, s.SetInt(OptHeartbeatIvl, 30))
		must(t, s.SetInt(OptHeartbeatTimeout, 250))
		must(t, s.SetInt(OptHeartbeatTTL, 1000))
	}
	must(t, push.SetInt(OptReconnectIvl, -1)) // a drop would be final
	must(t, push.Connect(e.bind(pull)))
	send(t, push, "one")
	recv(t, pull, "one")
	time.Sleep(600 * time.Millisecond) // many heartbeat periods, no traffic
	send(t, push, "two")
	recv(t, pull, "two")
}

func TestWatchWakesOnInputAndClose(t *testing.T) {
	e := newEnv(t)
	pull, push := e.socket(PULL), e.socket(PUSH)
	must(t, push.Connect(e.bind(pull)))
	w := make(chan struct{}, 1)
	pull.Watch(w)
	defer pull.Unwatch(w)
	if pull.Events()&PollIn != 0 {
		t.Fatal("readable before any message")
	}
	send(t, push, "wake")
	deadline := time.After(5 * time.Second)
	for pull.Events()&PollIn == 0 {
		select {
		case <-w:
		case <-deadline:
			t.Fatal("no wake-up for input")
		}
	}
	recv(t, pull, "wake")
	for len(w) > 0 {
		<-w
	}
	must(t, pull.Close())
	select {
	case <-w:
	case <-time.After(5 * time.Second):
		t.Fatal("no wake-up for Close")
	}
}
