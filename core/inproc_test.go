package core

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"
)

// inprocName returns a name unique to the test.
func inprocName(t *testing.T) string {
	return "inproc://" + t.Name()
}

// TestInprocPairs runs every socket type pair over inproc.
func TestInprocPairs(t *testing.T) {
	runSocketPairs(t, func(*testing.T) string { return "inproc://pair" }, nil)
}

func TestInprocRouterIdentities(t *testing.T) {
	for _, connectFirst := range []bool{false, true} {
		t.Run(fmt.Sprint("connectFirst=", connectFirst), func(t *testing.T) {
			e := newEnv(t)
			bound := e.socket(ROUTER)
			must(t, bound.SetBytes(OptRoutingID, []byte("bound")))
			must(t, bound.SetInt(OptRouterMandatory, 1))
			conn := e.socket(ROUTER)
			must(t, conn.SetBytes(OptRoutingID, []byte("conn")))
			must(t, conn.SetInt(OptRouterMandatory, 1))
			aliased := e.socket(ROUTER)
			must(t, aliased.SetInt(OptRouterMandatory, 1))
			must(t, aliased.SetBytes(OptConnectRoutingID, []byte("alias")))
			dealer := e.socket(DEALER)
			must(t, dealer.SetBytes(OptRoutingID, []byte("dealer")))
			ep := "inproc://routers"
			if !connectFirst {
				must(t, bound.Bind(ep))
			} else {
				// A ROUTER knows no peer before the name is bound.
				must(t, conn.Connect(ep))
				if err := conn.SendMsg([][]byte{[]byte("bound"), []byte("x")}, DontWait); err != EHOSTUNREACH {
					t.Fatalf("send before bind: %v, want EHOSTUNREACH", err)
				}
			}
			if !connectFirst {
				must(t, conn.Connect(ep))
			}
			must(t, aliased.Connect(ep))
			must(t, dealer.Connect(ep))
			if connectFirst {
				must(t, bound.Bind(ep))
			}
			// Both ids are known as soon as Connect and Bind returned.
			send(t, conn, "bound", "from conn")
			recv(t, bound, "conn", "from conn")
			send(t, bound, "conn", "to conn")
			recv(t, conn, "bound", "to conn")
			send(t, aliased, "alias", "from aliased")
			m := recv(t, bound)
			if len(m) != 2 || len(m[0]) != 5 || m[0][0] != 0 || string(m[1]) != "from aliased" {
				t.Fatalf("bound router got %q, want a generated id", m)
			}
			send(t, dealer, "from dealer")
			recv(t, bound, "dealer", "from dealer")
			send(t, bound, "dealer", "to dealer")
			recv(t, dealer, "to dealer")

			// A second peer with a taken id is refused; once the first
			// closes, the id is free again.
			dup := e.socket(DEALER)
			must(t, dup.SetBytes(OptRoutingID, []byte("dealer")))
			must(t, dup.Connect(ep))
			if err := dup.Send([]byte("dup"), DontWait); err != EAGAIN {
				t.Fatalf("refused peer send: %v, want EAGAIN", err)
			}
			must(t, dealer.Close())
			again := e.socket(DEALER)
			must(t, again.SetBytes(OptRoutingID, []byte("dealer")))
			must(t, again.Connect(ep))
			send(t, again, "again")
			recv(t, bound, "dealer", "again")
		})
	}
}

func TestInprocEndpointErrors(t *testing.T) {
	e := newEnv(t)
	a, b := e.socket(PAIR), e.socket(PAIR)
	if err := a.Bind("inproc://"); err != EINVAL {
		t.Fatalf("bind empty name: %v", err)
	}
	if err := a.Connect("inproc://"); err != EINVAL {
		t.Fatalf("connect empty name: %v", err)
	}
	must(t, a.Bind("inproc://taken"))
	if err := b.Bind("inproc://taken"); err != EADDRINUSE {
		t.Fatalf("second bind: %v, want EADDRINUSE", err)
	}
	if err := a.Bind("inproc://taken"); err != EADDRINUSE {
		t.Fatalf("same socket binds twice: %v, want EADDRINUSE", err)
	}
	ep, _ := a.GetBytes(OptLastEndpoint)
	if string(ep) != "inproc://taken" {
		t.Fatalf("LAST_ENDPOINT after bind = %q", ep)
	}
	must(t, b.Connect("inproc://taken"))
	ep, _ = b.GetBytes(OptLastEndpoint)
	if string(ep) != "inproc://taken" {
		t.Fatalf("LAST_ENDPOINT after connect = %q", ep)
	}
	// "*" is a name like any other.
	must(t, b.Bind("inproc://*"))
	ep, _ = b.GetBytes(OptLastEndpoint)
	if string(ep) != "inproc://*" {
		t.Fatalf("LAST_ENDPOINT after bind * = %q", ep)
	}
	if err := a.Unbind("inproc://nope"); err != ENOENT {
		t.Fatalf("unbind unknown: %v", err)
	}
	if err := a.Disconnect("inproc://nope"); err != ENOENT {
		t.Fatalf("disconnect unknown: %v", err)
	}
}

func TestInprocContextsAreSeparate(t *testing.T) {
	e1, e2 := newEnv(t), newEnv(t)
	a, b := e1.socket(PULL), e2.socket(PULL)
	must(t, a.Bind("inproc://shared"))
	must(t, b.Bind("inproc://shared")) // no EADDRINUSE across contexts
	push := e2.socket(PUSH)
	must(t, push.Connect("inproc://shared"))
	send(t, push, "ctx2")
	recv(t, b, "ctx2")
	if _, err := a.Recv(DontWait); err != EAGAIN {
		t.Fatalf("other context's socket got a message: %v", err)
	}
}

func TestInprocHWM(t *testing.T) {
	cases := []struct {
		sndhwm, rcvhwm int
		want           int // messages accepted before EAGAIN; -1: no limit
	}{
		{1, 1, 2},
		{2, 3, 5},
		{10, 10, 20},
		{0, 5, -1},
		{5, 0, -1},
	}
	for _, c := range cases {
		for _, connectFirst := range []bool{false, true} {
			t.Run(fmt.Sprintf("snd=%d,rcv=%d,connectFirst=%v", c.sndhwm, c.rcvhwm, connectFirst), func(t *testing.T) {
				e := newEnv(t)
				push, pull := e.socket(PUSH), e.socket(PULL)
				must(t, push.SetInt(OptSndhwm, c.sndhwm))
				must(t, pull.SetInt(OptRcvhwm, c.rcvhwm))
				ep := inprocName(t)
				fill := func(limit int) int {
					n := 0
					for ; n < limit; n++ {
						if err := push.Send([]byte("x"), DontWait); err != nil {
							if err != EAGAIN {
								t.Fatal(err)
							}
							break
						}
					}
					return n
				}
				sent := 0
				if connectFirst {
					must(t, push.Connect(ep))
					// Before the bind only the sender's SNDHWM counts.
					n := fill(1000)
					want := c.sndhwm
					if want == 0 {
						want = 1000
					}
					if n != want {
						t.Fatalf("before bind: %d sent, want %d", n, want)
					}
					sent = n
					must(t, pull.Bind(ep))
				} else {
					must(t, pull.Bind(ep))
					must(t, push.Connect(ep))
				}
				after := fill(1000)
				if c.want < 0 {
					if after != 1000 {
						t.Fatalf("no limit expected, stopped after %d+%d", sent, after)
					}
				} else if sent+after != c.want {
					t.Fatalf("%d+%d sent, want %d", sent, after, c.want)
				}
				// A blocked sender wakes up when the receiver makes room.
				if c.want > 0 {
					done := make(chan error, 1)
					go func() { done <- push.Send([]byte("late"), 0) }()
					time.Sleep(10 * time.Millisecond)
					recv(t, pull, "x")
					if err := <-done; err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// TestInprocCloseWithQueued checks that what a closed socket sent is still
// read by its peer, whichever side bound and even if the peer binds only
// after the close.
func TestInprocCloseWithQueued(t *testing.T) {
	for _, mode := range []string{"pusher binds", "pusher connects", "pusher connects before bind"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			push, pull := e.socket(PUSH), e.socket(PULL)
			ep := "inproc://queued"
			switch mode {
			case "pusher binds":
				must(t, push.Bind(ep))
				must(t, pull.Connect(ep))
			case "pusher connects":
				must(t, pull.Bind(ep))
				must(t, push.Connect(ep))
			default:
				must(t, push.Connect(ep))
			}
			for i := 0; i < 10; i++ {
				send(t, push, strconv.Itoa(i))
			}
			must(t, push.Close()) // LINGER 0: inproc messages are delivered anyway
			if mode == "pusher connects before bind" {
				must(t, pull.Bind(ep))
			}
			for i := 0; i < 10; i++ {
				recv(t, pull, strconv.Itoa(i))
			}
			if _, err := pull.Recv(DontWait); err != EAGAIN {
				t.Fatalf("after the queued messages: %v", err)
			}
			n := pipeCount(pull)
			if n != 0 {
				t.Fatalf("pull still has %d pipes", n)
			}
		})
	}
}

// TestInprocPeerClosed checks that a socket stops sending to a closed peer
// and that a pending link whose connecting side closed with nothing queued
// is forgotten.
func TestInprocPeerClosed(t *testing.T) {
	e := newEnv(t)
	push, pull := e.socket(PUSH), e.socket(PULL)
	must(t, pull.Bind("inproc://gone"))
	must(t, push.Connect("inproc://gone"))
	send(t, push, "1")
	recv(t, pull, "1")
	must(t, pull.Close())
	if err := push.Send([]byte("2"), DontWait); err != EAGAIN {
		t.Fatalf("send to closed peer: %v, want EAGAIN", err)
	}
	// No reconnection to a new socket bound to the same name, as in libzmq.
	pull2 := e.socket(PULL)
	must(t, pull2.Bind("inproc://gone"))
	if err := push.Send([]byte("3"), DontWait); err != EAGAIN {
		t.Fatalf("send after rebind: %v, want EAGAIN", err)
	}

	lone := e.socket(PUSH)
	must(t, lone.Connect("inproc://never"))
	must(t, lone.Close())
	e.ctx.inprocMu.Lock()
	n := len(e.ctx.inprocPending)
	e.ctx.inprocMu.Unlock()
	if n != 0 {
		t.Fatalf("%d pending names left", n)
	}
}

func TestInprocDisconnect(t *testing.T) {
	e := newEnv(t)
	a, b := e.socket(PULL), e.socket(PULL)
	must(t, a.Bind("inproc://a"))
	must(t, b.Bind("inproc://b"))
	push := e.socket(PUSH)
	must(t, push.Connect("inproc://a"))
	must(t, push.Connect("inproc://b"))
	send(t, push, "to a") // round robin: a first
	must(t, push.Disconnect("inproc://a"))
	if err := push.Disconnect("inproc://a"); err != ENOENT {
		t.Fatalf("second disconnect: %v", err)
	}
	for i := 0; i < 5; i++ {
		send(t, push, "to b")
	}
	for i := 0; i < 5; i++ {
		recv(t, b, "to b")
	}
	// What was sent before Disconnect is still delivered, as in libzmq.
	recv(t, a, "to a")
	if _, err := a.Recv(DontWait); err != EAGAIN {
		t.Fatalf("disconnected peer got more: %v", err)
	}

	// Disconnect of a pending connection with nothing queued.
	must(t, push.Connect("inproc://later"))
	must(t, push.Disconnect("inproc://later"))
	c := e.socket(PULL)
	must(t, c.Bind("inproc://later"))
	n := pipeCount(c)
	if n != 0 {
		t.Fatalf("disconnected pending link attached: %d pipes", n)
	}
}

// TestInprocUnbind: as in libzmq 4.3, Unbind frees the name but keeps the
// connections made through it.
func TestInprocUnbind(t *testing.T) {
	e := newEnv(t)
	pull, push := e.socket(PULL), e.socket(PUSH)
	must(t, pull.Bind("inproc://ub"))
	must(t, push.Connect("inproc://ub"))
	must(t, pull.Unbind("inproc://ub"))
	if err := pull.Unbind("inproc://ub"); err != ENOENT {
		t.Fatalf("second unbind: %v", err)
	}
	send(t, push, "still connected")
	recv(t, pull, "still connected")
	other := e.socket(PULL)
	must(t, other.Bind("inproc://ub"))
	late := e.socket(PUSH)
	must(t, late.Connect("inproc://ub"))
	send(t, late, "to the new binder")
	recv(t, other, "to the new binder")
}

func TestInprocPairRefusesSecondPeer(t *testing.T) {
	e := newEnv(t)
	a, b, c := e.socket(PAIR), e.socket(PAIR), e.socket(PAIR)
	must(t, a.Bind("inproc://pair"))
	must(t, b.Connect("inproc://pair"))
	must(t, c.Connect("inproc://pair")) // accepted, then refused by a
	if err := c.Send([]byte("c"), DontWait); err != EAGAIN {
		t.Fatalf("refused PAIR send: %v, want EAGAIN", err)
	}
	send(t, b, "b")
	recv(t, a, "b")
	send(t, a, "a")
	recv(t, b, "a")
	// Once b is gone, a takes a new peer.
	must(t, b.Close())
	d := e.socket(PAIR)
	must(t, d.Connect("inproc://pair"))
	send(t, d, "d")
	recv(t, a, "d")
}

// TestInprocConcurrent: several goroutines send on one socket and several
// sockets send to one receiver, under -race.
func TestInprocConcurrent(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	must(t, pull.SetInt(OptRcvhwm, 10))
	must(t, pull.Bind("inproc://many"))
	const senders, perSender = 4, 2000
	var socks []*Socket
	for i := 0; i < 2; i++ {
		s := e.socket(PUSH)
		must(t, s.SetInt(OptSndhwm, 5))
		must(t, s.Connect("inproc://many"))
		socks = append(socks, s)
	}
	var wg sync.WaitGroup
	for g := 0; g < senders; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			s := socks[g%len(socks)]
			for i := 0; i < perSender; i++ {
				if err := s.SendMsg([][]byte{[]byte(strconv.Itoa(g)), []byte(strconv.Itoa(i))}, 0); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	next := make([]int, senders)
	for n := 0; n < senders*perSender; n++ {
		m := recv(t, pull)
		g, _ := strconv.Atoi(string(m[0]))
		i, _ := strconv.Atoi(string(m[1]))
		if i != next[g] {
			t.Fatalf("sender %d: got %d, want %d", g, i, next[g])
		}
		next[g]++
	}
	wg.Wait()
}

// TestInprocCloseWhileBlocked: Close and Term end a send blocked on a full
// inproc pipe.
func TestInprocCloseWhileBlocked(t *testing.T) {
	ctx := NewContext()
	push, _ := ctx.NewSocket(PUSH)
	pull, _ := ctx.NewSocket(PULL)
	push.SetInt(OptSndhwm, 1)
	pull.SetInt(OptRcvhwm, 1)
	must(t, pull.Bind("inproc://blocked"))
	must(t, push.Connect("inproc://blocked"))
	must(t, push.Send([]byte("1"), 0))
	must(t, push.Send([]byte("2"), 0))
	done := make(chan error, 1)
	go func() { done <- push.Send([]byte("3"), 0) }()
	time.Sleep(10 * time.Millisecond)
	term := make(chan struct{})
	go func() { ctx.Term(); close(term) }()
	if err := <-done; err != ETERM {
		t.Fatalf("blocked send: %v, want ETERM", err)
	}
	push.Close()
	pull.Close()
	select {
	case <-term:
	case <-time.After(5 * time.Second):
		t.Fatal("Term did not return")
	}
}

// TestInprocSendAllocs: sending and receiving over inproc costs one
// allocation per frame in the steady state: the copy Send makes, of the
// frame's own size, which the receiver keeps.
func TestInprocSendAllocs(t *testing.T) {
	e := newEnv(t)
	push, pull := e.socket(PUSH), e.socket(PULL)
	must(t, pull.Bind("inproc://allocs"))
	must(t, push.Connect("inproc://allocs"))
	msg := make([]byte, 64)
	allocs := testing.AllocsPerRun(10000, func() {
		if err := push.Send(msg, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := pull.Recv(0); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1.01 {
		t.Fatalf("%.3f allocations per message", allocs)
	}
}

// TestInprocPubSub: a PUB takes the subscriptions its inproc peers queued
// (there is no engine to hand them over) before it routes a message.
func TestInprocPubSub(t *testing.T) {
	for _, connectFirst := range []bool{false, true} {
		t.Run(fmt.Sprint("connectFirst=", connectFirst), func(t *testing.T) {
			e := newEnv(t)
			pub, sub := e.socket(PUB), e.socket(SUB)
			must(t, sub.SetBytes(OptSubscribe, []byte("a")))
			if connectFirst {
				must(t, sub.Connect("inproc://ps"))
				must(t, pub.Bind("inproc://ps"))
			} else {
				must(t, pub.Bind("inproc://ps"))
				must(t, sub.Connect("inproc://ps"))
			}
			send(t, pub, "b-dropped")
			send(t, pub, "a-delivered")
			recv(t, sub, "a-delivered")
			if _, err := sub.Recv(DontWait); err != EAGAIN {
				t.Fatalf("unsubscribed topic delivered: %v", err)
			}
		})
	}
}

// TestInprocReplyThenClose: a REQ still gets the reply of a REP that closed
// right after sending it (the pipe is kept until its input is read).
func TestInprocReplyThenClose(t *testing.T) {
	e := newEnv(t)
	rep, req := e.socket(REP), e.socket(REQ)
	must(t, rep.Bind("inproc://quit"))
	must(t, req.Connect("inproc://quit"))
	go func() {
		if _, err := rep.RecvMsg(0); err == nil {
			rep.Send([]byte("bye"), 0)
		}
		rep.Close()
	}()
	send(t, req, "quit")
	recv(t, req, "bye")
}

// TestInprocRouterHandover: with ROUTER_HANDOVER a second peer with the same
// id takes over; the first one's link ends.
func TestInprocRouterHandover(t *testing.T) {
	e := newEnv(t)
	router := e.socket(ROUTER)
	must(t, router.SetInt(OptRouterHandover, 1))
	must(t, router.Bind("inproc://handover"))
	d1, d2 := e.socket(DEALER), e.socket(DEALER)
	for _, d := range []*Socket{d1, d2} {
		must(t, d.SetBytes(OptRoutingID, []byte("x")))
	}
	must(t, d1.Connect("inproc://handover"))
	send(t, d1, "one")
	recv(t, router, "x", "one")
	must(t, d2.Connect("inproc://handover"))
	send(t, router, "x", "to the new x")
	recv(t, d2, "to the new x")
	if err := d1.Send([]byte("stale"), DontWait); err != EAGAIN {
		t.Fatalf("replaced peer send: %v, want EAGAIN", err)
	}
}

// TestInprocReqFailover: a REQ connected to two REPs keeps working after one
// of them closes.
func TestInprocReqFailover(t *testing.T) {
	e := newEnv(t)
	req := e.socket(REQ)
	a, b := e.socket(REP), e.socket(REP)
	must(t, a.Bind("inproc://a"))
	must(t, b.Bind("inproc://b"))
	must(t, req.Connect("inproc://a"))
	must(t, req.Connect("inproc://b"))
	must(t, a.Close())
	for i := 0; i < 4; i++ {
		send(t, req, "q")
		recv(t, b, "q")
		send(t, b, "r")
		recv(t, req, "r")
	}
}
