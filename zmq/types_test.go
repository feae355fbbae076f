package zmq4

import "testing"

func TestStrings(t *testing.T) {
	tests := []struct {
		v    interface{ String() string }
		want string
	}{
		{REQ, "REQ"}, {REP, "REP"}, {DEALER, "DEALER"}, {ROUTER, "ROUTER"},
		{PUB, "PUB"}, {SUB, "SUB"}, {XPUB, "XPUB"}, {XSUB, "XSUB"},
		{PUSH, "PUSH"}, {PULL, "PULL"}, {PAIR, "PAIR"}, {STREAM, "STREAM"},
		{Type(99), "<INVALID>"}, {Type(-1), "<INVALID>"},
		{Flag(0), "<NONE>"}, {DONTWAIT, "DONTWAIT"}, {SNDMORE, "SNDMORE"},
		{DONTWAIT | SNDMORE, "DONTWAIT|SNDMORE"},
		{State(0), "<NONE>"}, {POLLIN, "POLLIN"}, {POLLIN | POLLOUT, "POLLIN|POLLOUT"},
		{NULL, "NULL"}, {PLAIN, "PLAIN"}, {CURVE, "CURVE"}, {GSSAPI, "GSSAPI"},
		{Mechanism(9), "<INVALID>"},
		{EVENT_ALL, "EVENT_ALL"}, {Event(0), "<NONE>"}, {Event(1 << 20), "<NONE>"},
		{EVENT_CONNECTED | EVENT_CONNECT_DELAYED, "EVENT_CONNECTED|EVENT_CONNECT_DELAYED"},
		{EVENT_HANDSHAKE_FAILED_AUTH | EVENT_CLOSED, "EVENT_CLOSED|EVENT_HANDSHAKE_FAILED_AUTH"},
	}
	for _, c := range tests {
		if got := c.v.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestConstantValues(t *testing.T) {
	// libzmq 4.3's numbers.
	tests := []struct {
		name      string
		got, want int
	}{
		{"PAIR", int(PAIR), 0}, {"PUB", int(PUB), 1}, {"SUB", int(SUB), 2},
		{"REQ", int(REQ), 3}, {"REP", int(REP), 4}, {"DEALER", int(DEALER), 5},
		{"ROUTER", int(ROUTER), 6}, {"PULL", int(PULL), 7}, {"PUSH", int(PUSH), 8},
		{"XPUB", int(XPUB), 9}, {"XSUB", int(XSUB), 10}, {"STREAM", int(STREAM), 11},
		{"DONTWAIT", int(DONTWAIT), 1}, {"SNDMORE", int(SNDMORE), 2},
		{"POLLIN", int(POLLIN), 1}, {"POLLOUT", int(POLLOUT), 2},
		{"NULL", int(NULL), 0}, {"PLAIN", int(PLAIN), 1}, {"CURVE", int(CURVE), 2}, {"GSSAPI", int(GSSAPI), 3},
		{"EVENT_ALL", int(EVENT_ALL), 0xffff},
		{"EVENT_CONNECTED", int(EVENT_CONNECTED), 1},
		{"EVENT_MONITOR_STOPPED", int(EVENT_MONITOR_STOPPED), 0x400},
		{"EVENT_HANDSHAKE_FAILED_NO_DETAIL", int(EVENT_HANDSHAKE_FAILED_NO_DETAIL), 0x800},
		{"EVENT_HANDSHAKE_SUCCEEDED", int(EVENT_HANDSHAKE_SUCCEEDED), 0x1000},
		{"EVENT_HANDSHAKE_FAILED_PROTOCOL", int(EVENT_HANDSHAKE_FAILED_PROTOCOL), 0x2000},
		{"EVENT_HANDSHAKE_FAILED_AUTH", int(EVENT_HANDSHAKE_FAILED_AUTH), 0x4000},
		{"MaxSocketsDflt", MaxSocketsDflt, 1023}, {"IoThreadsDflt", IoThreadsDflt, 1},
	}
	for _, c := range tests {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if maj, min, pat := Version(); maj != 4 || min != 3 || pat != 4 {
		t.Errorf("Version() = %d.%d.%d, want 4.3.4", maj, min, pat)
	}
}
