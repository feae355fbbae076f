package interop

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// pair is two connected sockets of different implementations. a and b are
// the sockets in the order the case names their kinds; binder and connector
// are the same two sockets seen by who bound.
type pair struct {
	a, b              socket
	binder, connector socket
}

type pairCase struct {
	name string
	a, b kind
	// setup, when set, runs before bind and connect (identities and other
	// options that must be in place for the handshake).
	setup func(t *testing.T, p pair)
	run   func(t *testing.T, p pair)
}

// TestSocketPairs runs each compatible pair of socket types with one end on
// monocoque and the other on libzmq, in all four combinations of which
// implementation has which type and which side binds.
func TestSocketPairs(t *testing.T) {
	cases := []pairCase{
		{name: "PAIR-PAIR", a: PAIR, b: PAIR, run: func(t *testing.T, p pair) {
			sendStr(t, p.a, "ping", "", "x")
			expectStr(t, p.b, "ping", "", "x")
			sendStr(t, p.b, "")
			expectStr(t, p.a, "")
			stream(t, p.a, p.b, 50)
			stream(t, p.b, p.a, 50)
		}},
		{name: "PUSH-PULL", a: PUSH, b: PULL, run: func(t *testing.T, p pair) {
			sendStr(t, p.a, "", "key", "", "value", "")
			expectStr(t, p.b, "", "key", "", "value", "")
			stream(t, p.a, p.b, 100)
		}},
		{name: "REQ-REP", a: REQ, b: REP, run: func(t *testing.T, p pair) {
			// The request body itself holds an empty frame: REP must strip
			// only REQ's delimiter, not split the body at it.
			for i := 0; i < 10; i++ {
				n := strconv.Itoa(i)
				sendStr(t, p.a, "req", "", n)
				expectStr(t, p.b, "req", "", n)
				sendStr(t, p.b, "rep", n)
				expectStr(t, p.a, "rep", n)
			}
		}},
		{name: "DEALER-ROUTER", a: DEALER, b: ROUTER, run: func(t *testing.T, p pair) {
			sendStr(t, p.a, "hello", "", "x")
			m := recv(t, p.b)
			if len(m) != 4 || len(m[0]) == 0 || !equalMsg(m[1:], msg("hello", "", "x")) {
				t.Fatalf("ROUTER received %s, want [<routing id>, \"hello\", \"\", \"x\"]", show(m))
			}
			id := m[0]
			for i := 0; i < 5; i++ {
				n := []byte(strconv.Itoa(i))
				send(t, p.b, id, []byte("back"), n)
				expect(t, p.a, []byte("back"), n)
				send(t, p.a, []byte("again"), n)
				expect(t, p.b, id, []byte("again"), n)
			}
		}},
		{name: "DEALER-DEALER", a: DEALER, b: DEALER, run: func(t *testing.T, p pair) {
			sendStr(t, p.a, "", "a")
			expectStr(t, p.b, "", "a")
			sendStr(t, p.b, "b", "")
			expectStr(t, p.a, "b", "")
			stream(t, p.a, p.b, 50)
			stream(t, p.b, p.a, 50)
		}},
		{name: "ROUTER-ROUTER", a: ROUTER, b: ROUTER,
			setup: func(t *testing.T, p pair) {
				must(t, p.binder.SetIdentity("bound-router"))
				must(t, p.connector.SetIdentity("connecting-router"))
				must(t, p.binder.SetRouterMandatory(true))
				must(t, p.connector.SetRouterMandatory(true))
			},
			run: func(t *testing.T, p pair) {
				// The connecting router learns the bound router's identity
				// from the handshake and can address it by that name.
				sendWhenRoutable(t, p.connector, "bound-router", "hello")
				expectStr(t, p.binder, "connecting-router", "hello")
				sendStr(t, p.binder, "connecting-router", "world")
				expectStr(t, p.connector, "bound-router", "world")
			}},
		{name: "ROUTER-ROUTER-connect-rid", a: ROUTER, b: ROUTER,
			setup: func(t *testing.T, p pair) {
				must(t, p.binder.SetIdentity("bound-router"))
				must(t, p.connector.SetIdentity("connecting-router"))
				// The connecting side names its peer itself, overriding the
				// identity the peer announces.
				must(t, p.connector.SetConnectRid("alias"))
				must(t, p.binder.SetRouterMandatory(true))
				must(t, p.connector.SetRouterMandatory(true))
			},
			run: func(t *testing.T, p pair) {
				sendWhenRoutable(t, p.connector, "alias", "hello")
				expectStr(t, p.binder, "connecting-router", "hello")
				sendStr(t, p.binder, "connecting-router", "world")
				expectStr(t, p.connector, "alias", "world")
			}},
		{name: "REQ-ROUTER", a: REQ, b: ROUTER, run: func(t *testing.T, p pair) {
			for i := 0; i < 5; i++ {
				n := []byte(strconv.Itoa(i))
				send(t, p.a, []byte("hello"), n)
				m := recv(t, p.b)
				if len(m) != 4 || len(m[0]) == 0 || len(m[1]) != 0 || !equalMsg(m[2:], [][]byte{[]byte("hello"), n}) {
					t.Fatalf("ROUTER received %s, want [<routing id>, \"\", \"hello\", %q]", show(m), n)
				}
				send(t, p.b, m[0], nil, []byte("world"), n)
				expect(t, p.a, []byte("world"), n)
			}
		}},
		{name: "DEALER-REP", a: DEALER, b: REP, run: func(t *testing.T, p pair) {
			// Pipelined requests: REP serves them one at a time.
			for i := 0; i < 3; i++ {
				sendStr(t, p.a, "", "req", strconv.Itoa(i))
			}
			for i := 0; i < 3; i++ {
				expectStr(t, p.b, "req", strconv.Itoa(i))
				sendStr(t, p.b, "rep", strconv.Itoa(i))
			}
			for i := 0; i < 3; i++ {
				expectStr(t, p.a, "", "rep", strconv.Itoa(i))
			}
			// An envelope of several hops comes back whole.
			sendStr(t, p.a, "hop1", "hop2", "", "req")
			expectStr(t, p.b, "req")
			sendStr(t, p.b, "rep")
			expectStr(t, p.a, "hop1", "hop2", "", "rep")
		}},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, tr := range transports {
				for _, aImpl := range []impl{mono, libzmq} {
					for _, aBinds := range []bool{true, false} {
						bImpl := aImpl.other()
						binderImpl := aImpl
						if !aBinds {
							binderImpl = bImpl
						}
						name := fmt.Sprintf("%s_%s,%s_%s,%s_binds", aImpl, c.a, bImpl, c.b, binderImpl)
						if tr != "tcp" {
							name += "," + tr
						}
						t.Run(name, func(t *testing.T) {
							e := newEnv(t)
							p := pair{a: e.socket(aImpl, c.a), b: e.socket(bImpl, c.b)}
							p.binder, p.connector = p.a, p.b
							if !aBinds {
								p.binder, p.connector = p.b, p.a
							}
							if c.setup != nil {
								c.setup(t, p)
							}
							linkOver(t, tr, p.binder, p.connector)
							c.run(t, p)
						})
					}
				}
			}
		})
	}
}

// stream sends n numbered two-part messages from one socket and checks
// that the other receives all of them, intact and in order.
func stream(t *testing.T, from, to socket, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		sendStr(t, from, "seq", strconv.Itoa(i))
	}
	for i := 0; i < n; i++ {
		expectStr(t, to, "seq", strconv.Itoa(i))
	}
}

// sendWhenRoutable sends [id, body...] on a ROUTER with ROUTER_MANDATORY,
// retrying while the peer is not yet known (EHOSTUNREACH): the handshake
// that tells the router about the peer runs in the background after
// Connect returns.
func sendWhenRoutable(t *testing.T, router socket, id string, body ...string) {
	t.Helper()
	m := msg(append([]string{id}, body...)...)
	deadline := time.Now().Add(opTimeout)
	for {
		err := router.Send(m...)
		if err == nil {
			return
		}
		if errnoOf(err) != ehostunreach || time.Now().After(deadline) {
			t.Fatalf("%v: sending to %q: %v", router, id, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
