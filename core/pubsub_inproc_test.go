package core

import "testing"

// TestPubSubInproc: over inproc, subscriptions land in the publisher's
// pipe queues directly (no engine); PUB applies them when it sends and
// XPUB when it receives.
func TestPubSubInproc(t *testing.T) {
	e := newEnv(t)
	xpub, sub, xsub := e.socket(XPUB), e.socket(SUB), e.socket(XSUB)
	must(t, xpub.Bind("inproc://pubsub-test"))
	must(t, sub.SetBytes(OptSubscribe, []byte("a")))
	must(t, sub.Connect("inproc://pubsub-test"))
	recv(t, xpub, "\x01a")
	must(t, xsub.Connect("inproc://pubsub-test"))
	send(t, xsub, "\x01b")
	recv(t, xpub, "\x01b")
	send(t, xpub, "b1")
	send(t, xpub, "a1")
	recv(t, sub, "a1")
	recv(t, xsub, "b1")
	must(t, sub.SetBytes(OptUnsubscribe, []byte("a")))
	recv(t, xpub, "\x00a")
	must(t, xsub.Close())
	recv(t, xpub, "\x00b")

	pub, sub2 := e.socket(PUB), e.socket(SUB)
	must(t, sub2.SetBytes(OptSubscribe, []byte("x")))
	must(t, sub2.Connect("inproc://pubsub-test-2"))
	must(t, pub.Bind("inproc://pubsub-test-2"))
	send(t, pub, "y")
	send(t, pub, "x1")
	recv(t, sub2, "x1")
}

// TestPubFanoutFramesNotShared: subscribers that keep their frames (inproc)
// never share a frame with another subscriber, large frames included.
func TestPubFanoutFramesNotShared(t *testing.T) {
	e := newEnv(t)
	pub := e.socket(PUB)
	must(t, pub.Bind("inproc://fanout"))
	ep := e.bind(pub)
	var subs []*Socket
	for i := 0; i < 4; i++ {
		s := e.socket(SUB)
		must(t, s.SetBytes(OptSubscribe, nil))
		if i%2 == 0 {
			must(t, s.Connect("inproc://fanout"))
		} else {
			must(t, s.Connect(ep))
		}
		syncSub(t, pub, s, "")
		subs = append(subs, s)
	}
	// Later syncs reached the earlier subscribers too: drain them all.
	send(t, pub, "fin")
	for _, s := range subs {
		for string(recv(t, s)[0]) != "fin" {
		}
	}
	big := make([]byte, 3*shareMin)
	for i := range big {
		big[i] = byte(i)
	}
	must(t, pub.SendMsg([][]byte{[]byte("topic"), big}, 0))
	var got [][]byte
	for _, s := range subs {
		m := recv(t, s)
		if len(m) != 2 || string(m[1]) != string(big) {
			t.Fatalf("bad message")
		}
		got = append(got, m[1])
	}
	for i := range got {
		got[i][0] = 0xff
		for j := range got {
			if j != i && got[j][0] == 0xff {
				t.Fatalf("subscribers %d and %d share a frame", i, j)
			}
		}
		got[i][0] = big[0]
	}
}
