package core

import (
	"fmt"
	"strconv"
	"testing"
)

// socketPairCases is a conversation for each compatible pair of socket
// types, run by the transport tests over every transport.
var socketPairCases = []struct {
	name string
	a, b SocketType
	run  func(t *testing.T, a, b *Socket)
}{
	{"PAIR-PAIR", PAIR, PAIR, func(t *testing.T, a, b *Socket) {
		send(t, a, "ping", "", "x")
		recv(t, b, "ping", "", "x")
		send(t, b, "pong")
		recv(t, a, "pong")
	}},
	{"PUSH-PULL", PUSH, PULL, func(t *testing.T, a, b *Socket) {
		for i := 0; i < 100; i++ {
			send(t, a, strconv.Itoa(i), "", "tail")
		}
		for i := 0; i < 100; i++ {
			recv(t, b, strconv.Itoa(i), "", "tail")
		}
	}},
	{"REQ-REP", REQ, REP, func(t *testing.T, a, b *Socket) {
		for i := 0; i < 10; i++ {
			n := strconv.Itoa(i)
			send(t, a, "req", "", n)
			recv(t, b, "req", "", n)
			send(t, b, "rep", n)
			recv(t, a, "rep", n)
		}
	}},
	{"DEALER-ROUTER", DEALER, ROUTER, func(t *testing.T, a, b *Socket) {
		send(t, a, "hello")
		m := recv(t, b)
		if len(m) != 2 || len(m[0]) == 0 || string(m[1]) != "hello" {
			t.Fatalf("router got %q", m)
		}
		must(t, b.SendMsg([][]byte{m[0], []byte("back")}, 0))
		recv(t, a, "back")
	}},
	{"REQ-ROUTER", REQ, ROUTER, func(t *testing.T, a, b *Socket) {
		send(t, a, "hello")
		m := recv(t, b)
		if len(m) != 3 || len(m[1]) != 0 || string(m[2]) != "hello" {
			t.Fatalf("router got %q", m)
		}
		must(t, b.SendMsg([][]byte{m[0], nil, []byte("world")}, 0))
		recv(t, a, "world")
	}},
	{"DEALER-REP", DEALER, REP, func(t *testing.T, a, b *Socket) {
		send(t, a, "", "req")
		recv(t, b, "req")
		send(t, b, "rep")
		recv(t, a, "", "rep")
	}},
	{"DEALER-DEALER", DEALER, DEALER, func(t *testing.T, a, b *Socket) {
		send(t, a, "a")
		recv(t, b, "a")
		send(t, b, "b")
		recv(t, a, "b")
	}},
}

// runSocketPairs runs socketPairCases over the endpoints ep gives, with
// either side binding and with Connect before and after Bind.
func runSocketPairs(t *testing.T, ep func(t *testing.T) string, check func(t *testing.T, binder *Socket, ep string)) {
	for _, c := range socketPairCases {
		for _, aBinds := range []bool{true, false} {
			for _, connectFirst := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/aBinds=%v/connectFirst=%v", c.name, aBinds, connectFirst), func(t *testing.T) {
					e := newEnv(t)
					a, b := e.socket(c.a), e.socket(c.b)
					for _, s := range []*Socket{a, b} {
						must(t, s.SetInt(OptReconnectIvl, 10))
					}
					binder, connector := a, b
					if !aBinds {
						binder, connector = b, a
					}
					endpoint := ep(t)
					if connectFirst {
						must(t, connector.Connect(endpoint))
						must(t, binder.Bind(endpoint))
					} else {
						must(t, binder.Bind(endpoint))
						must(t, connector.Connect(endpoint))
					}
					if check != nil {
						check(t, binder, endpoint)
					}
					c.run(t, a, b)
				})
			}
		}
	}
}

// pipeCount returns how many pipes s has.
func pipeCount(s *Socket) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pipes)
}
