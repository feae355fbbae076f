package interop

import (
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"
)

// zapTimeout bounds every blocking call in TestZAPIdentityAfterBind, so
// that the whole test stays well under three seconds even when it fails.
const zapTimeout = 700 * time.Millisecond

// zapServer is the part of both packages' sockets that makes a server of
// one of the two mechanisms that need a ZAP handler.
type zapServer interface {
	ServerAuthPlain(domain string) error
	ServerAuthCurve(domain, secretKey string) error
}

// TestZAPIdentityAfterBind is the scenario of pebbe/zmq4's TestAuthStart:
// a DEALER server sets its identity to "Server1", becomes a PLAIN or CURVE
// server and binds; only then does it set its identity to "Client1", and a
// client connects. libzmq copies the socket's options into the listener at
// zmq_bind, and each accepted connection (its session, engine and
// mechanism, hence its ZAP client) works from that copy: the identity frame
// of the ZAP request (frame 6 of RFC 27 with the delimiter, "Identity") is
// still "Server1". The ZAP handler, a REP socket bound at
// inproc://zeromq.zap.01 in the server's own context, records the request
// and admits the client with a 200, after which a message must go through
// both ways. The client is libzmq in both rows; the first row, all libzmq,
// is the reference.
func TestZAPIdentityAfterBind(t *testing.T) {
	spub, ssec, err := lz.NewCurveKeypair()
	must(t, err)
	cpub, csec, err := lz.NewCurveKeypair()
	must(t, err)
	mechs := []struct {
		name   string
		server func(zapServer) error
		client func(*lz.Socket) error
	}{
		{"PLAIN",
			func(s zapServer) error { return s.ServerAuthPlain("global") },
			func(c *lz.Socket) error { return c.ClientAuthPlain("admin", "secret") }},
		{"CURVE",
			func(s zapServer) error { return s.ServerAuthCurve("global", ssec) },
			func(c *lz.Socket) error { return c.ClientAuthCurve(spub, cpub, csec) }},
	}
	for _, serverImpl := range []impl{libzmq, mono} {
		for _, m := range mechs {
			t.Run("server="+string(serverImpl)+"/"+m.name, func(t *testing.T) {
				e := newEnv(t)

				// The handler lives in the server's context: ZAP is
				// looked up there.
				handler := e.socket(serverImpl, REP)
				must(t, handler.SetRcvtimeo(zapTimeout))
				must(t, handler.SetSndtimeo(zapTimeout))
				must(t, handler.Bind("inproc://zeromq.zap.01"))
				requests := make(chan [][]byte, 1)
				handled := make(chan error, 1)
				go func() {
					// One request is expected: record it and say yes.
					req, err := handler.Recv()
					if err != nil {
						handled <- err
						return
					}
					requests <- req
					if len(req) < 2 {
						handled <- nil // the check below reports it
						return
					}
					handled <- handler.Send([]byte("1.0"), req[1], []byte("200"), []byte("OK"),
						[]byte("admin"), nil)
				}()
				// The handler socket is closed at cleanup, after the
				// goroutine that uses it has returned.
				defer func() {
					select {
					case err := <-handled:
						if err != nil {
							t.Errorf("ZAP handler (%s): %v", serverImpl, err)
						}
					case <-time.After(2 * zapTimeout):
						t.Errorf("ZAP handler (%s) did not return", serverImpl)
					}
				}()

				server := e.socket(serverImpl, DEALER)
				must(t, server.SetRcvtimeo(zapTimeout))
				must(t, server.SetSndtimeo(zapTimeout))
				must(t, server.SetIdentity("Server1"))
				must(t, m.server(rawOf(server).(zapServer)))
				ep := bindAny(t, server)
				// After Bind: libzmq's listener keeps "Server1".
				must(t, server.SetIdentity("Client1"))

				client := e.socket(libzmq, DEALER)
				must(t, client.SetRcvtimeo(zapTimeout))
				must(t, client.SetSndtimeo(zapTimeout))
				must(t, m.client(rawOf(client).(*lz.Socket)))
				must(t, client.Connect(ep))

				var req [][]byte
				select {
				case req = <-requests:
				case <-time.After(2 * zapTimeout):
					t.Fatalf("the %s ZAP handler received no request", serverImpl)
				}
				// version, request id, domain, address, identity,
				// mechanism, credentials...
				if len(req) < 6 {
					t.Fatalf("ZAP request %s has %d frames, want at least 6", show(req), len(req))
				}
				if string(req[0]) != "1.0" || string(req[2]) != "global" || string(req[5]) != m.name {
					t.Errorf("ZAP request %s: want version 1.0, domain global, mechanism %s", show(req), m.name)
				}
				if got := string(req[4]); got != "Server1" {
					t.Errorf("%s server: ZAP identity frame = %q, want %q (the routing id at Bind; SetIdentity(%q) came after it)",
						serverImpl, got, "Server1", "Client1")
				}

				sendStr(t, client, "Greetings", "Earthlings!")
				expectStr(t, server, "Greetings", "Earthlings!")
				sendStr(t, server, "welcome")
				expectStr(t, client, "welcome")
			})
		}
	}
}
