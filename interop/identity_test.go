package interop

import (
	"fmt"
	"testing"
)

// TestRouterIdentities checks routing ids across implementations: a ROUTER
// of one implementation with peers of the other.
func TestRouterIdentities(t *testing.T) {
	for _, routerImpl := range []impl{mono, libzmq} {
		peerImpl := routerImpl.other()
		t.Run(fmt.Sprintf("router=%s,peers=%s", routerImpl, peerImpl), func(t *testing.T) {
			t.Run("explicit", func(t *testing.T) {
				// Peers that set an identity are known by it, whether they
				// connect to the router or the router connects to them.
				e := newEnv(t)
				router := e.socket(routerImpl, ROUTER)
				must(t, router.SetRouterMandatory(true))
				alice := e.socket(peerImpl, DEALER)
				must(t, alice.SetIdentity("alice"))
				link(t, router, alice)
				bob := e.socket(peerImpl, REQ)
				const bobID = "\x7f\xfe\x01bob" // binary ids are fine as long as the first byte is not 0
				must(t, bob.SetIdentity(bobID))
				link(t, bob, router)

				sendStr(t, alice, "from alice")
				expectStr(t, router, "alice", "from alice")
				sendStr(t, bob, "from bob")
				expectStr(t, router, bobID, "", "from bob")

				sendStr(t, router, bobID, "", "to bob")
				sendStr(t, router, "alice", "to alice")
				expectStr(t, alice, "to alice")
				expectStr(t, bob, "to bob")
			})

			t.Run("generated", func(t *testing.T) {
				// Peers without an identity get one from the router. libzmq
				// makes them 5 bytes with a leading 0 (a prefix no peer may
				// choose), and replies must reach the right peer.
				e := newEnv(t)
				router := e.socket(routerImpl, ROUTER)
				must(t, router.SetRouterMandatory(true))
				ep := bindAny(t, router)
				const n = 3
				peers := make([]socket, n)
				for i := range peers {
					peers[i] = e.socket(peerImpl, DEALER)
					must(t, peers[i].Connect(ep))
				}
				for i, p := range peers {
					sendStr(t, p, fmt.Sprintf("peer-%d", i))
				}
				idOf := map[string]string{} // peer name -> routing id
				for range peers {
					m := recv(t, router)
					if len(m) != 2 {
						t.Fatalf("router received %s, want [<id>, <peer name>]", show(m))
					}
					id, name := m[0], string(m[1])
					if len(id) != 5 || id[0] != 0 {
						t.Errorf("generated routing id %x for %s: want 5 bytes starting with 0x00, as libzmq generates", id, name)
					}
					if _, dup := idOf[name]; dup {
						t.Fatalf("%s seen twice", name)
					}
					for other, oid := range idOf {
						if oid == string(id) {
							t.Fatalf("%s and %s got the same routing id %x", name, other, id)
						}
					}
					idOf[name] = string(id)
				}
				for i := n - 1; i >= 0; i-- {
					name := fmt.Sprintf("peer-%d", i)
					id, ok := idOf[name]
					if !ok {
						t.Fatalf("no message from %s", name)
					}
					sendStr(t, router, id, "reply for "+name)
				}
				for i, p := range peers {
					expectStr(t, p, fmt.Sprintf("reply for peer-%d", i))
				}
				// The ids stay attached to their connections.
				for i, p := range peers {
					name := fmt.Sprintf("peer-%d", i)
					sendStr(t, p, "again")
					expectStr(t, router, idOf[name], "again")
				}
			})

			t.Run("connect-rid", func(t *testing.T) {
				// A connecting router can name the peer itself; the peer's
				// own identity is then not used.
				e := newEnv(t)
				router := e.socket(routerImpl, ROUTER)
				must(t, router.SetRouterMandatory(true))
				peer := e.socket(peerImpl, DEALER)
				must(t, peer.SetIdentity("ignored"))
				ep := bindAny(t, peer)
				must(t, router.SetConnectRid("carol"))
				must(t, router.Connect(ep))
				sendWhenRoutable(t, router, "carol", "hi carol")
				expectStr(t, peer, "hi carol")
				sendStr(t, peer, "hi router")
				expectStr(t, router, "carol", "hi router")
			})
		})
	}
}
