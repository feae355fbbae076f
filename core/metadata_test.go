package core

import (
	"testing"

	"github.com/monocoque-go/monocoque/wire"
)

func TestMessageProperties(t *testing.T) {
	e := newEnv(t)
	zapHandler(t, e, func(wire.ZAPRequest) string { return "200" }) // names the user "user"
	router := e.socket(ROUTER)
	must(t, router.SetBytes(OptZapDomain, []byte("d"))) // NULL asks ZAP only with a domain
	dealer := e.socket(DEALER)
	must(t, dealer.SetBytes(OptRoutingID, []byte("dealer-1")))
	must(t, dealer.Connect(e.bind(router)))
	send(t, dealer, "hello")

	id, props, err := router.RecvFrameProps(0)
	must(t, err)
	if string(id) != "dealer-1" {
		t.Fatalf("routing id %q", id)
	}
	for _, c := range []struct{ name, want string }{
		{"Socket-Type", "DEALER"},
		{"socket-type", "DEALER"},
		{"Identity", "dealer-1"},
		{"Routing-Id", "dealer-1"},
		{"Peer-Address", "127.0.0.1"},
		{"User-Id", "user"},
	} {
		if got, ok := props.Get(c.name); !ok || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
	if _, ok := props.Get("X-Nothing"); ok {
		t.Error("unknown property found")
	}
	body, props2, err := router.RecvFrameProps(0)
	must(t, err)
	if string(body) != "hello" || props2 != props {
		t.Fatalf("second frame %q, same properties: %v", body, props2 == props)
	}
}
