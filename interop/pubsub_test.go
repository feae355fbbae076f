package interop

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// raw exposes the wrapped *mq.Socket or *lz.Socket, for the options the
// socket interface does not carry (both packages have the same setters).
func (a *adapter[F, S]) raw() any { return a.s }

func rawOf(s socket) any { return s.(interface{ raw() any }).raw() }

func subscribe(tb testing.TB, s socket, topic string) {
	tb.Helper()
	r := rawOf(s).(interface{ SetSubscribe(string) error })
	must(tb, r.SetSubscribe(topic))
}

func unsubscribe(tb testing.TB, s socket, topic string) {
	tb.Helper()
	r := rawOf(s).(interface{ SetUnsubscribe(string) error })
	must(tb, r.SetUnsubscribe(topic))
}

func setIntOpt(tb testing.TB, s socket, name string, v int) {
	tb.Helper()
	var err error
	switch r := rawOf(s).(type) {
	case interface {
		SetXpubVerbose(int) error
		SetXpubVerboser(int) error
		SetSndhwm(int) error
	}:
		switch name {
		case "verbose":
			err = r.SetXpubVerbose(v)
		case "verboser":
			err = r.SetXpubVerboser(v)
		case "sndhwm":
			err = r.SetSndhwm(v)
		default:
			tb.Fatalf("unknown option %s", name)
		}
	default:
		tb.Fatalf("%v lacks the XPUB setters", s)
	}
	must(tb, err)
}

// syncSub publishes markers on topic until sub receives one — a SUB
// receives nothing until its subscription has reached the publisher — then
// sends a final marker and drains sub up to it.
func syncSub(t *testing.T, pub, sub socket, topic string) {
	t.Helper()
	must(t, sub.SetRcvtimeo(20*time.Millisecond))
	deadline := time.Now().Add(opTimeout)
	for {
		sendStr(t, pub, topic+"#sync")
		if _, err := sub.Recv(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v: subscription %q never reached %v", sub, topic, pub)
		}
	}
	must(t, sub.SetRcvtimeo(opTimeout))
	end := fmt.Sprintf("%s#end%d", topic, time.Now().UnixNano())
	sendStr(t, pub, end)
	for {
		if m := recv(t, sub); string(m[0]) == end {
			return
		}
	}
}

// collectUntil receives on sub until the single-frame message end, and
// returns the messages before it (frames joined with "|"), markers left out.
func collectUntil(t *testing.T, sub socket, end string) []string {
	t.Helper()
	var got []string
	for {
		m := recv(t, sub)
		s := string(joinFrames(m))
		if s == end {
			return got
		}
		if !strings.Contains(s, "#") {
			got = append(got, s)
		}
	}
}

func joinFrames(m [][]byte) []byte {
	var out []byte
	for i, f := range m {
		if i > 0 {
			out = append(out, '|')
		}
		out = append(out, f...)
	}
	return out
}

// TestPubSubInterop: PUB on one implementation, two SUBs on the other,
// with either side binding: prefix filtering, the empty subscription and
// unsubscribing.
func TestPubSubInterop(t *testing.T) {
	for _, pubImpl := range []impl{mono, libzmq} {
		for _, pubBinds := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s_PUB,pubBinds=%v", pubImpl, pubBinds), func(t *testing.T) {
				e := newEnv(t)
				pub := e.socket(pubImpl, PUB)
				narrow, wide := e.socket(pubImpl.other(), SUB), e.socket(pubImpl.other(), SUB)
				subscribe(t, narrow, "weather.")
				subscribe(t, narrow, "~n")
				subscribe(t, wide, "")
				for _, s := range []socket{narrow, wide} {
					if pubBinds {
						link(t, pub, s)
					} else {
						link(t, s, pub)
					}
				}
				syncSub(t, pub, narrow, "~n")
				syncSub(t, pub, wide, "~w")
				for _, m := range [][]string{{"weather.paris", "12C"}, {"sport", "1-0"}, {"weather"}, {"", "empty topic"}, {"weather.oslo", "-3C"}} {
					sendStr(t, pub, m...)
				}
				sendStr(t, pub, "~n.end")
				sendStr(t, pub, "~w.end")
				if got := collectUntil(t, narrow, "~n.end"); fmt.Sprint(got) != "[weather.paris|12C weather.oslo|-3C]" {
					t.Errorf("narrow SUB got %q", got)
				}
				want := "[weather.paris|12C sport|1-0 weather |empty topic weather.oslo|-3C ~n.end]"
				if got := collectUntil(t, wide, "~w.end"); fmt.Sprint(got) != want {
					t.Errorf("wide SUB got %q, want %s", got, want)
				}
				// The narrow SUB drops "weather.": later weather is not
				// delivered (whether the publisher or the SUB filters it).
				unsubscribe(t, narrow, "weather.")
				sendStr(t, pub, "weather.rome", "20C")
				sendStr(t, pub, "~n.end2")
				if got := collectUntil(t, narrow, "~n.end2"); len(got) != 0 {
					t.Errorf("after unsubscribing, narrow SUB got %q", got)
				}
			})
		}
	}
}

// TestXpubSubscriptionsFromLibzmqSub: libzmq SUBs (ZMTP 3.1: they send
// SUBSCRIBE/CANCEL commands) talk to our XPUB, which reports the
// subscriptions as \x01topic / \x00topic messages like libzmq's XPUB.
func TestXpubSubscriptionsFromLibzmq(t *testing.T) {
	for _, xpubImpl := range []impl{mono, libzmq} {
		t.Run(fmt.Sprintf("%s_XPUB", xpubImpl), func(t *testing.T) {
			e := newEnv(t)
			xpub := e.socket(xpubImpl, XPUB)
			ep := bindAny(t, xpub)
			s1, s2 := e.open(xpubImpl.other(), SUB), e.socket(xpubImpl.other(), SUB)
			s1Open := true
			t.Cleanup(func() {
				if s1Open {
					closeSocket(t, s1)
				}
			})
			must(t, s1.Connect(ep))
			must(t, s2.Connect(ep))
			subscribe(t, s1, "a")
			expectStr(t, xpub, "\x01a")
			subscribe(t, s2, "a") // not new: not reported
			subscribe(t, s2, "b")
			expectStr(t, xpub, "\x01b")
			// Publishing reaches the subscriber.
			syncSub(t, xpub, s2, "b")
			unsubscribe(t, s1, "a") // s2 still holds "a"
			unsubscribe(t, s2, "b")
			expectStr(t, xpub, "\x00b")
			unsubscribe(t, s2, "a")
			expectStr(t, xpub, "\x00a")
			// A subscriber that goes away takes its subscriptions along.
			subscribe(t, s1, "gone")
			expectStr(t, xpub, "\x01gone")
			s1Open = false
			closeSocket(t, s1)
			expectStr(t, xpub, "\x00gone")
		})
	}
}

func TestXpubVerboseWithLibzmqSubs(t *testing.T) {
	e := newEnv(t)
	xpub := e.socket(mono, XPUB)
	setIntOpt(t, xpub, "verboser", 1)
	ep := bindAny(t, xpub)
	s1, s2 := e.socket(libzmq, SUB), e.socket(libzmq, SUB)
	must(t, s1.Connect(ep))
	must(t, s2.Connect(ep))
	subscribe(t, s1, "v")
	expectStr(t, xpub, "\x01v")
	subscribe(t, s2, "v")
	expectStr(t, xpub, "\x01v")
	unsubscribe(t, s1, "v")
	expectStr(t, xpub, "\x00v")
	unsubscribe(t, s2, "v")
	expectStr(t, xpub, "\x00v")
}

// TestXsubInterop: an XSUB sends subscriptions and user messages upstream
// to an XPUB of the other implementation.
func TestXsubInterop(t *testing.T) {
	for _, xsubImpl := range []impl{mono, libzmq} {
		for _, xsubBinds := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s_XSUB,xsubBinds=%v", xsubImpl, xsubBinds), func(t *testing.T) {
				e := newEnv(t)
				xsub, xpub := e.socket(xsubImpl, XSUB), e.socket(xsubImpl.other(), XPUB)
				if xsubBinds {
					link(t, xsub, xpub)
				} else {
					link(t, xpub, xsub)
				}
				// A libzmq XSUB drops what it sends before it has a peer
				// (and, bound, does not replay earlier subscriptions to a
				// new one): make sure the connection is up first.
				upstreamSync(t, xsub, xpub)
				sendStr(t, xsub, "\x01t")
				expectStr(t, xpub, "\x01t")
				syncSub(t, xpub, xsub, "t")
				sendStr(t, xpub, "u", "not subscribed")
				sendStr(t, xpub, "t", "subscribed")
				expectStr(t, xsub, "t", "subscribed")
				sendStr(t, xsub, "upstream", "message")
				expectStr(t, xpub, "upstream", "message")
				sendStr(t, xsub, "\x00t")
				expectStr(t, xpub, "\x00t")
			})
		}
	}
}

// upstreamSync sends user messages up from xsub until xpub receives one,
// then a final one, and drains xpub up to it.
func upstreamSync(t *testing.T, xsub, xpub socket) {
	t.Helper()
	must(t, xpub.SetRcvtimeo(20*time.Millisecond))
	deadline := time.Now().Add(opTimeout)
	for {
		sendStr(t, xsub, "#ping")
		if _, err := xpub.Recv(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v never heard from %v", xpub, xsub)
		}
	}
	must(t, xpub.SetRcvtimeo(opTimeout))
	sendStr(t, xsub, "#ping-end")
	for {
		if m := recv(t, xpub); string(m[0]) == "#ping-end" {
			return
		}
	}
}

// TestPubSubProxyInterop: PUB → XSUB/XPUB proxy → SUB, with the proxy on
// one implementation and the ends on the other. The proxy is one goroutine
// polling both sockets (libzmq sockets must not be shared by threads).
func TestPubSubProxyInterop(t *testing.T) {
	for _, middle := range []impl{mono, libzmq} {
		t.Run(fmt.Sprintf("%s_proxy", middle), func(t *testing.T) {
			e := newEnv(t)
			ends := middle.other()
			pub, xsub, xpub, sub := e.socket(ends, PUB), e.socket(middle, XSUB), e.socket(middle, XPUB), e.socket(ends, SUB)
			link(t, pub, xsub)
			front := bindAny(t, xpub)
			done := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					idle := true
					if m, err := xsub.RecvDontwait(); err == nil {
						idle = false
						if err := xpub.Send(m...); err != nil {
							t.Errorf("proxy: %v", err)
						}
					}
					if m, err := xpub.RecvDontwait(); err == nil {
						idle = false
						if err := xsub.Send(m...); err != nil {
							t.Errorf("proxy: %v", err)
						}
					}
					if idle {
						time.Sleep(time.Millisecond)
					}
				}
			}()
			// Stop the proxy before the sockets close.
			t.Cleanup(func() { close(done); wg.Wait() })
			subscribe(t, sub, "news")
			must(t, sub.Connect(front))
			syncSub(t, pub, sub, "news")
			sendStr(t, pub, "sport", "x")
			sendStr(t, pub, "news", "1")
			expectStr(t, sub, "news", "1")
		})
	}
}

// TestSubResubscribesToRestartedLibzmqPub: our SUB connects; the libzmq
// PUB it talks to is closed and replaced on the same port; our SUB must
// send its subscriptions again after reconnecting.
func TestSubResubscribesToRestartedLibzmqPub(t *testing.T) {
	e := newEnv(t)
	sub := e.socket(mono, SUB)
	must(t, sub.SetReconnectIvl(10*time.Millisecond))
	subscribe(t, sub, "r")
	var ep string
	for round := 0; round < 2; round++ {
		pub := e.open(libzmq, PUB)
		if round == 0 {
			ep = bindAny(t, pub)
			must(t, sub.Connect(ep))
		} else {
			deadline := time.Now().Add(opTimeout)
			for pub.Bind(ep) != nil {
				if time.Now().After(deadline) {
					t.Fatalf("cannot bind %s again", ep)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		syncSub(t, pub, sub, "r")
		sendStr(t, pub, "r", fmt.Sprint(round))
		expectStr(t, sub, "r", fmt.Sprint(round))
		closeSocket(t, pub)
	}
}
