package zmq4

import (
	"regexp"
	"testing"
	"time"
)

func TestPoller(t *testing.T) {
	ctx := newTestContext(t)
	sb, sc := newConnected(t, ctx, PAIR, PAIR)

	poller := NewPoller()
	idxb := poller.Add(sb, 0)
	idxc := poller.Add(sc, 0)
	if idxb != 0 || idxc != 1 {
		t.Fatalf("ids %d, %d; want 0, 1", idxb, idxc)
	}

	// Wait for the connection, so that sb can send.
	poller.Update(idxb, POLLOUT)
	if pa, err := poller.Poll(5 * time.Second); err != nil || len(pa) != 1 || pa[0].Socket != sb {
		t.Fatalf("Poll for POLLOUT = %v, %v", pa, err)
	}

	steps := []struct {
		name         string
		eb, ec       State // events asked for
		send         bool  // sb sends before polling
		recv         bool  // sc receives before polling
		wantb, wantc State
	}{
		{"nothing asked", 0, 0, false, false, 0, 0},
		{"POLLOUT on b", POLLOUT, POLLIN, false, false, POLLOUT, 0},
		{"message waiting", 0, POLLIN, true, false, 0, POLLIN},
		{"message read", POLLOUT, POLLIN, false, true, POLLOUT, 0},
		{"both asked", POLLIN | POLLOUT, POLLIN | POLLOUT, true, false, POLLOUT, POLLIN | POLLOUT},
	}
	for _, st := range steps {
		if prev, err := poller.Update(idxb, st.eb); err != nil {
			t.Fatalf("%s: Update: %v, %v", st.name, prev, err)
		}
		if _, err := poller.UpdateBySocket(sc, st.ec); err != nil {
			t.Fatalf("%s: UpdateBySocket: %v", st.name, err)
		}
		if st.send {
			if n, err := sb.Send("12345678ABCDEFGH12345678ABCDEFGH", DONTWAIT); n != 32 || err != nil {
				t.Fatalf("%s: Send = %d, %v", st.name, n, err)
			}
			// Let the message arrive.
			if _, err := newPollerWith(sc, POLLIN).Poll(5 * time.Second); err != nil {
				t.Fatal(err)
			}
		}
		if st.recv {
			if msg, err := sc.Recv(DONTWAIT); err != nil || len(msg) != 32 {
				t.Fatalf("%s: Recv = %q, %v", st.name, msg, err)
			}
		}
		pa, err := poller.PollAll(20 * time.Millisecond)
		if err != nil || len(pa) != 2 {
			t.Fatalf("%s: PollAll = %v, %v", st.name, pa, err)
		}
		if pa[0].Socket != sb || pa[1].Socket != sc || pa[0].Events != st.wantb || pa[1].Events != st.wantc {
			t.Errorf("%s: PollAll = %v; want events %v, %v", st.name, pa, st.wantb, st.wantc)
		}
		p, err := poller.Poll(0)
		wantN := 0
		for _, e := range []State{st.wantb, st.wantc} {
			if e != 0 {
				wantN++
			}
		}
		if err != nil || len(p) != wantN {
			t.Errorf("%s: Poll(0) = %v, %v; want %d sockets", st.name, p, err, wantN)
		}
	}
}

// newPollerWith returns a poller with one socket.
func newPollerWith(s *Socket, events State) *Poller {
	p := NewPoller()
	p.Add(s, events)
	return p
}

func TestPollerTimeout(t *testing.T) {
	ctx := newTestContext(t)
	s := newTestSocket(t, ctx, PULL)
	p := newPollerWith(s, POLLIN)
	for _, timeout := range []time.Duration{0, 500 * time.Microsecond, 30 * time.Millisecond} {
		start := time.Now()
		pa, err := p.Poll(timeout)
		took := time.Since(start)
		if err != nil || len(pa) != 0 {
			t.Errorf("Poll(%v) = %v, %v; want nothing", timeout, pa, err)
		}
		want := msTimeout(timeout)
		if took < want || took > want+time.Second {
			t.Errorf("Poll(%v) took %v", timeout, took)
		}
	}
	if pa, err := NewPoller().Poll(-1); err != nil || pa == nil || len(pa) != 0 {
		t.Errorf("empty Poll(-1) = %v, %v; want [] at once", pa, err)
	}
}

func TestPollerWakes(t *testing.T) {
	ctx := newTestContext(t)
	pull, push := newConnected(t, ctx, PULL, PUSH)
	go func() {
		time.Sleep(20 * time.Millisecond)
		push.Send("x", 0)
	}()
	pa, err := newPollerWith(pull, POLLIN).Poll(-1)
	if err != nil || len(pa) != 1 || pa[0].Events != POLLIN {
		t.Fatalf("Poll(-1) = %v, %v", pa, err)
	}
}

func TestPollerTerm(t *testing.T) {
	ctx, _ := NewContext()
	s, _ := ctx.NewSocket(PULL)
	done := make(chan error, 1)
	go func() {
		_, err := newPollerWith(s, POLLIN).Poll(-1)
		done <- err
		s.Close()
	}()
	time.Sleep(10 * time.Millisecond)
	go ctx.Term()
	select {
	case err := <-done:
		if err != ETERM {
			t.Errorf("Poll after Term = %v, want ETERM", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Term did not end Poll")
	}
}

func TestPollerBookkeeping(t *testing.T) {
	ctx := newTestContext(t)
	a := newTestSocket(t, ctx, PULL)
	b := newTestSocket(t, ctx, PUSH)
	c := newTestSocket(t, ctx, DEALER)
	p := NewPoller()
	p.Add(a, POLLIN)
	p.Add(b, POLLOUT)
	p.Add(c, POLLIN|POLLOUT)
	re := regexp.MustCompile(`^Poller\[Socket\(PULL,0x[0-9a-f]+\)POLLIN Socket\(PUSH,0x[0-9a-f]+\)POLLOUT Socket\(DEALER,0x[0-9a-f]+\)POLLIN\|POLLOUT\]$`)
	if !re.MatchString(p.String()) {
		t.Errorf("String = %q", p.String())
	}
	if prev, err := p.Update(1, POLLIN); prev != POLLOUT || err != nil {
		t.Errorf("Update = %v, %v", prev, err)
	}
	if err := p.Remove(0); err != nil {
		t.Error(err)
	}
	if prev, err := p.UpdateBySocket(b, 0); prev != POLLIN || err != nil {
		t.Errorf("UpdateBySocket after Remove = %v, %v", prev, err)
	}
	if err := p.RemoveBySocket(c); err != nil {
		t.Error(err)
	}
	for name, err := range map[string]error{
		"Update(5)":           func() error { _, err := p.Update(5, 0); return err }(),
		"Update(-1)":          func() error { _, err := p.Update(-1, 0); return err }(),
		"Remove(1)":           p.Remove(1),
		"RemoveBySocket(a)":   p.RemoveBySocket(a),
		"UpdateBySocket(c)":   func() error { _, err := p.UpdateBySocket(c, 0); return err }(),
		"RemoveBySocket(nil)": p.RemoveBySocket(nil),
	} {
		if err != ErrorNoSocket {
			t.Errorf("%s = %v, want ErrorNoSocket", name, err)
		}
	}
	b.Close()
	if _, err := p.Poll(0); err != ErrorSocketClosed {
		t.Errorf("Poll with a closed socket = %v, want ErrorSocketClosed", err)
	}
}
