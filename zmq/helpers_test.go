package zmq4

import (
	"testing"
	"time"
)

// newTestContext returns a context terminated when the test ends, after the
// sockets made with newTestSocket are closed.
func newTestContext(t *testing.T) *Context {
	t.Helper()
	ctx, err := NewContext()
	if err != nil {
		t.Fatal("NewContext:", err)
	}
	t.Cleanup(func() {
		if err := ctx.Term(); err != nil {
			t.Error("Term:", err)
		}
	})
	return ctx
}

// newTestSocket makes a socket closed (with linger 0) when the test ends.
func newTestSocket(t *testing.T, ctx *Context, typ Type) *Socket {
	t.Helper()
	s, err := ctx.NewSocket(typ)
	if err != nil {
		t.Fatalf("NewSocket(%v): %v", typ, err)
	}
	t.Cleanup(func() {
		s.SetLinger(0)
		s.Close()
	})
	return s
}

// newConnected returns a socket bound to an ephemeral tcp port on the
// loopback interface and a socket connected to it.
func newConnected(t *testing.T, ctx *Context, bindType, connectType Type) (bound, connected *Socket) {
	t.Helper()
	bound = newTestSocket(t, ctx, bindType)
	if err := bound.Bind("tcp://127.0.0.1:*"); err != nil {
		t.Fatal("Bind:", err)
	}
	ep, err := bound.GetLastEndpoint()
	if err != nil {
		t.Fatal("GetLastEndpoint:", err)
	}
	connected = newTestSocket(t, ctx, connectType)
	if err := connected.Connect(ep); err != nil {
		t.Fatal("Connect:", err)
	}
	return bound, connected
}

// recvTimeout sets a receive timeout so that a broken test fails instead of
// hanging.
func recvTimeout(t *testing.T, socs ...*Socket) {
	t.Helper()
	for _, s := range socs {
		if err := s.SetRcvtimeo(5 * time.Second); err != nil {
			t.Fatal("SetRcvtimeo:", err)
		}
	}
}
