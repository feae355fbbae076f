package core

import (
	"fmt"
	"testing"
	"time"

	"github.com/monocoque-go/monocoque/pool"
)

// routingPipes makes n engine pipes of a fresh socket, for driving the
// routing blocks by hand; each queue holds hwm messages.
func routingPipes(t *testing.T, n, hwm int) (*Socket, []*pipe) {
	t.Helper()
	e := newEnv(t)
	s := e.socket(PAIR)
	o := defaultOptions()
	o.ints[OptSndhwm], o.ints[OptRcvhwm] = hwm, hwm
	ps := make([]*pipe, n)
	for i := range ps {
		ps[i] = newPipe(s, &o)
	}
	return s, ps
}

func msgOfString(s string) pool.Msg {
	var m pool.Msg
	m.Append([]byte(s))
	return m
}

// TestFairQueueActivePrefix: pipes join the active prefix when they get
// input, leave it when found empty, and are served in turn.
func TestFairQueueActivePrefix(t *testing.T) {
	s, ps := routingPipes(t, 3, 100)
	var f fairQueue
	for _, p := range ps {
		f.attach(p)
	}
	if f.active != 0 {
		t.Fatalf("%d active pipes before any input", f.active)
	}
	push := func(p int, body string) {
		m := msgOfString(body)
		if !ps[p].in.push(&m, false) {
			t.Fatal("push refused")
		}
	}
	push(2, "c1")
	push(0, "a1")
	push(0, "a2")
	push(2, "c2")
	s.mu.Lock()
	s.housekeep()
	s.mu.Unlock()
	if f.active != 2 {
		t.Fatalf("%d active pipes, want 2", f.active)
	}
	var got []string
	for {
		var m pool.Msg
		if _, err := f.recv(&m); err != nil {
			break
		}
		got = append(got, string(m.Frame(0)))
	}
	if want := "[c1 a1 c2 a2]"; fmt.Sprint(got) != want {
		t.Fatalf("order %v, want %s", got, want)
	}
	// Drained: the pipes leave the prefix but for the last one looked at,
	// which stays (keeping it costs nothing).
	if f.active != 1 || f.canRecv() {
		t.Fatalf("%d pipes still active after draining", f.active)
	}
	// Input on a pipe that was found empty brings it back.
	push(1, "b1")
	s.mu.Lock()
	s.housekeep()
	s.mu.Unlock()
	if !f.canRecv() {
		t.Fatal("pipe 1 has input but is not active")
	}
	// A detached pipe with input stays until drained, then is forgotten.
	ps[1].dead.Store(true)
	f.detach(ps[1])
	var m pool.Msg
	if p, err := f.recv(&m); err != nil || p != ps[1] {
		t.Fatalf("recv after detach: %v", err)
	}
	if _, err := f.recv(&m); err != EAGAIN || len(f.pipes) != 2 || ps[1].fq != nil {
		t.Fatalf("drained detached pipe still listed: %d pipes, %v", len(f.pipes), err)
	}
}

// TestLoadBalancerActivePrefix: a full pipe leaves the prefix and comes
// back when its queue has room again; messages go round-robin.
func TestLoadBalancerActivePrefix(t *testing.T) {
	s, ps := routingPipes(t, 3, 1)
	var l loadBalancer
	for _, p := range ps {
		l.attach(p)
	}
	sent := map[*pipe]int{}
	for i := 0; i < 3; i++ {
		m := msgOfString("x")
		p, err := l.send(&m)
		if err != nil {
			t.Fatal(err)
		}
		sent[p]++
	}
	if len(sent) != 3 {
		t.Fatalf("3 messages went to %d pipes", len(sent))
	}
	m := msgOfString("y")
	if _, err := l.send(&m); err != EAGAIN || l.active != 1 || l.canSend() {
		t.Fatalf("all full: %v, %d active (the last full one stays)", err, l.active)
	}
	var out pool.Msg
	kept := l.pipes[0]
	other := ps[1]
	if other == kept {
		other = ps[2]
	}
	other.out.pop(&out) // the writer takes one: room again
	s.mu.Lock()
	s.housekeep()
	s.mu.Unlock()
	if p, err := l.send(&m); err != nil || p != other {
		t.Fatalf("after room on an inactive pipe: %v", err)
	}
	l.detach(ps[0])
	if len(l.pipes) != 2 || ps[0].lb != nil {
		t.Fatalf("detach left %d pipes", len(l.pipes))
	}
}

// TestRouterReconnectKeepsEntry: a ROUTER that connects to a DEALER which
// restarts with a new identity keeps one fair-queue entry for that peer,
// under its first identity, as libzmq does.
func TestRouterReconnectKeepsEntry(t *testing.T) {
	e := newEnv(t)
	router := e.socket(ROUTER)
	must(t, router.SetInt(OptReconnectIvl, 10))
	first := e.socket(DEALER)
	must(t, first.SetBytes(OptRoutingID, []byte("id0")))
	ep := e.bind(first)
	must(t, router.Connect(ep))
	send(t, first, "hello")
	recv(t, router, "id0", "hello")
	for i := 1; i <= 5; i++ {
		must(t, first.Close())
		d, err := e.ctx.NewSocket(DEALER)
		must(t, err)
		t.Cleanup(func() { d.Close() })
		must(t, d.SetInt(OptLinger, 0))
		must(t, d.SetBytes(OptRoutingID, []byte(fmt.Sprint("id", i))))
		for d.Bind(ep) != nil { // the port may take a moment to free
			time.Sleep(5 * time.Millisecond)
		}
		must(t, d.SetInt(OptSndtimeo, 5000))
		send(t, d, "again")
		recv(t, router, "id0", "again")
		first = d
	}
	router.mu.Lock()
	defer router.mu.Unlock()
	fq := &router.pol.(*routerPolicy).fq
	if len(fq.pipes) != 1 {
		t.Fatalf("%d fair-queue entries for one peer", len(fq.pipes))
	}
}
