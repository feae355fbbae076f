package core

import (
	"os"
	"strings"
	"testing"
)

// TestOptionDefaults checks the table's defaults against libzmq 4.3's.
func TestOptionDefaults(t *testing.T) {
	e := newEnv(t)
	s, err := e.ctx.NewSocket(DEALER)
	must(t, err)
	defer s.Close()
	for _, c := range []struct {
		opt  Option
		want int
	}{
		{OptSndhwm, 1000}, {OptRcvhwm, 1000}, {OptSndtimeo, -1}, {OptRcvtimeo, -1},
		{OptLinger, -1}, {OptReconnectIvl, 100}, {OptReconnectIvlMax, 0},
		{OptBacklog, 100}, {OptMaxmsgsize, -1}, {OptHandshakeIvl, 30000},
		{OptHeartbeatIvl, 0}, {OptHeartbeatTimeout, -1}, {OptImmediate, 0},
		{OptTCPKeepalive, -1}, {OptSndbuf, -1}, {OptRcvbuf, -1}, {OptMechanism, MechNull},
		{OptType, int(DEALER)}, {OptRate, 100}, {OptUseFd, -1},
	} {
		got, err := s.GetInt(c.opt)
		if err != nil || got != c.want {
			t.Errorf("%s = %d, %v; want %d", optTable[c.opt].name, got, err, c.want)
		}
	}
}

// TestOptionValidation runs each kind of check the table does.
func TestOptionValidation(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name string
		typ  SocketType
		set  func(s *Socket) error
		want error
	}{
		{"negative SNDHWM", PUSH, func(s *Socket) error { return s.SetInt(OptSndhwm, -1) }, EINVAL},
		{"SNDTIMEO -1", PUSH, func(s *Socket) error { return s.SetInt(OptSndtimeo, -1) }, nil},
		{"SNDTIMEO -2", PUSH, func(s *Socket) error { return s.SetInt(OptSndtimeo, -2) }, EINVAL},
		{"CONFLATE 2", PUSH, func(s *Socket) error { return s.SetInt(OptConflate, 2) }, EINVAL},
		{"HEARTBEAT_TTL too big", PUSH, func(s *Socket) error { return s.SetInt(OptHeartbeatTTL, 6553600) }, EINVAL},
		{"STREAM_NOTIFY on DEALER", DEALER, func(s *Socket) error { return s.SetInt(OptStreamNotify, 1) }, EINVAL},
		{"STREAM_NOTIFY on STREAM", STREAM, func(s *Socket) error { return s.SetInt(OptStreamNotify, 0) }, nil},
		{"CONNECT_ROUTING_ID on DEALER", DEALER, func(s *Socket) error { return s.SetBytes(OptConnectRoutingID, []byte("x")) }, EINVAL},
		{"empty ROUTING_ID", DEALER, func(s *Socket) error { return s.SetBytes(OptRoutingID, nil) }, EINVAL},
		{"short CURVE key", DEALER, func(s *Socket) error { return s.SetBytes(OptCurvePublickey, make([]byte, 31)) }, EINVAL},
		{"int option as bytes", DEALER, func(s *Socket) error { return s.SetBytes(OptSndhwm, []byte{1}) }, EINVAL},
		{"bytes option as int", DEALER, func(s *Socket) error { return s.SetInt(OptRoutingID, 1) }, EINVAL},
		{"read-only TYPE", DEALER, func(s *Socket) error { return s.SetInt(OptType, 1) }, EINVAL},
		{"unknown option", DEALER, func(s *Socket) error { return s.SetInt(Option(999), 1) }, EINVAL},
		{"SUBSCRIBE on DEALER", DEALER, func(s *Socket) error { return s.SetBytes(OptSubscribe, nil) }, EINVAL},
		{"read back SUBSCRIBE", SUB, func(s *Socket) error { _, err := s.GetBytes(OptSubscribe); return err }, EINVAL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := e.ctx.NewSocket(c.typ)
			must(t, err)
			defer s.Close()
			if err := c.set(s); err != c.want {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestOptionOneRow shows that an option is one row of optTable: with the
// row added, Set and Get take it, check it and report its default.
func TestOptionOneRow(t *testing.T) {
	const optTest Option = optCount - 1
	if optTable[optTest].kind != 0 {
		t.Fatalf("option %d is taken", optTest)
	}
	optTable[optTest] = optDesc{name: "TEST", kind: optInt, def: 7, valid: intRange{0, 10}, when: whenLive}
	defer func() { optTable[optTest] = optDesc{} }()

	e := newEnv(t)
	s, err := e.ctx.NewSocket(PAIR)
	must(t, err)
	defer s.Close()
	if v, err := s.GetInt(optTest); err != nil || v != 7 {
		t.Fatalf("default: %d, %v", v, err)
	}
	must(t, s.SetInt(optTest, 10))
	if err := s.SetInt(optTest, 11); err != EINVAL {
		t.Fatalf("out of range: %v", err)
	}
	if v, err := s.GetInt(optTest); err != nil || v != 10 {
		t.Fatalf("after set: %d, %v", v, err)
	}
}

// TestHWMPushedToPipes: as in libzmq 4.2 and later, raising SNDHWM after
// Connect lets more messages queue on the pipe that exists.
func TestHWMPushedToPipes(t *testing.T) {
	for _, ep := range []string{"tcp://127.0.0.1:*", "inproc://hwm-pushed"} {
		t.Run(ep, func(t *testing.T) {
			e := newEnv(t)
			push := e.socket(PUSH)
			must(t, push.SetInt(OptSndhwm, 2))
			must(t, push.SetInt(OptImmediate, 0))
			target := ep
			if ep[:3] == "tcp" {
				// A port nobody listens on: messages stay on the pipe.
				l := e.socket(PULL)
				target = e.bind(l)
				must(t, l.Unbind(target))
			}
			must(t, push.Connect(target))
			queued := func() int {
				n := 0
				for push.Send([]byte("m"), DontWait) == nil {
					n++
				}
				return n
			}
			if n := queued(); n != 2 {
				t.Fatalf("SNDHWM 2: queued %d", n)
			}
			must(t, push.SetInt(OptSndhwm, 5))
			if n := queued(); n != 3 {
				t.Fatalf("after SNDHWM 5: queued %d more, want 3", n)
			}
		})
	}
}

// TestOptionSnapshot: options a Connect copies are not changed by later
// sets (here RECONNECT_IVL -1: the connecter made before gives up after
// one failure; the one made after keeps trying).
func TestOptionSnapshotReconnect(t *testing.T) {
	e := newEnv(t)
	l := e.socket(PULL)
	ep := e.bind(l)
	must(t, l.Unbind(ep))
	push := e.socket(PUSH)
	mon := e.socket(PAIR)
	must(t, push.Monitor("inproc://snap-mon", EventConnectRetried))
	must(t, mon.Connect("inproc://snap-mon"))
	must(t, push.SetInt(OptReconnectIvl, 20))
	must(t, push.Connect(ep))
	must(t, push.SetInt(OptReconnectIvl, -1)) // too late for that connecter
	must(t, mon.SetInt(OptRcvtimeo, 2000))
	for i := 0; i < 2; i++ {
		if _, err := mon.RecvMsg(0); err != nil {
			t.Fatalf("retry %d: %v", i, err)
		}
	}
}

// TestOptionTableDocumented keeps docs/ARCHITECTURE.md's table of when
// options take effect true to optTable.
func TestOptionTableDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/ARCHITECTURE.md")
	must(t, err)
	text := string(doc)
	begin := strings.Index(text, "<!-- options table: begin -->")
	end := strings.Index(text, "<!-- options table: end -->")
	if begin < 0 || end < begin {
		t.Fatal("options table markers not found")
	}
	labels := map[optWhen]string{
		whenSnapshot:    "snapshot at Bind/Connect",
		whenPipes:       "snapshot, and pushed to existing pipes",
		whenLive:        "read at each call",
		whenNextConnect: "taken by the next Connect",
		whenRead:        "read only",
		whenStored:      "stored and reported only",
	}
	documented := map[string]string{}
	for _, line := range strings.Split(text[begin:end], "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 4 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		label := strings.TrimSpace(cells[1])
		for _, name := range strings.Split(cells[2], ",") {
			documented[strings.TrimSpace(name)] = label
		}
	}
	for opt := range optTable {
		d := &optTable[opt]
		if d.kind == 0 {
			continue
		}
		got, ok := documented[d.name]
		if !ok {
			t.Errorf("%s is not in the table", d.name)
		} else if got != labels[d.when] {
			t.Errorf("%s is documented as %q, the code says %q", d.name, got, labels[d.when])
		}
		delete(documented, d.name)
	}
	for name := range documented {
		if name != "options" { // the header row
			t.Errorf("%s is documented but not in optTable", name)
		}
	}
}
