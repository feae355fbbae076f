package core

import (
	"fmt"
	"testing"
	"time"

	"github.com/monocoque-go/monocoque/pool"
)

func TestConflateQueue(t *testing.T) {
	var woke int
	q := newQueue(2, func() { woke++ }, func() {})
	q.setConflate()
	for i := 0; i < 10; i++ {
		var m pool.Msg
		m.AppendPooled(pool.Clone([]byte("head")))
		m.AppendPooled(pool.Clone([]byte(fmt.Sprint("body", i))))
		if !q.push(&m, false) {
			t.Fatalf("push %d refused: a conflating queue is never full", i)
		}
		if m.Len() != 0 {
			t.Fatalf("push %d did not take the message", i)
		}
	}
	batch := make([]pool.Msg, 3)
	for i := range batch {
		batch[i].AppendPooled(pool.Clone([]byte(fmt.Sprint("batch", i))))
	}
	if k := q.pushBatch(batch); k != 3 {
		t.Fatalf("pushBatch took %d of 3", k)
	}
	if q.len() != 1 || q.full() || woke != 1 {
		t.Fatalf("len %d, full %v, woken %d times; want 1, false, 1", q.len(), q.full(), woke)
	}
	var m pool.Msg
	if !q.pop(&m) || m.Len() != 1 || string(m.Frame(0)) != "batch2" {
		t.Fatalf("popped %q, want [batch2]", m.Frames())
	}
	m.Release()

	// Replaced messages' pooled buffers go back to the pool, so a
	// conflating queue fed pooled messages allocates nothing.
	allocs := testing.AllocsPerRun(1000, func() {
		var m pool.Msg
		m.AppendPooled(pool.Get(100))
		m.AppendPooled(pool.Get(200))
		q.push(&m, false)
	})
	if !raceEnabled && allocs != 0 {
		t.Fatalf("%v allocations per conflated push, want 0", allocs)
	}
	q.drop()
}

func TestConflateSetOnFullQueue(t *testing.T) {
	room := 0
	q := newQueue(3, func() {}, func() { room++ })
	for i := 0; i < 3; i++ {
		var m pool.Msg
		m.AppendPooled(pool.Clone([]byte(fmt.Sprint(i))))
		q.push(&m, false)
	}
	q.setConflate()
	if q.len() != 1 || room != 1 {
		t.Fatalf("len %d, producer woken %d times; want 1, 1", q.len(), room)
	}
	var m pool.Msg
	if !q.pop(&m) || string(m.Frame(0)) != "2" {
		t.Fatalf("kept %q, want the newest", m.Frames())
	}
}

// conflatePair makes a sender and a receiver (with CONFLATE set on the side
// named by conflateOn) linked over transport; SUB receivers subscribe to
// everything and the link is checked to carry messages before it returns.
func conflatePair(t *testing.T, e *env, transport string, sndType, rcvType SocketType, receiverBinds bool) (snd, rcv *Socket) {
	t.Helper()
	snd, rcv = e.socket(sndType), e.socket(rcvType)
	must(t, rcv.SetInt(OptConflate, 1))
	if rcvType == SUB {
		must(t, rcv.SetBytes(OptSubscribe, nil))
	}
	binder, connecter := snd, rcv
	if receiverBinds {
		binder, connecter = rcv, snd
	}
	var ep string
	switch transport {
	case "tcp":
		ep = e.bind(binder)
	case "ipc":
		ep = "ipc://*"
		must(t, binder.Bind(ep))
		b, err := binder.GetBytes(OptLastEndpoint)
		must(t, err)
		ep = string(b)
	case "inproc":
		ep = fmt.Sprintf("inproc://conflate-%s-%v-%v-%v", t.Name(), sndType, rcvType, receiverBinds)
		must(t, binder.Bind(ep))
	}
	must(t, connecter.Connect(ep))
	// Wait until a message gets through (subscriptions applied, handshake
	// done).
	must(t, rcv.SetInt(OptRcvtimeo, 20))
	for i := 0; ; i++ {
		if i == 500 {
			t.Fatal("the link never carried a message")
		}
		must(t, snd.Send([]byte("warm-up"), 0))
		if _, err := rcv.Recv(0); err == nil {
			break
		}
	}
	must(t, rcv.SetInt(OptRcvtimeo, 5000))
	// Forget any warm-up message still on its way.
	time.Sleep(50 * time.Millisecond)
	for {
		if _, err := rcv.Recv(DontWait); err != nil {
			break
		}
	}
	return snd, rcv
}

func TestConflateSlowReceiverGetsNewest(t *testing.T) {
	type pattern struct {
		name     string
		snd, rcv SocketType
	}
	patterns := []pattern{{"PUSH-PULL", PUSH, PULL}, {"PUB-SUB", PUB, SUB}, {"DEALER-DEALER", DEALER, DEALER}}
	transports := []string{"tcp", "inproc"}
	if HasIPC {
		transports = append(transports, "ipc")
	}
	const n = 200
	for _, p := range patterns {
		for _, tr := range transports {
			for _, receiverBinds := range []bool{true, false} {
				name := fmt.Sprintf("%s/%s/receiver-binds=%v", p.name, tr, receiverBinds)
				t.Run(name, func(t *testing.T) {
					e := newEnv(t)
					snd, rcv := conflatePair(t, e, tr, p.snd, p.rcv, receiverBinds)
					for i := 0; i < n; i++ {
						// Multipart: conflation keeps the last frame only,
						// as libzmq does.
						send(t, snd, "head", fmt.Sprint(i))
					}
					// The receiver is slow: by the time it reads, the
					// queue holds at most one message, and eventually the
					// newest.
					time.Sleep(100 * time.Millisecond)
					got := 0
					last := -1
					for last != n-1 {
						m, err := rcv.RecvMsg(0)
						if err != nil {
							t.Fatalf("after %d messages (last %d): %v", got, last, err)
						}
						var v int
						if len(m) != 1 {
							t.Fatalf("got %q, want only the last frame", m)
						}
						if _, err := fmt.Sscan(string(m[0]), &v); err != nil || v <= last {
							t.Fatalf("got %q after %d", m, last)
						}
						last = v
						got++
					}
					if got >= n/2 {
						t.Fatalf("received %d of %d messages: not conflated", got, n)
					}
					if m, err := rcv.RecvMsg(DontWait); err != EAGAIN {
						t.Fatalf("after the newest: %q, %v; want EAGAIN", m, err)
					}
				})
			}
		}
	}
}

// A conflating sender whose peer is not there yet keeps only its newest
// message, and it never blocks.
func TestConflateSenderKeepsNewest(t *testing.T) {
	for _, tr := range []string{"tcp", "inproc"} {
		t.Run(tr, func(t *testing.T) {
			e := newEnv(t)
			push := e.socket(PUSH)
			must(t, push.SetInt(OptConflate, 1))
			must(t, push.SetInt(OptSndhwm, 1))
			pull := e.socket(PULL)
			ep := "inproc://conflate-sender"
			if tr == "tcp" {
				// Find a free port, then connect before anyone binds it.
				probe := e.socket(PULL)
				ep = e.bind(probe)
				must(t, probe.Close())
				time.Sleep(20 * time.Millisecond)
			}
			must(t, push.Connect(ep))
			for i := 0; i < 10; i++ {
				must(t, push.Send([]byte(fmt.Sprint(i)), DontWait))
			}
			must(t, pull.Bind(ep))
			recv(t, pull, "9")
			must(t, pull.SetInt(OptRcvtimeo, 100))
			if m, err := pull.RecvMsg(0); err != EAGAIN {
				t.Fatalf("after the newest: %q, %v; want EAGAIN", m, err)
			}
		})
	}
}

// CONFLATE does nothing on the types libzmq does not conflate on.
func TestConflateIgnoredOnOtherTypes(t *testing.T) {
	e := newEnv(t)
	a, b := e.socket(PAIR), e.socket(PAIR)
	must(t, b.SetInt(OptConflate, 1))
	must(t, a.Connect(e.bind(b)))
	for i := 0; i < 5; i++ {
		send(t, a, fmt.Sprint(i))
	}
	for i := 0; i < 5; i++ {
		recv(t, b, fmt.Sprint(i))
	}
}

func TestConflateOptionValues(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PULL)
	for _, c := range []struct {
		v  int
		ok bool
	}{{0, true}, {1, true}, {2, false}, {-1, false}} {
		err := s.SetInt(OptConflate, c.v)
		if (err == nil) != c.ok {
			t.Errorf("CONFLATE %d: %v", c.v, err)
		}
	}
}
