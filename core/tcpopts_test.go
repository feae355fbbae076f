package core

import (
	"testing"
	"time"
)

func TestTCPOptionValues(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PULL)
	cases := []struct {
		opt       Option
		good, bad []int
	}{
		{OptSndbuf, []int{-1, 0, 65536}, []int{-2}},
		{OptRcvbuf, []int{-1, 0, 65536}, []int{-2}},
		{OptTCPKeepalive, []int{-1, 0, 1}, []int{-2, 2}},
		{OptTCPKeepaliveCnt, []int{-1, 0, 5}, []int{-2}},
		{OptTCPKeepaliveIdle, []int{-1, 0, 5}, []int{-2}},
		{OptTCPKeepaliveIntvl, []int{-1, 0, 5}, []int{-2}},
		{OptTos, []int{0, 1, 255, 1000}, []int{-1}},
		{OptTCPMaxrt, []int{0, 5}, []int{-1}},
		{OptConnectTimeout, []int{0, 5}, []int{-1}},
		{OptBacklog, []int{0, 5}, []int{-1}},
	}
	for _, c := range cases {
		for _, v := range c.good {
			if err := s.SetInt(c.opt, v); err != nil {
				t.Errorf("option %d = %d: %v", c.opt, v, err)
			}
			if got, err := s.GetInt(c.opt); err != nil || got != v {
				t.Errorf("option %d reads %d, %v after setting %d", c.opt, got, err, v)
			}
		}
		for _, v := range c.bad {
			if err := s.SetInt(c.opt, v); err != EINVAL {
				t.Errorf("option %d = %d: %v, want EINVAL", c.opt, v, err)
			}
		}
	}
	for _, c := range []struct {
		dev string
		ok  bool
	}{{"lo", true}, {"0123456789abcdef", true}, {"", false}, {"0123456789abcdefg", false}} {
		err := s.SetBytes(OptBindToDevice, []byte(c.dev))
		if (err == nil) != c.ok {
			t.Errorf("BINDTODEVICE %q: %v", c.dev, err)
		}
	}
}

// The options a socket has when it binds or connects are the ones its
// listener and connecter use, including CONNECT_TIMEOUT for the dialer.
func TestTCPTuningSnapshot(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PUSH)
	must(t, s.SetInt(OptConnectTimeout, 250))
	must(t, s.SetInt(OptTos, 8))
	must(t, s.SetInt(OptBacklog, 7))
	s.mu.Lock()
	tt := s.opt.tcpTuning()
	s.mu.Unlock()
	if d := tt.dialer(); d.Timeout != 250*time.Millisecond || d.Control == nil || d.KeepAlive >= 0 {
		t.Fatalf("dialer timeout %v, control set %v, keep-alive %v", d.Timeout, d.Control != nil, d.KeepAlive)
	}
	if tt.tos != 8 || tt.backlog != 7 || tt.sndbuf != -1 || tt.keepalive != -1 {
		t.Fatalf("snapshot %+v", tt)
	}
	if d := (&tcpTuning{}).dialer(); d.Timeout != 0 {
		t.Fatalf("CONNECT_TIMEOUT 0 gives a dial timeout of %v, want none", d.Timeout)
	}
	must(t, s.Connect("tcp://127.0.0.1:9"))
	must(t, s.SetInt(OptConnectTimeout, 10))
	s.mu.Lock()
	got := s.connects[0].opt.tcpTuning().connectTimeout
	s.mu.Unlock()
	if got != 250 {
		t.Fatalf("connecter's timeout %d, want the 250 set before Connect", got)
	}
}
