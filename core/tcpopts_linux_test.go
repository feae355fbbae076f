package core

import (
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sockInt reads an integer socket option of fd.
func sockInt(t *testing.T, fd, level, opt int) int {
	t.Helper()
	v, err := unix.GetsockoptInt(fd, level, opt)
	if err != nil {
		t.Fatalf("getsockopt(%d, %d): %v", level, opt, err)
	}
	return v
}

// Every option is set on both the accepted and the dialled connection, and
// the defaults leave the system's settings (keep-alive off on Linux).
func TestTCPOptionsOnConnections(t *testing.T) {
	type sockopt struct {
		name       string
		level, opt int
		want       int
	}
	cases := []struct {
		name string
		ints map[Option]int
		dev  string
		want []sockopt
	}{
		{
			name: "defaults",
			want: []sockopt{
				{"SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE, 0},
				{"IP_TOS", unix.IPPROTO_IP, unix.IP_TOS, 0},
				{"TCP_USER_TIMEOUT", unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, 0},
				{"TCP_NODELAY", unix.IPPROTO_TCP, unix.TCP_NODELAY, 1},
			},
		},
		{
			name: "set",
			ints: map[Option]int{
				OptSndbuf: 65536, OptRcvbuf: 32768, OptTCPKeepalive: 1, OptTCPKeepaliveCnt: 3,
				OptTCPKeepaliveIdle: 7, OptTCPKeepaliveIntvl: 2, OptTos: 0x28, OptTCPMaxrt: 1234,
			},
			dev: "lo",
			want: []sockopt{
				// Linux reports twice the size asked for.
				{"SO_SNDBUF", unix.SOL_SOCKET, unix.SO_SNDBUF, 2 * 65536},
				{"SO_RCVBUF", unix.SOL_SOCKET, unix.SO_RCVBUF, 2 * 32768},
				{"SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1},
				{"TCP_KEEPCNT", unix.IPPROTO_TCP, unix.TCP_KEEPCNT, 3},
				{"TCP_KEEPIDLE", unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, 7},
				{"TCP_KEEPINTVL", unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, 2},
				{"IP_TOS", unix.IPPROTO_IP, unix.IP_TOS, 0x28},
				{"TCP_USER_TIMEOUT", unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, 1234},
				{"TCP_NODELAY", unix.IPPROTO_TCP, unix.TCP_NODELAY, 1},
			},
		},
		{
			name: "keep-alive off",
			ints: map[Option]int{OptTCPKeepalive: 0},
			want: []sockopt{{"SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE, 0}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			pull, push := e.socket(PULL), e.socket(PUSH)
			for _, s := range []*Socket{pull, push} {
				for opt, v := range c.ints {
					must(t, s.SetInt(opt, v))
				}
				if c.dev != "" {
					must(t, s.SetBytes(OptBindToDevice, []byte(c.dev)))
				}
			}
			nextPull := watch(t, e, pull, "tcpopts-pull-"+c.name)
			nextPush := watch(t, e, push, "tcpopts-push-"+c.name)
			ep := e.bind(pull)
			expectEvents(t, nextPull, ep, EventListening)
			must(t, push.Connect(ep))
			accepted := nextPull()
			if accepted.event != EventAccepted {
				t.Fatalf("event %+v, want ACCEPTED", accepted)
			}
			dialled := nextPush()
			if dialled.event != EventConnected {
				t.Fatalf("event %+v, want CONNECTED", dialled)
			}
			// The connection works, and both descriptors are open while
			// the sockets are.
			send(t, push, "hello")
			recv(t, pull, "hello")
			for _, side := range []struct {
				name string
				fd   int
			}{{"accepted", accepted.value}, {"dialled", dialled.value}} {
				for _, w := range c.want {
					if got := sockInt(t, side.fd, w.level, w.opt); got != w.want {
						t.Errorf("%s connection: %s = %d, want %d", side.name, w.name, got, w.want)
					}
				}
				if c.dev != "" {
					dev, err := unix.GetsockoptString(side.fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE)
					if err != nil || dev != c.dev {
						t.Errorf("%s connection: SO_BINDTODEVICE = %q, %v; want %q", side.name, dev, err, c.dev)
					}
				}
			}
		})
	}
}

// A device that does not exist makes Bind fail, as in libzmq.
func TestBindToDeviceUnknown(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PULL)
	must(t, s.SetBytes(OptBindToDevice, []byte("nosuchdev0")))
	if err := s.Bind("tcp://127.0.0.1:*"); err != ENODEV {
		t.Fatalf("Bind: %v, want ENODEV", err)
	}
}

// BACKLOG limits the queue of connections waiting for accept, and
// CONNECT_TIMEOUT gives up on a dial that gets no answer: a listener with
// a backlog of 0 that never accepts takes one connection, then drops SYNs,
// and a socket with a 100 ms connect timeout reports the failed attempt
// long before the system's SYN retries would (about two minutes). All on
// loopback.
func TestConnectTimeoutAndBacklog(t *testing.T) {
	tt := tcpTuning{sndbuf: -1, rcvbuf: -1, keepalive: -1, backlog: 0}
	ln, err := tt.listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	first, err := net.Dial("tcp4", ln.Addr().String())
	must(t, err)
	defer first.Close()

	e := newEnv(t)
	push := e.socket(PUSH)
	must(t, push.SetInt(OptConnectTimeout, 100))
	must(t, push.SetInt(OptReconnectIvl, 10000))
	next := watch(t, e, push, "connect-timeout")
	start := time.Now()
	must(t, push.Connect(tcpEndpointString(ln.Addr())))
	for {
		ev := next()
		if ev.event == EventConnected {
			t.Fatal("connected although the backlog is full")
		}
		if ev.event == EventConnectRetried {
			break
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the dial gave up after %v, want about 100ms", d)
	}
}
