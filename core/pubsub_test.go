package core

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

func msgOf(frames ...string) pool.Msg {
	var m pool.Msg
	for _, f := range frames {
		m.AppendPooled(pool.Clone([]byte(f)))
	}
	return m
}

func TestDistributor(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PUSH)
	big := strings.Repeat("x", shareMin)
	tests := []struct {
		name  string
		hwm   []int    // per pipe; 0 is unlimited
		mark  []int    // pipes to mark (may repeat)
		rev   bool     // reverse the marks
		frame []string // message
		want  []bool   // which pipes got it
	}{
		{"none", []int{0, 0}, nil, false, []string{"a"}, []bool{false, false}},
		{"one", []int{0, 0, 0}, []int{1}, false, []string{"a", "b"}, []bool{false, true, false}},
		{"twice marked", []int{0, 0}, []int{0, 0, 0}, false, []string{"a"}, []bool{true, false}},
		{"all", []int{0, 0, 0}, []int{2, 0, 1}, false, []string{"a", big, ""}, []bool{true, true, true}},
		{"reverse", []int{0, 0, 0}, []int{1}, true, []string{"a"}, []bool{true, false, true}},
		{"reverse none", []int{0, 0}, nil, true, []string{"a"}, []bool{true, true}},
		{"full pipe skipped", []int{0, 1, 0}, []int{0, 1, 2}, false, []string{"a", "b", "c", "d", "e"}, []bool{true, false, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d distributor
			subs := make([]*subscriber, len(tc.hwm))
			for i, h := range tc.hwm {
				o := defaultOptions()
				o.ints[OptSndhwm], o.ints[OptRcvhwm] = h, 0
				p := newPipe(s, &o)
				if h == 1 {
					m := msgOf("filler")
					p.out.push(&m, false)
				}
				subs[i] = &subscriber{p: p}
				d.attach(subs[i])
			}
			for _, i := range tc.mark {
				d.match(subs[i])
			}
			if tc.rev {
				d.reverse()
			}
			m := msgOf(tc.frame...)
			d.send(&m, false)
			if d.matching != 0 || m.Len() != 0 {
				t.Fatalf("distributor kept state: matching %d, msg %d frames", d.matching, m.Len())
			}
			for i, sub := range subs {
				var got pool.Msg
				for sub.p.out.pop(&got) {
					if got.Len() == 1 && string(got.Frame(0)) == "filler" {
						got.Release()
						continue
					}
					if !tc.want[i] {
						t.Fatalf("pipe %d got a message", i)
					}
					var frames []string
					for _, f := range got.Frames() {
						frames = append(frames, string(f))
					}
					if strings.Join(frames, "|") != strings.Join(tc.frame, "|") {
						t.Fatalf("pipe %d got %d wrong frames", i, len(frames))
					}
					got.Release()
					tc.want[i] = false
				}
				if tc.want[i] {
					t.Fatalf("pipe %d got nothing", i)
				}
			}
			// detach keeps positions consistent
			d.match(subs[len(subs)-1])
			for _, sub := range subs {
				d.detach(sub)
			}
			if len(d.subs) != 0 || d.matching != 0 {
				t.Fatalf("after detach: %d subs, %d matching", len(d.subs), d.matching)
			}
		})
	}
}

// syncSub publishes marker messages on topic until sub receives one (the
// subscription has reached the publisher), then a final marker, and drains
// sub up to it, so that the next message sub receives is a fresh one.
func syncSub(t *testing.T, pub, sub *Socket, topic string) {
	t.Helper()
	must(t, sub.SetInt(OptRcvtimeo, 20))
	defer sub.SetInt(OptRcvtimeo, 5000)
	deadline := time.Now().Add(10 * time.Second)
	for {
		send(t, pub, topic+"#sync")
		if _, err := sub.RecvMsg(0); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription %q never took effect", topic)
		}
	}
	end := fmt.Sprintf("%s#end%d", topic, time.Now().UnixNano())
	send(t, pub, end)
	must(t, sub.SetInt(OptRcvtimeo, 5000))
	for {
		m := recv(t, sub)
		if string(m[0]) == end {
			return
		}
	}
}

// collect receives until a message equal to end, returning what came before
// it (markers "#sync"/"#end" left out).
func collect(t *testing.T, sub *Socket, end string) []string {
	t.Helper()
	var got []string
	for {
		m := recv(t, sub)
		s := string(bytes.Join(m, []byte("|")))
		if s == end {
			return got
		}
		if strings.Contains(s, "#") {
			continue
		}
		got = append(got, s)
	}
}

func TestPubSubFiltering(t *testing.T) {
	for _, bindPub := range []bool{true, false} {
		t.Run(fmt.Sprint("bindPub=", bindPub), func(t *testing.T) {
			e := newEnv(t)
			pub := e.socket(PUB)
			subsTopics := [][]string{{""}, {"a"}, {"ab", "b"}, {"zzz"}}
			subs := make([]*Socket, len(subsTopics))
			var ep string
			if bindPub {
				ep = e.bind(pub)
			}
			for i, topics := range subsTopics {
				subs[i] = e.socket(SUB)
				for _, tp := range topics {
					must(t, subs[i].SetBytes(OptSubscribe, []byte(tp)))
				}
				must(t, subs[i].SetBytes(OptSubscribe, []byte(fmt.Sprint("~", i))))
				if bindPub {
					must(t, subs[i].Connect(ep))
				} else {
					must(t, pub.Connect(e.bind(subs[i])))
				}
			}
			for i, s := range subs {
				syncSub(t, pub, s, fmt.Sprint("~", i))
			}
			msgs := []string{"", "a", "ab", "abc", "b", "ba", "c", "zz", "zzz!"}
			for _, m := range msgs {
				send(t, pub, m, "second frame")
			}
			for i := range subs {
				send(t, pub, fmt.Sprint("~", i, "end"))
			}
			want := [][]string{
				{"", "a", "ab", "abc", "b", "ba", "c", "zz", "zzz!"},
				{"a", "ab", "abc"},
				{"ab", "abc", "b", "ba"},
				{"zzz!"},
			}
			for i, s := range subs {
				got := collect(t, s, fmt.Sprint("~", i, "end"))
				var w []string
				for _, m := range want[i] {
					w = append(w, m+"|second frame")
				}
				if i == 0 {
					// The catch-all also sees the other subscribers' markers.
					var kept []string
					for _, g := range got {
						if !strings.HasPrefix(g, "~") {
							kept = append(kept, g)
						}
					}
					got = kept
				}
				if fmt.Sprint(got) != fmt.Sprint(w) {
					t.Errorf("sub %d (%q) got %q, want %q", i, subsTopics[i], got, w)
				}
			}
		})
	}
}

func TestSubUnsubscribe(t *testing.T) {
	e := newEnv(t)
	pub, sub := e.socket(PUB), e.socket(SUB)
	must(t, sub.SetBytes(OptSubscribe, []byte("~")))
	must(t, sub.SetBytes(OptSubscribe, []byte("a")))
	must(t, sub.SetBytes(OptSubscribe, []byte("a"))) // counted twice
	must(t, sub.Connect(e.bind(pub)))
	syncSub(t, pub, sub, "~")
	must(t, sub.SetBytes(OptUnsubscribe, []byte("a")))
	send(t, pub, "a1")
	send(t, pub, "~1")
	if got := collect(t, sub, "~1"); fmt.Sprint(got) != "[a1]" {
		t.Fatalf("after one of two unsubscribes got %q", got)
	}
	must(t, sub.SetBytes(OptUnsubscribe, []byte("a")))
	must(t, sub.SetBytes(OptUnsubscribe, []byte("never subscribed")))
	send(t, pub, "a2")
	send(t, pub, "~2")
	if got := collect(t, sub, "~2"); len(got) != 0 {
		t.Fatalf("after unsubscribing got %q", got)
	}
}

func TestSubResubscribesAfterReconnect(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	ep := "tcp://" + ln.Addr().String()
	ln.Close()

	sub := e.socket(SUB)
	must(t, sub.SetInt(OptReconnectIvl, 10))
	must(t, sub.SetBytes(OptSubscribe, []byte("t")))
	must(t, sub.Connect(ep))
	for round := 0; round < 2; round++ {
		pub := e.socket(PUB)
		for i := 0; ; i++ {
			if err := pub.Bind(ep); err == nil {
				break
			} else if i > 200 {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		syncSub(t, pub, sub, "t")
		send(t, pub, "t-round", fmt.Sprint(round))
		recv(t, sub, "t-round", fmt.Sprint(round))
		must(t, pub.Close())
	}
}

func TestPubDropsForSlowSubscriber(t *testing.T) {
	e := newEnv(t)
	pub, slow, fast := e.socket(PUB), e.socket(SUB), e.socket(SUB)
	must(t, pub.SetInt(OptSndhwm, 10))
	must(t, slow.SetInt(OptRcvhwm, 10))
	ep := e.bind(pub)
	for _, s := range []*Socket{slow, fast} {
		must(t, s.SetBytes(OptSubscribe, nil))
		must(t, s.Connect(ep))
		syncSub(t, pub, s, "")
	}
	const n = 20000
	payload := bytes.Repeat([]byte("p"), 4096)
	fastDone := make(chan struct{})
	fastGot := 0
	go func() {
		defer close(fastDone)
		for {
			m, err := fast.RecvMsg(0)
			if err != nil || string(m[0]) == "done" {
				return
			}
			fastGot++
		}
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		// PUB never blocks: with SNDTIMEO 5 s a blocked send would fail.
		must(t, pub.SendMsg([][]byte{fmt.Appendf(nil, "%d", i), payload}, DontWait))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("publishing took %v", d)
	}
	// The markers may be dropped too while the slow subscriber is full:
	// resend until the fast one sees it, then read the slow one.
	for sent := false; !sent; {
		send(t, pub, "done")
		select {
		case <-fastDone:
			sent = true
		case <-time.After(10 * time.Millisecond):
		}
	}
	got, last := 0, -1
	must(t, slow.SetInt(OptRcvtimeo, 200))
	for {
		m, err := slow.RecvMsg(0)
		if err != nil {
			break
		}
		var k int
		if _, err := fmt.Sscan(string(m[0]), &k); err != nil {
			continue
		}
		if k <= last {
			t.Fatalf("out of order: %d after %d", k, last)
		}
		last = k
		got++
	}
	if got == 0 || got >= n {
		t.Fatalf("slow subscriber got %d of %d", got, n)
	}
	t.Logf("fast subscriber got %d of %d, slow one %d", fastGot, n, got)
}

func TestXpubNodrop(t *testing.T) {
	e := newEnv(t)
	xpub, sub := e.socket(XPUB), e.socket(SUB)
	must(t, xpub.SetInt(OptXpubNodrop, 1))
	must(t, xpub.SetInt(OptSndhwm, 4))
	must(t, sub.SetInt(OptRcvhwm, 4))
	must(t, sub.SetBytes(OptSubscribe, nil))
	must(t, sub.Connect(e.bind(xpub)))
	recv(t, xpub, "\x01")
	payload := bytes.Repeat([]byte("n"), 64<<10)
	// Send until the subscriber's queues are full: the send that fails
	// waited SNDTIMEO first.
	must(t, xpub.SetInt(OptSndtimeo, 50))
	var err error
	sent := 0
	for sent < 100000 {
		start := time.Now()
		if err = xpub.Send(payload, 0); err != nil {
			if time.Since(start) < 40*time.Millisecond {
				t.Fatalf("send failed without waiting SNDTIMEO")
			}
			break
		}
		sent++
	}
	if !errors.Is(err, EAGAIN) {
		t.Fatalf("after %d sends: %v, want EAGAIN", sent, err)
	}
	// Everything accepted is delivered.
	for i := 0; i < sent; i++ {
		recv(t, sub)
	}
	// A message nobody subscribed to... everyone subscribed: now room again.
	must(t, xpub.SetInt(OptSndtimeo, 5000))
	must(t, xpub.Send([]byte("after"), 0))
	recv(t, sub, "after")
}

func TestXpubSubscriptions(t *testing.T) {
	for _, mode := range []string{"default", "verbose", "verboser"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			xpub := e.socket(XPUB)
			switch mode {
			case "verbose":
				must(t, xpub.SetInt(OptXpubVerbose, 1))
			case "verboser":
				must(t, xpub.SetInt(OptXpubVerboser, 1))
			}
			ep := e.bind(xpub)
			s1, s2 := e.socket(SUB), e.socket(SUB)
			must(t, s1.Connect(ep))
			must(t, s2.Connect(ep))
			must(t, s1.SetBytes(OptSubscribe, []byte("a")))
			recv(t, xpub, "\x01a")
			must(t, s2.SetBytes(OptSubscribe, []byte("a")))
			must(t, s2.SetBytes(OptSubscribe, []byte("b")))
			if mode != "default" {
				recv(t, xpub, "\x01a")
			}
			recv(t, xpub, "\x01b")
			// s1 drops "a": s2 still holds it.
			must(t, s1.SetBytes(OptUnsubscribe, []byte("a")))
			must(t, s1.SetBytes(OptSubscribe, []byte("c")))
			if mode == "verboser" {
				recv(t, xpub, "\x00a")
			}
			recv(t, xpub, "\x01c")
			// s2 goes away: "a" and "b" are no longer wanted by anyone.
			must(t, s2.Close())
			var gone []string
			for i := 0; i < 2; i++ {
				gone = append(gone, string(recv(t, xpub)[0]))
			}
			if g := strings.Join(gone, ","); g != "\x00a,\x00b" && g != "\x00b,\x00a" {
				t.Fatalf("on disconnect got %q", gone)
			}
			must(t, s1.SetBytes(OptUnsubscribe, []byte("c")))
			recv(t, xpub, "\x00c")
			if xpub.Events()&PollIn != 0 {
				t.Fatalf("unexpected notification")
			}
		})
	}
}

func TestXsubUpstream(t *testing.T) {
	e := newEnv(t)
	xpub, xsub := e.socket(XPUB), e.socket(XSUB)
	must(t, xsub.Connect(e.bind(xpub)))
	send(t, xsub, "\x01t")
	recv(t, xpub, "\x01t")
	// Duplicate subscriptions are forwarded; an unsubscription only when
	// the last one goes.
	send(t, xsub, "\x01t")
	send(t, xsub, "\x00t")
	send(t, xsub, "\x00unknown")
	send(t, xsub, "user", "message")
	recv(t, xpub, "user", "message")
	send(t, xsub, "\x00t")
	recv(t, xpub, "\x00t")
	send(t, xsub, "\x01u")
	recv(t, xpub, "\x01u")
	// XSUB receives unfiltered from the publisher's point of view; the
	// publisher filters.
	must(t, xsub.SetInt(OptRcvtimeo, 20))
	for {
		send(t, xpub, "nope")
		send(t, xpub, "u1")
		if m, err := xsub.RecvMsg(0); err == nil {
			if string(m[0]) != "u1" {
				t.Fatalf("got %q", m)
			}
			break
		}
	}
	if err := xsub.SetBytes(OptSubscribe, []byte("x")); !errors.Is(err, EINVAL) {
		t.Fatalf("XSUB SUBSCRIBE option: %v", err)
	}
}

func TestXpubXsubProxy(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait) // runs after the sockets are closed
	pub, xsub, xpub, sub := e.socket(PUB), e.socket(XSUB), e.socket(XPUB), e.socket(SUB)
	must(t, xsub.Connect(e.bind(pub)))
	front := e.bind(xpub)
	forward := func(from, to *Socket) {
		defer wg.Done()
		for {
			m, err := from.RecvMsg(0)
			if errors.Is(err, EAGAIN) {
				continue
			}
			if err != nil {
				return
			}
			if err := to.SendMsg(m, 0); err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go forward(xsub, xpub)
	go forward(xpub, xsub)
	must(t, sub.SetBytes(OptSubscribe, []byte("news")))
	must(t, sub.Connect(front))
	syncSub(t, pub, sub, "news")
	send(t, pub, "sport", "x")
	send(t, pub, "news", "1")
	recv(t, sub, "news", "1")
}

func TestInvertMatching(t *testing.T) {
	e := newEnv(t)
	pub, sub := e.socket(PUB), e.socket(SUB)
	must(t, pub.SetInt(OptInvertMatching, 1))
	must(t, sub.SetInt(OptInvertMatching, 1))
	must(t, sub.SetBytes(OptSubscribe, []byte("a")))
	must(t, sub.Connect(e.bind(pub)))
	syncSub(t, pub, sub, "~")
	send(t, pub, "a1")
	send(t, pub, "b1")
	recv(t, sub, "b1")
	v, err := sub.GetInt(OptInvertMatching)
	if err != nil || v != 1 {
		t.Fatalf("INVERT_MATCHING = %d, %v", v, err)
	}
}

func TestXpubWelcomeAndManual(t *testing.T) {
	e := newEnv(t)
	xpub := e.socket(XPUB)
	must(t, xpub.SetBytes(OptXpubWelcomeMsg, []byte("W")))
	must(t, xpub.SetInt(OptXpubManual, 1))
	ep := e.bind(xpub)
	sub := e.socket(SUB)
	must(t, sub.SetBytes(OptSubscribe, []byte("W")))
	must(t, sub.Connect(ep))
	recv(t, sub, "W")
	recv(t, xpub, "\x01W")

	xsub := e.socket(XSUB)
	must(t, xsub.Connect(ep))
	recv(t, xsub, "W")
	send(t, xsub, "\x01a")
	send(t, xsub, "\x01a") // manual mode reports duplicates
	recv(t, xpub, "\x01a")
	recv(t, xpub, "\x01a")
	// The user decides: the XSUB's pipe gets "b" instead of "a".
	must(t, xpub.SetBytes(OptSubscribe, []byte("b")))
	must(t, xsub.SetInt(OptRcvtimeo, 20))
	for {
		send(t, xpub, "a1")
		send(t, xpub, "b1")
		if m, err := xsub.RecvMsg(0); err == nil {
			if string(m[0]) != "b1" {
				t.Fatalf("got %q", m)
			}
			break
		}
	}
	// Going away reports what the pipe asked for.
	must(t, xsub.Close())
	recv(t, xpub, "\x00a")
}

func TestPubSubOptionErrors(t *testing.T) {
	e := newEnv(t)
	for _, typ := range []SocketType{PUSH, PUB, XSUB, XPUB} {
		s := e.socket(typ)
		if err := s.SetBytes(OptSubscribe, []byte("x")); !errors.Is(err, EINVAL) {
			t.Errorf("%s SUBSCRIBE: %v", typ, err)
		}
		if err := s.SetBytes(OptUnsubscribe, []byte("x")); !errors.Is(err, EINVAL) {
			t.Errorf("%s UNSUBSCRIBE: %v", typ, err)
		}
	}
	pub, sub := e.socket(PUB), e.socket(SUB)
	if _, err := pub.Recv(0); !errors.Is(err, ENOTSUP) {
		t.Errorf("PUB Recv: %v", err)
	}
	if err := sub.Send([]byte("x"), 0); !errors.Is(err, ENOTSUP) {
		t.Errorf("SUB Send: %v", err)
	}
	if pub.Events() != PollOut || sub.Events() != 0 {
		t.Errorf("events: PUB %d, SUB %d", pub.Events(), sub.Events())
	}
}

// TestSubscriptionWireForms checks what goes on the wire: our SUB sends
// subscription messages, our XPUB takes both messages (ZMTP 3.0) and
// SUBSCRIBE/CANCEL commands (ZMTP 3.1).
func TestSubscriptionWireForms(t *testing.T) {
	e := newEnv(t)
	sub := e.socket(SUB)
	must(t, sub.SetBytes(OptSubscribe, []byte("early")))
	ep := e.bind(sub)
	c, dec := rawPeer(t, ep, 1, "PUB")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var got []string
	for len(got) < 3 {
		f, err := dec.Next()
		must(t, err)
		if f.IsCommand() || f.More() {
			t.Fatalf("unexpected frame %+v", f)
		}
		got = append(got, string(f.Body))
		if len(got) == 1 {
			// The handshake is done: later subscriptions go at once.
			must(t, sub.SetBytes(OptSubscribe, []byte("late")))
			must(t, sub.SetBytes(OptUnsubscribe, []byte("late")))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint([]string{"\x01early", "\x01late", "\x00late"}) {
		t.Fatalf("SUB sent %q", got)
	}

	xpub := e.socket(XPUB)
	xep := e.bind(xpub)
	for _, minor := range []byte{0, 1} {
		c, _ := rawPeer(t, xep, minor, "SUB")
		enc := wire.NewEncoder()
		topic := fmt.Sprint("m", minor)
		if minor == 1 {
			enc.AppendFrame(wire.FlagCommand, wire.AppendCommandBody(nil, wire.CmdSubscribe, []byte(topic)))
			enc.AppendFrame(wire.FlagCommand, wire.AppendCommandBody(nil, wire.CmdCancel, []byte(topic)))
		} else {
			enc.AppendFrame(0, []byte("\x01"+topic))
			enc.AppendFrame(0, []byte("\x00"+topic))
		}
		_, err := enc.WriteTo(c)
		must(t, err)
		recv(t, xpub, "\x01"+topic)
		recv(t, xpub, "\x00"+topic)
	}
}

// BenchmarkPubRoute measures PUB's routing of one message (trie match,
// fan-out with a copy per extra subscriber) without the network: every
// pipe subscribed to the message's topic, drained after each send.
func BenchmarkPubRoute(b *testing.B) {
	for _, n := range []int{1, 3, 100} {
		b.Run(fmt.Sprint("subs=", n), func(b *testing.B) {
			ctx := NewContext()
			s, _ := ctx.NewSocket(PUB)
			defer func() { s.Close(); ctx.Term() }()
			x := s.pol.(*xpubPolicy)
			pipes := make([]*pipe, n)
			noHWM := defaultOptions()
			noHWM.ints[OptSndhwm], noHWM.ints[OptRcvhwm] = 0, 0
			for i := range pipes {
				pipes[i] = newPipe(s, &noHWM)
				x.attach(pipes[i])
				m := subscriptionMsg([]byte(fmt.Sprint("topic.", i%10)), true)
				x.inbound(pipes[i], []pool.Msg{m})
				m2 := subscriptionMsg([]byte("topic."), true)
				x.inbound(pipes[i], []pool.Msg{m2})
			}
			payload := make([]byte, 64)
			copy(payload, "topic.3 payload")
			var got pool.Msg
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var m pool.Msg
				m.AppendPooled(pool.Clone(payload))
				if err := x.send(&m); err != nil {
					b.Fatal(err)
				}
				for _, p := range pipes {
					for p.out.pop(&got) {
						got.Release()
					}
				}
			}
		})
	}
}
