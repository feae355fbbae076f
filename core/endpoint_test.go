package core

import (
	"strings"
	"testing"
)

// TestTermEndpoint: as libzmq's term_endpoint, Unbind and Disconnect each
// end a bound or a connected endpoint.
func TestTermEndpoint(t *testing.T) {
	for _, c := range []struct {
		name      string
		ep        string
		byConnect bool // the endpoint ended is the connected one
		unbind    bool // ended with Unbind (else Disconnect)
	}{
		{"Unbind a connected tcp endpoint", "tcp://127.0.0.1:*", true, true},
		{"Disconnect a bound tcp endpoint", "tcp://127.0.0.1:*", false, false},
		{"Unbind a connected inproc endpoint", "inproc://term-ep", true, true},
		{"Disconnect a bound inproc endpoint", "inproc://term-ep", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			pull, push := e.socket(PULL), e.socket(PUSH)
			must(t, pull.Bind(c.ep))
			ep, err := pull.GetBytes(OptLastEndpoint)
			must(t, err)
			must(t, push.Connect(string(ep)))
			send(t, push, "before")
			recv(t, pull, "before")
			s := pull
			if c.byConnect {
				s = push
			}
			end := s.Disconnect
			if c.unbind {
				end = s.Unbind
			}
			must(t, end(string(ep)))
			if err := end(string(ep)); err != ENOENT {
				t.Fatalf("ending it again: %v, want ENOENT", err)
			}
		})
	}
}

// TestConnectRefusesMalformed: libzmq checks a tcp address's syntax at
// Connect; bad transports and addresses fail at once.
func TestConnectRefusesMalformed(t *testing.T) {
	e := newEnv(t)
	s := e.socket(DEALER)
	for _, c := range []struct {
		ep   string
		want error
	}{
		{"tcp://in val id:1234", EINVAL},
		{"tcp://host:abc", EINVAL},
		{"tcp://*:5555", EINVAL},
		{"tcp://127.0.0.1:*", EINVAL},
		{"tcp://127.0.0.1", EINVAL},
		{"tcp://:5555", nil}, // passes libzmq's check; dialling fails later
		{"tcp://h\x00st:1", EINVAL},
		{"tcp://[::1:5555", nil},
		{"tcp://127.0.0.1:0", nil},
		{"tcp://-host:5555", EINVAL},
		{"", EINVAL},
		{"tcp://", EINVAL},
		{"udp://127.0.0.1:5555", ENOCOMPATPROTO},
		{"no-scheme", EINVAL},
		{"pgm://eth0;239.1.1.1:5555", ENOCOMPATPROTO}, // not for a DEALER
		{"tipc://{5560,0,0}", EPROTONOSUPPORT},
		{"bogus://x", EPROTONOSUPPORT},
		{"inproc://", EINVAL},
		{"tcp://localhost:5555", nil},
		{"tcp://[::1]:5555", nil},
		{"tcp://127.0.0.1:5555;127.0.0.1:5556", nil},
	} {
		if err := s.Connect(c.ep); err != c.want {
			t.Errorf("Connect(%q) = %v, want %v", c.ep, err, c.want)
		}
	}
}

// TestUnbindConnectedStopsReconnecting: after Unbind of a connected
// endpoint no further connection is attempted.
func TestUnbindConnectedStopsReconnecting(t *testing.T) {
	e := newEnv(t)
	push, pull := e.socket(PUSH), e.socket(PULL)
	ep := e.bind(pull)
	must(t, push.Connect(ep))
	must(t, push.Unbind(ep))
	must(t, push.SetInt(OptSndtimeo, 50))
	if err := push.Send([]byte("x"), 0); err != EAGAIN {
		t.Fatalf("send with no endpoint: %v, want EAGAIN", err)
	}
	push.mu.Lock()
	n := len(push.connects)
	push.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d connecting sessions left", n)
	}
}

// TestEndpointSpellings: a listener is known by its resolved endpoint, and
// a bind takes no host names or service names, as in libzmq.
func TestEndpointSpellings(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PULL)
	ep := e.bind(s) // tcp://127.0.0.1:PORT
	port := ep[strings.LastIndexByte(ep, ':')+1:]
	for _, c := range []struct {
		call func(string) error
		ep   string
		want error
	}{
		{s.Bind, "tcp://localhost:0", ENODEV},
		{s.Bind, "tcp://127.0.0.1:http", EINVAL},
		{s.Unbind, "tcp://127.0.0.1:*", ENOENT},
		{s.Unbind, "tcp://localhost:" + port, nil},
		{s.Unbind, ep, ENOENT},
		{s.Unbind, "carrier-pigeon://", EINVAL},
		{s.Disconnect, "inproc://", EINVAL},
	} {
		if err := c.call(c.ep); err != c.want {
			t.Errorf("%q: %v, want %v", c.ep, err, c.want)
		}
	}
}
