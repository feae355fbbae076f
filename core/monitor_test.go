package core

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/monocoque-go/monocoque/wire"
)

type monEvent struct {
	event, value int
	endpoint     string
}

// watch starts monitoring s and returns a function that reads the next
// event, failing the test after five seconds.
func watch(t *testing.T, e *env, s *Socket, name string) func() monEvent {
	t.Helper()
	must(t, s.Monitor("inproc://"+name, EventAll))
	w := e.socket(PAIR)
	must(t, w.Connect("inproc://"+name))
	return func() monEvent {
		t.Helper()
		m, err := w.RecvMsg(0)
		if err != nil {
			t.Fatalf("no monitor event: %v", err)
		}
		if len(m) != 2 || len(m[0]) != 6 {
			t.Fatalf("malformed event %q", m)
		}
		return monEvent{int(binary.NativeEndian.Uint16(m[0])), int(binary.NativeEndian.Uint32(m[0][2:])), string(m[1])}
	}
}

func expectEvents(t *testing.T, next func() monEvent, endpoint string, events ...int) {
	t.Helper()
	for _, want := range events {
		got := next()
		if got.event != want {
			t.Fatalf("event %#x (%+v), want %#x", got.event, got, want)
		}
		if endpoint != "" && got.endpoint != endpoint && want != EventMonitorStopped {
			t.Fatalf("event %#x for %q, want %q", got.event, got.endpoint, endpoint)
		}
	}
}

func TestMonitorBoundSocket(t *testing.T) {
	e := newEnv(t)
	pull := e.socket(PULL)
	next := watch(t, e, pull, "mon-pull")
	ep := e.bind(pull)
	expectEvents(t, next, ep, EventListening)
	push := e.socket(PUSH)
	must(t, push.Connect(ep))
	expectEvents(t, next, ep, EventAccepted, EventHandshakeSucceeded)
	must(t, push.Close())
	expectEvents(t, next, ep, EventDisconnected)
	must(t, pull.Close())
	expectEvents(t, next, ep, EventClosed, EventMonitorStopped)
}

func TestMonitorConnectingSocket(t *testing.T) {
	e := newEnv(t)
	push := e.socket(PUSH)
	must(t, push.SetInt(OptReconnectIvl, 20))
	next := watch(t, e, push, "mon-push")
	must(t, push.Connect("tcp://127.0.0.1:1")) // refused
	expectEvents(t, next, "tcp://127.0.0.1:1", EventConnectDelayed, EventClosed, EventConnectRetried)

	other := e.socket(PUSH)
	nextOther := watch(t, e, other, "mon-other")
	pull := e.socket(PULL)
	ep := e.bind(pull)
	must(t, other.Connect(ep))
	expectEvents(t, nextOther, ep, EventConnected, EventHandshakeSucceeded)
}

func TestMonitorHandshakeFailures(t *testing.T) {
	e := newEnv(t)
	zapHandler(t, e, func(wire.ZAPRequest) string { return "400" })
	server := e.socket(PULL)
	must(t, server.SetInt(OptPlainServer, 1))
	next := watch(t, e, server, "mon-auth")
	ep := e.bind(server)
	expectEvents(t, next, ep, EventListening)

	client := e.socket(PUSH)
	must(t, client.SetBytes(OptPlainUsername, []byte("u")))
	must(t, client.SetInt(OptReconnectIvl, -1))
	must(t, client.Connect(ep))
	expectEvents(t, next, ep, EventAccepted)
	if ev := next(); ev.event != EventHandshakeFailedAuth || ev.value != 400 {
		t.Fatalf("got %+v, want HANDSHAKE_FAILED_AUTH 400", ev)
	}

	wrong := e.socket(REQ) // a REQ may not talk to a PULL
	must(t, wrong.SetInt(OptReconnectIvl, -1))
	must(t, wrong.Connect(ep))
	expectEvents(t, next, ep, EventAccepted)
	deadline := time.Now().Add(5 * time.Second)
	for ev := next(); ev.event != EventHandshakeFailedProtocol; ev = next() {
		if time.Now().After(deadline) {
			t.Fatalf("no HANDSHAKE_FAILED_PROTOCOL, last %+v", ev)
		}
	}
}
