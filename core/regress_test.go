package core

// Regression tests for bugs found in review: each test states the libzmq
// behaviour it pins down.

import (
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if f() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// A ROUTER_MANDATORY message whose peer leaves after the id frame was
// accepted is dropped silently, and the socket goes on (libzmq).
func TestRouterMandatoryPeerGoneMidMessage(t *testing.T) {
	e := newEnv(t)
	r := e.socket(ROUTER)
	must(t, r.SetInt(OptRouterMandatory, 1))
	ep := e.bind(r)
	a, b := e.socket(DEALER), e.socket(DEALER)
	must(t, a.SetBytes(OptRoutingID, []byte("A")))
	must(t, b.SetBytes(OptRoutingID, []byte("B")))
	must(t, a.Connect(ep))
	must(t, b.Connect(ep))
	send(t, a, "hi")
	send(t, b, "hi")
	recv(t, r)
	recv(t, r)
	must(t, r.Send([]byte("A"), SndMore))
	must(t, a.Close())
	waitFor(t, "A gone", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		p := r.pol.(*routerPolicy).byID["A"]
		return p == nil || p.dead.Load()
	})
	must(t, r.Send([]byte("body"), 0)) // dropped, not an error
	must(t, r.SendMsg([][]byte{[]byte("B"), []byte("for B")}, 0))
	recv(t, b, "for B")
}

// HWM is checked on the first frame: a full queue refuses the message there
// (EAGAIN after DONTWAIT or SNDTIMEO), so retrying the whole message sends
// it once, with no stale frames in front.
func TestSendRefusedOnFirstFrame(t *testing.T) {
	e := newEnv(t)
	push, pull := e.socket(PUSH), e.socket(PULL)
	must(t, push.SetInt(OptSndhwm, 1))
	must(t, pull.SetInt(OptRcvhwm, 1))
	// inproc: the queue's limit is exact (tcp buffers hold a lot more).
	must(t, push.Bind("inproc://first-frame"))
	must(t, pull.Connect("inproc://first-frame"))
	must(t, push.SetInt(OptSndtimeo, 100))
	n := 0
	for push.Send([]byte("fill"), 0) == nil {
		n++
	}
	if err := push.Send([]byte("a"), SndMore|DontWait); err != EAGAIN {
		t.Fatalf("first frame with DONTWAIT on a full socket: %v, want EAGAIN", err)
	}
	if err := push.Send([]byte("a"), SndMore); err != EAGAIN {
		t.Fatalf("first frame past SNDTIMEO on a full socket: %v, want EAGAIN", err)
	}
	for i := 0; i < n; i++ {
		recv(t, pull, "fill")
	}
	must(t, push.SetInt(OptSndtimeo, 5000))
	send(t, push, "a", "b")
	recv(t, pull, "a", "b")
}

// With ROUTER_MANDATORY a peer at its HWM refuses the id frame with EAGAIN;
// a message given up on never leaks into the next one.
func TestRouterMandatoryFullPeerRefusedOnIDFrame(t *testing.T) {
	e := newEnv(t)
	r := e.socket(ROUTER)
	must(t, r.SetInt(OptRouterMandatory, 1))
	must(t, r.SetInt(OptSndhwm, 1))
	must(t, r.Bind("inproc://full-peer"))
	a, b := e.socket(DEALER), e.socket(DEALER)
	must(t, a.SetBytes(OptRoutingID, []byte("A")))
	must(t, b.SetBytes(OptRoutingID, []byte("B")))
	must(t, a.SetInt(OptRcvhwm, 1))
	must(t, a.Connect("inproc://full-peer"))
	must(t, b.Connect("inproc://full-peer"))
	for i := 0; ; i++ {
		err := r.Send([]byte("A"), SndMore|DontWait)
		if err == EAGAIN {
			break
		}
		must(t, err)
		must(t, r.Send([]byte("fill"), DontWait))
		if i > 100 {
			t.Fatal("A never filled up")
		}
	}
	for {
		if _, err := a.RecvMsg(DontWait); err != nil {
			break
		}
	}
	must(t, r.Send([]byte("B"), SndMore|DontWait))
	must(t, r.Send([]byte("secret for B"), DontWait))
	if m, err := a.RecvMsg(DontWait); err == nil {
		t.Errorf("A received %q", m)
	}
	recv(t, b, "secret for B")
}

// Close with nothing queued does not wait for handshakes under way: an idle
// client of a bound socket, or a server that never speaks ZMTP.
func TestCloseEndsIdleHandshakes(t *testing.T) {
	t.Run("accepted", func(t *testing.T) {
		ctx := NewContext()
		s, _ := ctx.NewSocket(PULL)
		must(t, s.SetInt(OptHandshakeIvl, 0))
		must(t, s.Bind("tcp://127.0.0.1:*"))
		ep, _ := s.GetBytes(OptLastEndpoint)
		c, err := net.Dial("tcp", string(ep)[len("tcp://"):])
		must(t, err)
		defer c.Close()
		time.Sleep(50 * time.Millisecond) // let the handshake start
		s.Close()
		termWithin(t, ctx, func() { c.Close() })
	})
	t.Run("connected", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		defer ln.Close()
		var mu sync.Mutex
		var held []net.Conn
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				held = append(held, c)
				mu.Unlock()
			}
		}()
		ctx := NewContext()
		s, _ := ctx.NewSocket(DEALER)
		must(t, s.Connect("tcp://"+ln.Addr().String()))
		time.Sleep(50 * time.Millisecond)
		s.Close()
		termWithin(t, ctx, func() {
			ln.Close()
			mu.Lock()
			for _, c := range held {
				c.Close()
			}
			mu.Unlock()
		})
	})
}

// termWithin fails the test if Term takes more than three seconds; unstick
// then lets it finish.
func termWithin(t *testing.T, ctx *Context, unstick func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { ctx.Term(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		unstick()
		<-done
		t.Fatal("Term waited for a handshake with nothing to deliver")
	}
}

// A peer flooding PINGs while never reading gets at most one pending PONG:
// memory does not grow with the flood (libzmq keeps one too).
func TestPingFloodBounded(t *testing.T) {
	e := newEnv(t)
	r := e.socket(ROUTER)
	ep := e.bind(r)
	c, err := net.Dial("tcp", ep[len("tcp://"):])
	must(t, err)
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4096)
	var g [64]byte
	c.Write(wire.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(g[:0]))
	io.ReadFull(c, g[:]) // nothing more is read
	ready := wire.AppendReady(nil, wire.Metadata{{Name: "Socket-Type", Value: []byte("DEALER")}})
	out := wire.AppendFrameHeader(nil, wire.FlagCommand, len(ready))
	c.Write(append(out, ready...))
	ping := wire.AppendPing(nil, 0, nil)
	var chunk []byte
	for i := 0; i < 10000; i++ {
		chunk = wire.AppendFrameHeader(chunk, wire.FlagCommand, len(ping))
		chunk = append(chunk, ping...)
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	// The connection may stall in the kernel once our PONGs fill the
	// peer's receive buffer: stop writing after a while.
	c.SetWriteDeadline(time.Now().Add(3 * time.Second))
	for i := 0; i < 300; i++ { // up to 3M PINGs
		if _, err := c.Write(chunk); err != nil {
			break
		}
	}
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	if grow := int64(m1.HeapAlloc) - int64(m0.HeapAlloc); grow > 20<<20 {
		t.Fatalf("heap grew %d MB under a PING flood", grow>>20)
	}
}

// The routing-id frame a ROUTER hands out is the user's copy: writing to it
// changes neither later messages nor the routing table.
func TestRouterIDFrameIsACopy(t *testing.T) {
	e := newEnv(t)
	r := e.socket(ROUTER)
	ep := e.bind(r)
	d := e.socket(DEALER)
	must(t, d.SetBytes(OptRoutingID, []byte("peer")))
	must(t, d.Connect(ep))
	send(t, d, "1")
	send(t, d, "2")
	m := recv(t, r, "peer", "1")
	m[0][0] = 'X'
	recv(t, r, "peer", "2")
	must(t, d.Close())
	// The same id can come back once the first peer is gone.
	d2 := e.socket(DEALER)
	must(t, d2.SetBytes(OptRoutingID, []byte("peer")))
	must(t, d2.Connect(ep))
	for i := 0; ; i++ {
		send(t, d2, "again")
		must(t, r.SetInt(OptRcvtimeo, 100))
		if got, err := r.RecvMsg(0); err == nil {
			if string(got[0]) != "peer" || string(got[1]) != "again" {
				t.Fatalf("got %q", got)
			}
			break
		}
		if i > 30 {
			t.Fatal("a peer reusing the id is never heard")
		}
	}
}

// LINGER -1 delivers everything queued even when the closed socket's own
// input pipe is full (nobody reads it any more).
func TestLingerDeliversWhileInboundFull(t *testing.T) {
	e := newEnv(t)
	a, b := e.socket(DEALER), e.socket(DEALER)
	must(t, a.SetInt(OptLinger, -1))
	must(t, a.SetInt(OptRcvhwm, 1))
	must(t, b.SetInt(OptRcvhwm, 10))
	must(t, a.SetInt(OptSndhwm, 10))
	must(t, a.Connect(e.bind(b)))
	for i := 0; i < 20; i++ {
		must(t, b.Send([]byte("to a"), 0)) // a never reads these
	}
	payload := make([]byte, 64<<10)
	must(t, a.SetInt(OptSndtimeo, 300))
	n := 0
	for a.Send(payload, 0) == nil {
		n++
	}
	must(t, a.Close())
	must(t, b.SetInt(OptRcvtimeo, 2000))
	got := 0
	for {
		if _, err := b.Recv(0); err != nil {
			break
		}
		got++
	}
	if got != n {
		t.Fatalf("LINGER -1: sent %d, peer got %d", n, got)
	}
}

// Pushes forced past the high-water mark (subscriptions) grow the ring by
// doubling, not one slot at a time.
func TestQueueGrowsByDoublingPastHWM(t *testing.T) {
	q := newQueue(1000, func() {}, func() {})
	grows := 0
	last := len(q.ring)
	for i := 0; i < 8000; i++ {
		var m pool.Msg
		m.Append([]byte("x"))
		q.push(&m, true)
		if len(q.ring) != last {
			grows++
			last = len(q.ring)
		}
	}
	if grows > 20 {
		t.Fatalf("the ring grew %d times for 8000 pushes", grows)
	}
}

// Concurrent Monitor calls: the last one wins and the others' sockets are
// closed, so Term does not hang.
func TestConcurrentMonitorCalls(t *testing.T) {
	ctx := NewContext()
	s, _ := ctx.NewSocket(DEALER)
	for round := 0; round < 50; round++ {
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				s.Monitor(fmt.Sprintf("inproc://mon-%d-%d", round, i), EventAll)
			}(i)
		}
		wg.Wait()
	}
	s.Close()
	termWithin(t, ctx, func() {})
}
