package core

import (
	"bytes"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is a context with helpers that fail the test instead of hanging.
type env struct {
	t   *testing.T
	ctx *Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, ctx: NewContext()}
	t.Cleanup(func() {
		done := make(chan struct{})
		go func() { e.ctx.Term(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("Term did not return")
		}
	})
	return e
}

func (e *env) socket(typ SocketType) *Socket {
	e.t.Helper()
	s, err := e.ctx.NewSocket(typ)
	if err != nil {
		e.t.Fatal(err)
	}
	must(e.t, s.SetInt(OptLinger, 0))
	must(e.t, s.SetInt(OptRcvtimeo, 5000))
	must(e.t, s.SetInt(OptSndtimeo, 5000))
	e.t.Cleanup(func() { s.Close() })
	return s
}

// bind binds s to an ephemeral loopback port and returns the endpoint.
func (e *env) bind(s *Socket) string {
	e.t.Helper()
	must(e.t, s.Bind("tcp://127.0.0.1:*"))
	ep, err := s.GetBytes(OptLastEndpoint)
	must(e.t, err)
	return string(ep)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func send(t *testing.T, s *Socket, frames ...string) {
	t.Helper()
	fs := make([][]byte, len(frames))
	for i, f := range frames {
		fs[i] = []byte(f)
	}
	must(t, s.SendMsg(fs, 0))
}

func recv(t *testing.T, s *Socket, want ...string) [][]byte {
	t.Helper()
	got, err := s.RecvMsg(0)
	if err != nil {
		t.Fatalf("recv: %v (want %q)", err, want)
	}
	if want != nil {
		if len(got) != len(want) {
			t.Fatalf("got %d frames %q, want %q", len(got), got, want)
		}
		for i := range want {
			if string(got[i]) != want[i] {
				t.Fatalf("frame %d = %q, want %q", i, got[i], want[i])
			}
		}
	}
	return got
}

func TestPushPull(t *testing.T) {
	for _, bindPush := range []bool{false, true} {
		t.Run(fmt.Sprint("bindPush=", bindPush), func(t *testing.T) {
			e := newEnv(t)
			push, pull := e.socket(PUSH), e.socket(PULL)
			if bindPush {
				must(t, pull.Connect(e.bind(push)))
			} else {
				must(t, push.Connect(e.bind(pull)))
			}
			for i := 0; i < 100; i++ {
				send(t, push, fmt.Sprint("msg", i), "", "tail")
			}
			for i := 0; i < 100; i++ {
				recv(t, pull, fmt.Sprint("msg", i), "", "tail")
			}
		})
	}
}

func TestSizes(t *testing.T) {
	e := newEnv(t)
	push, pull := e.socket(PUSH), e.socket(PULL)
	must(t, push.Connect(e.bind(pull)))
	for _, n := range []int{0, 1, 255, 256, 65535, 65536, 1 << 20, 16 << 20} {
		b := bytes.Repeat([]byte{byte(n)}, n)
		must(t, push.Send(b, 0))
		got, err := pull.Recv(0)
		must(t, err)
		if !bytes.Equal(got, b) {
			t.Fatalf("size %d: got %d bytes", n, len(got))
		}
	}
}

func TestReqRep(t *testing.T) {
	e := newEnv(t)
	req, rep := e.socket(REQ), e.socket(REP)
	must(t, req.Connect(e.bind(rep)))
	if _, err := req.Recv(0); err != EFSM {
		t.Fatalf("REQ recv first: %v, want EFSM", err)
	}
	if err := rep.Send([]byte("x"), 0); err != EFSM {
		t.Fatalf("REP send first: %v, want EFSM", err)
	}
	for i := 0; i < 10; i++ {
		send(t, req, "hello", fmt.Sprint(i))
		if err := req.Send([]byte("again"), 0); err != EFSM {
			t.Fatalf("second send: %v, want EFSM", err)
		}
		recv(t, rep, "hello", fmt.Sprint(i))
		send(t, rep, "world", fmt.Sprint(i))
		recv(t, req, "world", fmt.Sprint(i))
	}
}

func TestDealerRouter(t *testing.T) {
	e := newEnv(t)
	router := e.socket(ROUTER)
	ep := e.bind(router)
	named := e.socket(DEALER)
	must(t, named.SetBytes(OptRoutingID, []byte("alice")))
	must(t, named.Connect(ep))
	anon := e.socket(DEALER)
	must(t, anon.Connect(ep))

	send(t, named, "from alice")
	recv(t, router, "alice", "from alice")
	send(t, anon, "from anon")
	got := recv(t, router)
	if len(got) != 2 || len(got[0]) != 5 || got[0][0] != 0 || string(got[1]) != "from anon" {
		t.Fatalf("anonymous peer: %q", got)
	}
	must(t, router.SendMsg([][]byte{got[0], []byte("to anon")}, 0))
	recv(t, anon, "to anon")
	send(t, router, "alice", "to alice", "")
	recv(t, named, "to alice", "")

	// Unroutable: dropped silently, or EHOSTUNREACH when mandatory.
	send(t, router, "nobody", "lost")
	must(t, router.SetInt(OptRouterMandatory, 1))
	if err := router.Send([]byte("nobody"), SndMore); err != EHOSTUNREACH {
		t.Fatalf("mandatory: %v, want EHOSTUNREACH", err)
	}
}

func TestRouterConnectRid(t *testing.T) {
	e := newEnv(t)
	a, b := e.socket(ROUTER), e.socket(ROUTER)
	must(t, b.SetBytes(OptRoutingID, []byte("B")))
	ep := e.bind(b)
	must(t, a.SetBytes(OptRoutingID, []byte("A")))
	must(t, a.SetBytes(OptConnectRoutingID, []byte("peer-b")))
	must(t, a.Connect(ep))
	must(t, a.SetInt(OptRouterMandatory, 1))
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := a.SendMsg([][]byte{[]byte("peer-b"), []byte("hi")}, 0)
		if err == nil {
			break
		}
		if err != EHOSTUNREACH || time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	recv(t, b, "A", "hi")
}

func TestPair(t *testing.T) {
	e := newEnv(t)
	a, b := e.socket(PAIR), e.socket(PAIR)
	must(t, b.Connect(e.bind(a)))
	send(t, a, "ping")
	recv(t, b, "ping")
	send(t, b, "pong")
	recv(t, a, "pong")
}

func TestTimeoutsAndDontWait(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	e.bind(pull)
	if _, err := pull.Recv(DontWait); err != EAGAIN {
		t.Fatalf("DontWait: %v", err)
	}
	must(t, pull.SetInt(OptRcvtimeo, 50))
	start := time.Now()
	if _, err := pull.Recv(0); err != EAGAIN {
		t.Fatalf("timeout: %v", err)
	}
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Fatalf("returned after %v", d)
	}
	push := e.socket(PUSH)
	if err := push.Send([]byte("x"), DontWait); err != EAGAIN {
		t.Fatalf("push with no peer: %v", err)
	}
}

func TestSendHWM(t *testing.T) {
	e := newEnv(t)
	push := e.socket(PUSH)
	must(t, push.SetInt(OptSndhwm, 5))
	must(t, push.Connect("tcp://127.0.0.1:1")) // never answers
	n := 0
	for ; n < 100; n++ {
		if err := push.Send([]byte("x"), DontWait); err != nil {
			if err != EAGAIN {
				t.Fatal(err)
			}
			break
		}
	}
	if n != 5 {
		t.Fatalf("queued %d, want 5", n)
	}
	must(t, push.SetInt(OptSndtimeo, 20))
	if err := push.Send([]byte("x"), 0); err != EAGAIN {
		t.Fatalf("blocking send past HWM: %v", err)
	}
}

func TestConnectBeforeBindAndReconnect(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close()
	ep := "tcp://" + addr

	push := e.socket(PUSH)
	must(t, push.SetInt(OptReconnectIvl, 10))
	must(t, push.Connect(ep))
	send(t, push, "early")

	pull1 := e.socket(PULL)
	must(t, pull1.Bind(ep))
	recv(t, pull1, "early")
	must(t, pull1.Close())

	pull2 := e.socket(PULL)
	// The port may take a moment to be free again.
	for i := 0; ; i++ {
		if err := pull2.Bind(ep); err == nil {
			break
		} else if i > 100 {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Messages written while the old connection was dying are lost, as with
	// libzmq; once reconnected, they flow again.
	must(t, pull2.SetInt(OptRcvtimeo, 50))
	for i := 0; ; i++ {
		send(t, push, "after restart")
		if m, err := pull2.Recv(0); err == nil {
			if string(m) != "after restart" {
				t.Fatalf("got %q", m)
			}
			break
		}
		if i > 100 {
			t.Fatal("no message after restart")
		}
	}
}

func TestLingerDeliversOnTerm(t *testing.T) {
	ctx := NewContext()
	pull, _ := ctx.NewSocket(PULL)
	must(t, pull.Bind("tcp://127.0.0.1:*"))
	ep, _ := pull.GetBytes(OptLastEndpoint)
	push, _ := ctx.NewSocket(PUSH)
	must(t, push.Connect(string(ep)))
	const n = 1000
	for i := 0; i < n; i++ {
		must(t, push.Send([]byte(fmt.Sprint(i)), 0))
	}
	must(t, push.Close()) // default LINGER: deliver everything
	must(t, pull.SetInt(OptRcvtimeo, 5000))
	for i := 0; i < n; i++ {
		got, err := pull.Recv(0)
		must(t, err)
		if string(got) != fmt.Sprint(i) {
			t.Fatalf("got %q want %d", got, i)
		}
	}
	pull.Close()
	must(t, ctx.Term())
}

func TestTermUnblocks(t *testing.T) {
	ctx := NewContext()
	pull, _ := ctx.NewSocket(PULL)
	errc := make(chan error)
	go func() {
		_, err := pull.Recv(0)
		errc <- err
	}()
	done := make(chan struct{})
	go func() { ctx.Term(); close(done) }()
	select {
	case err := <-errc:
		if err != ETERM {
			t.Fatalf("blocked Recv: %v, want ETERM", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Recv not unblocked by Term")
	}
	pull.Close()
	<-done
	if _, err := ctx.NewSocket(PUSH); err != ETERM {
		t.Fatalf("NewSocket after Term: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	push, pull := e.socket(PUSH), e.socket(PULL)
	must(t, push.Connect(e.bind(pull)))
	const workers, each = 4, 250
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := push.SendMsg([][]byte{[]byte("a"), []byte("b")}, 0); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				m, err := pull.RecvMsg(0)
				if err != nil || len(m) != 2 {
					t.Errorf("recv %q %v", m, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestBadEndpoints(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PUSH)
	cases := []struct {
		ep   string
		want error
	}{
		{"tcp://127.0.0.1", EINVAL},
		{"nope://x:1", EPROTONOSUPPORT},
		{"127.0.0.1:5555", EINVAL},
		{"tcp://:5", EINVAL},
	}
	for _, c := range cases {
		if err := s.Bind(c.ep); err != c.want {
			t.Errorf("Bind(%q) = %v, want %v", c.ep, err, c.want)
		}
	}
	ep := e.bind(s)
	other := e.socket(PULL)
	if err := other.Bind(ep); err != EADDRINUSE {
		t.Errorf("second bind: %v", err)
	}
	must(t, s.Unbind(ep))
	if err := s.Unbind(ep); err != ENOENT {
		t.Errorf("second unbind: %v", err)
	}
}

func TestGarbagePeerDropped(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	ep := e.bind(pull)
	addr := ep[len("tcp://"):]
	for _, junk := range [][]byte{
		[]byte("GET / HTTP/1.1\r\n\r\n"),
		append([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 2, 0}, make([]byte, 52)...),
	} {
		c, err := net.Dial("tcp", addr)
		must(t, err)
		c.Write(junk)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 256)
		for {
			if _, err := c.Read(buf); err != nil {
				break // the socket hung up on us
			}
		}
		c.Close()
	}
	push := e.socket(PUSH)
	must(t, push.Connect(ep))
	send(t, push, "still serving")
	recv(t, pull, "still serving")
}
