package interop

import (
	"fmt"
	"testing"
	"time"
)

// setConflate turns CONFLATE on through either package's SetConflate.
func setConflate(tb testing.TB, s socket) {
	tb.Helper()
	c, ok := rawOf(s).(interface{ SetConflate(bool) error })
	if !ok {
		tb.Fatalf("%v lacks SetConflate", s)
	}
	must(tb, c.SetConflate(true))
}

// A conflating PULL behaves the same in both implementations: a slow
// receiver gets the newest message only, cut down to its last frame, with
// the peer on the other implementation.
func TestConflateMatchesLibzmq(t *testing.T) {
	for _, rcvImpl := range []impl{mono, libzmq} {
		for _, tr := range transports {
			t.Run(fmt.Sprintf("%s-PULL/%s", rcvImpl, tr), func(t *testing.T) {
				e := newEnv(t)
				pull, push := e.socket(rcvImpl, PULL), e.socket(rcvImpl.other(), PUSH)
				setConflate(t, pull)
				linkOver(t, tr, pull, push)
				// Wait for the link: PUSH holds messages until connected,
				// and a conflating PULL keeps the newest of them.
				sendStr(t, push, "warm-up")
				expectStr(t, pull, "warm-up")
				const n = 100
				for i := 0; i < n; i++ {
					sendStr(t, push, "head", fmt.Sprint(i))
				}
				time.Sleep(200 * time.Millisecond)
				// Normally the first message read is the newest; on a
				// loaded machine an older one may come first, but each is
				// newer than the last and cut to its last frame.
				got, last := 0, -1
				for last != n-1 {
					m := recv(t, pull)
					var v int
					if len(m) != 1 {
						t.Fatalf("%v received %s, want the last frame only", pull, show(m))
					}
					if _, err := fmt.Sscan(string(m[0]), &v); err != nil || v <= last {
						t.Fatalf("%v received %s after %d", pull, show(m), last)
					}
					last = v
					got++
				}
				if got >= n/2 {
					t.Fatalf("%v received %d of %d messages: not conflated", pull, got, n)
				}
				expectNothing(t, pull)
			})
		}
	}
}
