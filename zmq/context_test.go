package zmq4

import (
	"regexp"
	"testing"
	"time"
)

func TestContextOptions(t *testing.T) {
	ctx := newTestContext(t)
	type result struct {
		v   interface{}
		err error
	}
	r := func(v interface{}, err error) result { return result{v, err} }
	tests := []struct {
		name      string
		got, want result
	}{
		{"IoThreads", r(ctx.GetIoThreads()), result{IoThreadsDflt, nil}},
		{"MaxSockets", r(ctx.GetMaxSockets()), result{MaxSocketsDflt, nil}},
		{"MaxMsgsz", r(ctx.GetMaxMsgsz()), result{1<<31 - 1, nil}},
		{"Ipv6", r(ctx.GetIpv6()), result{false, nil}},
		{"Blocky", r(ctx.GetBlocky()), result{true, nil}},
		{"RetryAfterEINTR", result{ctx.GetRetryAfterEINTR(), nil}, result{true, nil}},
	}
	for _, c := range tests {
		if c.got != c.want {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}

	sets := []struct {
		name string
		err  error
		get  func() (interface{}, error)
		want interface{}
	}{
		{"SetIoThreads", ctx.SetIoThreads(2), func() (interface{}, error) { return ctx.GetIoThreads() }, 2},
		{"SetMaxSockets", ctx.SetMaxSockets(10), func() (interface{}, error) { return ctx.GetMaxSockets() }, 10},
		{"SetMaxMsgsz", ctx.SetMaxMsgsz(4096), func() (interface{}, error) { return ctx.GetMaxMsgsz() }, 4096},
		{"SetIpv6", ctx.SetIpv6(true), func() (interface{}, error) { return ctx.GetIpv6() }, true},
		{"SetBlocky", ctx.SetBlocky(false), func() (interface{}, error) { return ctx.GetBlocky() }, false},
	}
	for _, c := range sets {
		if c.err != nil {
			t.Errorf("%s: %v", c.name, c.err)
			continue
		}
		if got, err := c.get(); err != nil || got != c.want {
			t.Errorf("after %s: %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	ctx.SetRetryAfterEINTR(false)
	if ctx.GetRetryAfterEINTR() {
		t.Error("SetRetryAfterEINTR(false) not kept")
	}
	for name, err := range map[string]error{
		"SetMaxSockets(0)": ctx.SetMaxSockets(0),
		"SetIoThreads(-1)": ctx.SetIoThreads(-1),
	} {
		if err != einval {
			t.Errorf("%s = %v, want EINVAL", name, err)
		}
	}

	// Sockets made from now on inherit IPv6.
	s := newTestSocket(t, ctx, DEALER)
	if v, err := s.GetIpv6(); !v || err != nil {
		t.Errorf("socket GetIpv6 = %v, %v; want true", v, err)
	}
}

func TestDefaultContextOptions(t *testing.T) {
	if n, err := GetMaxSockets(); n != MaxSocketsDflt || err != nil {
		t.Errorf("GetMaxSockets = %d, %v", n, err)
	}
	if n, err := GetIoThreads(); n != IoThreadsDflt || err != nil {
		t.Errorf("GetIoThreads = %d, %v", n, err)
	}
	if err := SetIpv6(true); err != nil {
		t.Fatal(err)
	}
	defer SetIpv6(false)
	if v, err := GetIpv6(); !v || err != nil {
		t.Errorf("GetIpv6 = %v, %v", v, err)
	}
	s, err := NewSocket(ROUTER)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.GetIpv6(); !v || err != nil {
		t.Errorf("socket GetIpv6 = %v, %v", v, err)
	}
	if c, err := s.Context(); c != defaultCtx || err != nil {
		t.Errorf("Context() = %p, %v; want the default context", c, err)
	}
}

func TestTermedContext(t *testing.T) {
	ctx, _ := NewContext()
	if err := ctx.Term(); err != nil {
		t.Fatal("Term:", err)
	}
	if err := ctx.Term(); err != nil {
		t.Error("second Term:", err)
	}
	s, err := ctx.NewSocket(REQ)
	if s == nil || err != ErrorContextClosed {
		t.Fatalf("NewSocket = %v, %v; want a closed socket and ErrorContextClosed", s, err)
	}
	if s.String() != "Socket(CLOSED)" || s.Close() != nil {
		t.Error("the socket from a closed context is not a plain closed socket")
	}
	if _, err := ctx.GetIoThreads(); err != ErrorContextClosed {
		t.Errorf("GetIoThreads = %v", err)
	}
	if err := ctx.SetMaxSockets(5); err != ErrorContextClosed {
		t.Errorf("SetMaxSockets = %v", err)
	}
}

func TestTermEndsBlockedRecv(t *testing.T) {
	ctx, _ := NewContext()
	s, err := ctx.NewSocket(PULL)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Recv(0)
		done <- err
		s.Close()
	}()
	time.Sleep(10 * time.Millisecond)
	termed := make(chan error, 1)
	go func() { termed <- ctx.Term() }()
	select {
	case err := <-done:
		if err != ETERM {
			t.Errorf("blocked Recv returned %v, want ETERM", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Term did not end the blocked Recv")
	}
	select {
	case err := <-termed:
		if err != nil {
			t.Error("Term:", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Term did not return after the socket was closed")
	}
}

func TestNewSocketFailure(t *testing.T) {
	ctx := newTestContext(t)
	s, err := ctx.NewSocket(Type(99))
	if s == nil || err != einval {
		t.Fatalf("NewSocket(99) = %v, %v; want a closed socket and EINVAL", s, err)
	}
	if err := s.Close(); err != einval {
		t.Errorf("Close = %v, want the creation error EINVAL", err)
	}
}

func TestSocketString(t *testing.T) {
	ctx := newTestContext(t)
	s := newTestSocket(t, ctx, REQ)
	if got := s.String(); !regexp.MustCompile(`^Socket\(REQ,0x[0-9a-f]+\)$`).MatchString(got) {
		t.Errorf("String = %q", got)
	}
	s.SetIdentity("hi")
	if got := s.String(); got != `Socket(REQ,"hi")` {
		t.Errorf("String with identity = %q", got)
	}
	var zero Socket
	if got := zero.String(); got != "Socket(CLOSED)" {
		t.Errorf("zero Socket String = %q", got)
	}
}
