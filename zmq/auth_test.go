package zmq4

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
	"time"
)

// resetAuth empties the authentication registry when the test ends.
func resetAuth(t *testing.T) {
	t.Cleanup(func() {
		auth.mu.Lock()
		defer auth.mu.Unlock()
		for _, m := range []interface{}{auth.allow, auth.deny, auth.allowNet, auth.denyNet, auth.users, auth.pubkeys} {
			v := reflect.ValueOf(m)
			for _, k := range v.MapKeys() {
				v.SetMapIndex(k, reflect.Value{})
			}
		}
		auth.meta = authMetaDefault
	})
}

func zapRequest(domain, address, mechanism string, credentials ...string) []string {
	return append([]string{"1.0", "7", domain, address, "", mechanism}, credentials...)
}

func TestAuthDecisions(t *testing.T) {
	resetAuth(t)
	clientPub, _, _ := NewCurveKeypair()
	rawClientPub := Z85decode(clientPub)
	otherPub, _, _ := NewCurveKeypair()

	AuthAllow("white", "10.0.0.1", "192.168.0.0/16")
	AuthDeny("black", "10.0.0.2")
	AuthDeny("10.9.9.9") // an address as domain: denied in all domains
	AuthPlainAdd("white", "alice", "secret")
	AuthPlainAdd("*", "root", "toor")
	AuthCurveAdd("white", clientPub)
	AuthCurveAdd("any", CURVE_ALLOW_ANY)

	tests := []struct {
		name string
		req  []string
		want string // status code
	}{
		{"NULL, no lists", zapRequest("open", "1.2.3.4", "NULL"), "200"},
		{"NULL, whitelisted", zapRequest("white", "10.0.0.1", "NULL"), "200"},
		{"NULL, in whitelisted net", zapRequest("white", "192.168.4.5", "NULL"), "200"},
		{"NULL, not whitelisted", zapRequest("white", "10.0.0.3", "NULL"), "400"},
		{"NULL, blacklisted", zapRequest("black", "10.0.0.2", "NULL"), "400"},
		{"NULL, not blacklisted", zapRequest("black", "10.0.0.3", "NULL"), "200"},
		{"NULL, blacklisted everywhere", zapRequest("open", "10.9.9.9", "NULL"), "400"},
		{"PLAIN, good", zapRequest("white", "10.0.0.1", "PLAIN", "alice", "secret"), "200"},
		{"PLAIN, bad password", zapRequest("white", "10.0.0.1", "PLAIN", "alice", "guess"), "400"},
		{"PLAIN, not whitelisted", zapRequest("white", "10.0.0.3", "PLAIN", "alice", "secret"), "400"},
		{"PLAIN, user of all domains", zapRequest("open", "1.2.3.4", "PLAIN", "root", "toor"), "200"},
		{"PLAIN, unknown user", zapRequest("open", "1.2.3.4", "PLAIN", "alice", "secret"), "400"},
		{"PLAIN, no credentials", zapRequest("open", "1.2.3.4", "PLAIN"), "400"},
		{"CURVE, known key", zapRequest("white", "10.0.0.1", "CURVE", rawClientPub), "200"},
		{"CURVE, unknown key", zapRequest("white", "10.0.0.1", "CURVE", Z85decode(otherPub)), "400"},
		{"CURVE, any key", zapRequest("any", "1.2.3.4", "CURVE", Z85decode(otherPub)), "200"},
		{"CURVE, bad key", zapRequest("any", "1.2.3.4", "CURVE", "short"), "400"},
		{"bad version", []string{"2.0", "7", "d", "a", "", "NULL"}, "500"},
		{"short request", []string{"1.0", "7"}, "500"},
	}
	for _, c := range tests {
		reply := authReply(c.req)
		if len(reply) != 6 {
			t.Errorf("%s: reply has %d frames", c.name, len(reply))
			continue
		}
		if reply[2] != c.want {
			t.Errorf("%s: status %v, want %s", c.name, reply[2], c.want)
		}
		if reply[1] != "7" {
			t.Errorf("%s: request id %v", c.name, reply[1])
		}
	}

	AuthPlainRemove("white", "alice")
	if r := authReply(zapRequest("white", "10.0.0.1", "PLAIN", "alice", "secret")); r[2] != "400" {
		t.Error("AuthPlainRemove did not remove the user")
	}
	AuthCurveRemove("white", clientPub)
	if r := authReply(zapRequest("white", "10.0.0.1", "CURVE", rawClientPub)); r[2] != "400" {
		t.Error("AuthCurveRemove did not remove the key")
	}
	AuthCurveRemoveAll("any")
	AuthPlainRemoveAll("*")
	if r := authReply(zapRequest("any", "1.2.3.4", "CURVE", rawClientPub)); r[2] != "400" {
		t.Error("AuthCurveRemoveAll did not remove the keys")
	}
}

func TestAuthMetadata(t *testing.T) {
	resetAuth(t)
	AuthSetMetadataHandler(func(version, request_id, domain, address, identity, mechanism string, credentials ...string) map[string]string {
		return map[string]string{"User-Id": "user-" + address, "Hello": "World"}
	})
	r := authReply(zapRequest("d", "1.2.3.4", "NULL"))
	blob, _ := AuthMetaBlob("Hello", "World")
	want := []interface{}{"1.0", "7", "200", "OK", "user-1.2.3.4", blob}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("reply %q, want %q", r, want)
	}

	if b, err := AuthMetaBlob("User-Id", "x"); err != nil || string(b) != "\x07User-Id\x00\x00\x00\x01x" {
		t.Errorf("AuthMetaBlob = %q, %v", b, err)
	}
	if _, err := AuthMetaBlob(strings.Repeat("k", 256), ""); err == nil {
		t.Error("AuthMetaBlob accepted a 256-byte key")
	}
}

func TestAuthStart(t *testing.T) {
	if err := AuthStart(); err != nil {
		t.Fatal("AuthStart:", err)
	}
	if err := AuthStart(); err == nil {
		t.Error("second AuthStart succeeded")
	}
	AuthStop()
	// And again: the endpoint is free once AuthStop returns.
	if err := AuthStart(); err != nil {
		t.Fatal("AuthStart after AuthStop:", err)
	}
	AuthStop()
}

// TestSecurityMechanisms runs PLAIN and CURVE through the package's own
// ZAP handler, which serves the default context, as pebbe's does.
func TestSecurityMechanisms(t *testing.T) {
	if err := AuthStart(); err != nil {
		t.Fatal(err)
	}
	defer AuthStop()
	spub, ssec, _ := NewCurveKeypair()
	cpub, csec, _ := NewCurveKeypair()
	opub, osec, _ := NewCurveKeypair()
	AuthPlainAdd("test", "u", "p")
	AuthCurveAdd("test", cpub)
	defer AuthPlainRemoveAll("test")
	defer AuthCurveRemoveAll("test")
	tests := []struct {
		name           string
		server, client func(*Socket) error
		ok             bool
	}{
		{"PLAIN",
			func(s *Socket) error { return s.ServerAuthPlain("test") },
			func(s *Socket) error { return s.ClientAuthPlain("u", "p") }, true},
		{"PLAIN, wrong password",
			func(s *Socket) error { return s.ServerAuthPlain("test") },
			func(s *Socket) error { return s.ClientAuthPlain("u", "x") }, false},
		{"CURVE",
			func(s *Socket) error { return s.ServerAuthCurve("test", ssec) },
			func(s *Socket) error { return s.ClientAuthCurve(spub, cpub, csec) }, true},
		{"CURVE, unknown client key",
			func(s *Socket) error { return s.ServerAuthCurve("test", ssec) },
			func(s *Socket) error { return s.ClientAuthCurve(spub, opub, osec) }, false},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			server, client := newTestSocket(t, defaultCtx, PULL), newTestSocket(t, defaultCtx, PUSH)
			if err := c.server(server); err != nil {
				t.Fatal(err)
			}
			if err := c.client(client); err != nil {
				t.Fatal(err)
			}
			wait := 5 * time.Second
			if !c.ok {
				wait = 200 * time.Millisecond
			}
			server.SetRcvtimeo(wait)
			if err := server.Bind("tcp://127.0.0.1:*"); err != nil {
				t.Fatal(err)
			}
			ep, _ := server.GetLastEndpoint()
			if err := client.Connect(ep); err != nil {
				t.Fatal(err)
			}
			if _, err := client.Send("ping", DONTWAIT); err != nil {
				t.Fatal(err)
			}
			m, err := server.Recv(0)
			if got := err == nil && m == "ping"; got != c.ok {
				t.Fatalf("delivered = %v (%q, %v), want %v", got, m, err, c.ok)
			}
		})
	}
	// GSSAPI is not available: refuse rather than talk in the clear.
	s := newTestSocket(t, defaultCtx, DEALER)
	if err := s.SetGssapiServer(true); err != nil {
		t.Fatal(err)
	}
	if err := s.Bind("tcp://127.0.0.1:*"); err != ENOTSUP {
		t.Errorf("GSSAPI Bind = %v, want ENOTSUP", err)
	}
}

func TestMonitorAndEvents(t *testing.T) {
	ctx := newTestContext(t)
	a, b := newConnected(t, ctx, PAIR, PAIR)
	recvTimeout(t, b)
	if err := a.Monitor("", 0); err != nil {
		t.Errorf("Monitor(\"\") = %v", err)
	}
	if err := a.Monitor("tcp://127.0.0.1:5555", EVENT_ALL); err != EPROTONOSUPPORT {
		t.Errorf("Monitor(tcp) = %v, want EPROTONOSUPPORT", err)
	}
	if err := a.Monitor("inproc://monitor", EVENT_LISTENING|EVENT_CLOSED); err != nil {
		t.Fatalf("Monitor(inproc) = %v", err)
	}
	watcher := newTestSocket(t, ctx, PAIR)
	recvTimeout(t, watcher)
	if err := watcher.Connect("inproc://monitor"); err != nil {
		t.Fatal(err)
	}
	if err := a.Bind("tcp://127.0.0.1:*"); err != nil {
		t.Fatal(err)
	}
	ep, _ := a.GetLastEndpoint()
	if ev, addr, _, err := watcher.RecvEvent(0); err != nil || ev != EVENT_LISTENING || addr != ep {
		t.Errorf("monitor: %v %q %v, want EVENT_LISTENING %q", ev, addr, err, ep)
	}
	if err := a.Unbind(ep); err != nil {
		t.Fatal(err)
	}

	// RecvEvent decodes libzmq 4's event messages.
	head := make([]byte, 6)
	binary.NativeEndian.PutUint16(head, uint16(EVENT_ACCEPTED))
	binary.NativeEndian.PutUint32(head[2:], 42)
	a.SendMessage(head, "tcp://127.0.0.1:9999")
	ev, addr, value, err := b.RecvEvent(0)
	if err != nil || ev != EVENT_ACCEPTED || addr != "tcp://127.0.0.1:9999" || value != 42 {
		t.Errorf("RecvEvent = %v, %q, %d, %v", ev, addr, value, err)
	}
	a.SendBytes(head, 0)
	if _, _, _, err := b.RecvEvent(0); err != ErrorMoreExpected {
		t.Errorf("RecvEvent of a one-part message: %v, want ErrorMoreExpected", err)
	}

	a.Send("data", 0)
	msg, meta, err := b.RecvWithMetadata(0, "Peer-Address", "socket-type", "User-Id")
	want := map[string]string{"Peer-Address": "127.0.0.1", "socket-type": "PAIR"}
	if err != nil || msg != "data" || len(meta) != len(want) || meta["Peer-Address"] != want["Peer-Address"] || meta["socket-type"] != "PAIR" {
		t.Errorf("RecvWithMetadata = %q, %v, %v; want metadata %v", msg, meta, err, want)
	}
}
