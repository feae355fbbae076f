package interop

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// TestReconnect closes the bound socket of a connection and binds a fresh
// one on the same port, twice; the connecting socket must notice, reconnect
// on its own and carry traffic again.
func TestReconnect(t *testing.T) {
	cases := []struct {
		name     string
		connImpl impl
		connKind kind
		bindImpl impl
		bindKind kind
		setup    func(t *testing.T, conn socket)
		// exchange proves that traffic flows between conn and a bound
		// socket that may have just been started.
		exchange func(t *testing.T, conn, bound socket, round int)
	}{
		{
			name:     "monocoque_PUSH_connects,libzmq_PULL_restarts",
			connImpl: mono, connKind: PUSH, bindImpl: libzmq, bindKind: PULL,
			exchange: pushToBoundPull,
		},
		{
			name:     "monocoque_PULL_connects,libzmq_PUSH_restarts",
			connImpl: mono, connKind: PULL, bindImpl: libzmq, bindKind: PUSH,
			exchange: func(t *testing.T, conn, bound socket, round int) {
				// A PUSH with no peer holds the first send until our PULL
				// has reconnected (bounded by SNDTIMEO), so nothing is lost.
				stream(t, bound, conn, 20)
			},
		},
		{
			name:     "monocoque_DEALER_connects,libzmq_ROUTER_restarts",
			connImpl: mono, connKind: DEALER, bindImpl: libzmq, bindKind: ROUTER,
			setup: func(t *testing.T, conn socket) {
				must(t, conn.SetIdentity("our-dealer"))
			},
			exchange: func(t *testing.T, conn, bound socket, round int) {
				// The new ROUTER must learn our identity again from the
				// handshake to route replies.
				probeUntilReceived(t, conn, bound, [][]byte{[]byte("our-dealer"), []byte("probe")})
				r := []byte(strconv.Itoa(round))
				for i := 0; i < 10; i++ {
					n := []byte(strconv.Itoa(i))
					send(t, bound, []byte("our-dealer"), r, n)
					expect(t, conn, r, n)
				}
				for i := 0; i < 10; i++ {
					send(t, conn, r, []byte(strconv.Itoa(i)))
				}
				for i := 0; i < 10; i++ {
					expectSkippingProbes(t, bound, []byte("our-dealer"), r, []byte(strconv.Itoa(i)))
				}
			},
		},
		{
			name:     "libzmq_PUSH_connects,monocoque_PULL_restarts",
			connImpl: libzmq, connKind: PUSH, bindImpl: mono, bindKind: PULL,
			exchange: pushToBoundPull,
		},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			conn := e.socket(c.connImpl, c.connKind)
			must(t, conn.SetReconnectIvl(20*time.Millisecond))
			if c.setup != nil {
				c.setup(t, conn)
			}
			bound := e.open(c.bindImpl, c.bindKind)
			t.Cleanup(func() {
				if bound != nil {
					closeSocket(t, bound)
				}
			})
			ep := bindAny(t, bound)
			must(t, conn.Connect(ep))
			c.exchange(t, conn, bound, 0)

			for round := 1; round <= 2; round++ {
				closeSocket(t, bound)
				bound = nil
				bound = e.open(c.bindImpl, c.bindKind)
				rebind(t, bound, ep)
				c.exchange(t, conn, bound, round)
			}
		})
	}
}

// pushToBoundPull gets a probe through from a PUSH to a freshly bound PULL,
// then checks that a numbered stream arrives complete and in order.
// Messages sent while the old peer went away may be lost, and probes queued
// during the reconnect may arrive late, so probes are skipped.
func pushToBoundPull(t *testing.T, push, pull socket, round int) {
	t.Helper()
	probeUntilReceived(t, push, pull, [][]byte{[]byte("probe")})
	r := []byte(strconv.Itoa(round))
	for i := 0; i < 20; i++ {
		send(t, push, r, []byte(strconv.Itoa(i)))
	}
	for i := 0; i < 20; i++ {
		expectSkippingProbes(t, pull, r, []byte(strconv.Itoa(i)))
	}
}

// probeUntilReceived sends "probe" from one socket until the other
// receives want, within opTimeout.
func probeUntilReceived(t *testing.T, from, to socket, want [][]byte) {
	t.Helper()
	deadline := time.Now().Add(opTimeout)
	for time.Now().Before(deadline) {
		sendStr(t, from, "probe")
		for wait := time.Now().Add(100 * time.Millisecond); time.Now().Before(wait); {
			m, err := to.RecvDontwait()
			if err == nil {
				if !equalMsg(m, want) {
					t.Fatalf("%v: got %s while waiting for %s", to, show(m), show(want))
				}
				return
			}
			if errnoOf(err) != eagain {
				t.Fatalf("%v: %v", to, err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	t.Fatalf("%v never received a probe from %v within %v", to, from, opTimeout)
}

// expectSkippingProbes receives on s, dropping late probes (messages whose
// last frame is "probe"), and fails unless the next other message is want.
func expectSkippingProbes(t *testing.T, s socket, want ...[]byte) {
	t.Helper()
	for {
		m := recv(t, s)
		if len(m) > 0 && bytes.Equal(m[len(m)-1], []byte("probe")) {
			continue
		}
		if !equalMsg(m, want) {
			t.Fatalf("%v received %s, want %s", s, show(m), show(want))
		}
		return
	}
}

// rebind binds s to the exact endpoint a closed socket had. Closing is
// asynchronous in libzmq, so the port may be busy for a moment.
func rebind(t *testing.T, s socket, ep string) {
	t.Helper()
	deadline := time.Now().Add(opTimeout)
	for {
		err := s.Bind(ep)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("rebinding %s: %v", ep, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
