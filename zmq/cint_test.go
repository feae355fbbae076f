package zmq4

import (
	"math"
	"testing"
)

// TestCIntOptions checks the conversions pebbe's package makes on the way
// to libzmq (compat_test compares them with libzmq itself): int options and
// Monitor's events are C ints, so values past 32 bits wrap, while the
// 64-bit options keep their values.
func TestCIntOptions(t *testing.T) {
	ctx := newTestContext(t)
	s := newTestSocket(t, ctx, PUSH)
	if err := s.SetSndhwm(1 << 31); err != einval {
		t.Errorf("SetSndhwm(2^31) = %v, want EINVAL (a negative C int)", err)
	}
	if err := s.SetSndhwm(1<<32 + 5); err != nil {
		t.Errorf("SetSndhwm(2^32+5) = %v, want nil", err)
	}
	if v, _ := s.GetSndhwm(); v != 5 {
		t.Errorf("GetSndhwm after SetSndhwm(2^32+5) = %d, want 5", v)
	}
	if err := s.SetMaxmsgsize(1 << 40); err != nil {
		t.Errorf("SetMaxmsgsize(2^40) = %v, want nil", err)
	}
	if v, _ := s.GetMaxmsgsize(); v != 1<<40 {
		t.Errorf("GetMaxmsgsize = %d, want 2^40", v)
	}
	if err := s.SetAffinity(math.MaxUint64); err != nil {
		t.Errorf("SetAffinity(max) = %v, want nil", err)
	}
	if err := ctx.SetMaxSockets(1 << 32); err != einval {
		t.Errorf("Context.SetMaxSockets(2^32) = %v, want EINVAL (a C int of 0)", err)
	}
	for _, ev := range []Event{1 << 16, -1} {
		if err := s.Monitor("inproc://cint-monitor", ev); err != einval {
			t.Errorf("Monitor(inproc, %#x) = %v, want EINVAL", int(ev), err)
		}
		if err := s.Monitor("", ev); err != einval {
			t.Errorf("Monitor(\"\", %#x) = %v, want EINVAL", int(ev), err)
		}
	}
	if err := s.SetTcpAcceptFilter(""); err != nil {
		t.Errorf("SetTcpAcceptFilter(\"\") = %v, want nil (no filters to clear)", err)
	}
	if err := s.SetTcpAcceptFilter("127.0.0.1"); err == nil {
		t.Error("SetTcpAcceptFilter(127.0.0.1) succeeded: filters are not available")
	}
	s.Close()
	if err := s.SetTcpAcceptFilter(""); err != ErrorSocketClosed {
		t.Errorf("SetTcpAcceptFilter(\"\") on a closed socket = %v, want ErrorSocketClosed", err)
	}
}
