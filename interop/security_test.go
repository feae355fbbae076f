package interop

import (
	"bytes"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"

	mq "github.com/monocoque-go/monocoque/zmq"
)

// secureSocket is the part of both packages' Socket that these tests use.
type secureSocket interface {
	Bind(string) error
	Connect(string) error
	Close() error
	GetLastEndpoint() (string, error)
	SendMessage(...interface{}) (int, error)
	RecvMessageBytes(lz.Flag) ([][]byte, error)
	SetRcvtimeo(time.Duration) error
	SetLinger(time.Duration) error
	ServerAuthPlain(domain string) error
	SetPlainUsername(string) error
	SetPlainPassword(string) error
	ServerAuthCurve(domain, secretKey string) error
	ClientAuthCurve(serverPublicKey, clientPublicKey, clientSecretKey string) error
}

// mqSecure adapts our socket's RecvMessageBytes flag type.
type mqSecure struct{ *mq.Socket }

func (s mqSecure) RecvMessageBytes(f lz.Flag) ([][]byte, error) {
	return s.Socket.RecvMessageBytes(mq.Flag(f))
}

// TestSecurityWithLibzmq runs PLAIN and CURVE between our sockets and
// libzmq's, each side as server and as client. The server asks its own
// package's ZAP handler, which knows the client's password and key; both
// handlers serve their package's default context.
func TestSecurityWithLibzmq(t *testing.T) {
	spub, ssec, err := lz.NewCurveKeypair()
	must(t, err)
	cpub, csec, err := lz.NewCurveKeypair()
	must(t, err)
	mechs := []struct {
		name           string
		server, client func(secureSocket) error
	}{
		{"PLAIN",
			func(s secureSocket) error { return s.ServerAuthPlain("global") },
			func(s secureSocket) error {
				if err := s.SetPlainUsername("admin"); err != nil {
					return err
				}
				return s.SetPlainPassword("secret")
			}},
		{"CURVE",
			func(s secureSocket) error { return s.ServerAuthCurve("global", ssec) },
			func(s secureSocket) error { return s.ClientAuthCurve(spub, cpub, csec) }},
	}
	for _, m := range mechs {
		for _, serverImpl := range []impl{mono, libzmq} {
			t.Run(m.name+"/server="+string(serverImpl), func(t *testing.T) {
				if serverImpl == mono {
					must(t, mq.AuthStart())
					defer mq.AuthStop()
					mq.AuthPlainAdd("global", "admin", "secret")
					mq.AuthCurveAdd("global", cpub)
					defer mq.AuthPlainRemoveAll("global")
					defer mq.AuthCurveRemoveAll("global")
				} else {
					// pebbe's handler serves sockets of its default context.
					startAuth(t)
					lz.AuthPlainAdd("global", "admin", "secret")
					lz.AuthCurveAdd("global", cpub)
					t.Cleanup(func() {
						lz.AuthPlainRemove("global", "admin")
						lz.AuthCurveRemove("global", cpub)
					})
				}
				make := func(i impl, typ lz.Type) secureSocket {
					if i == mono {
						s, err := mq.NewSocket(mq.Type(typ))
						must(t, err)
						return mqSecure{s}
					}
					return lzSocket(t, typ)
				}
				server := make(serverImpl, lz.ROUTER)
				client := make(serverImpl.other(), lz.DEALER)
				defer func() {
					for _, s := range []secureSocket{server, client} {
						s.SetLinger(0)
						s.Close()
					}
				}()
				must(t, m.server(server))
				must(t, m.client(client))
				must(t, server.SetRcvtimeo(opTimeout))
				must(t, client.SetRcvtimeo(opTimeout))
				must(t, server.Bind("tcp://127.0.0.1:*"))
				ep, err := server.GetLastEndpoint()
				must(t, err)
				must(t, client.Connect(ep))

				big := bytes.Repeat([]byte{0xA5}, 100_000)
				for round := 0; round < 2; round++ {
					_, err = client.SendMessage("hello", "", big)
					must(t, err)
					msg, err := server.RecvMessageBytes(0)
					must(t, err)
					if len(msg) != 4 || string(msg[1]) != "hello" || len(msg[2]) != 0 || !bytes.Equal(msg[3], big) {
						t.Fatalf("server got %d frames", len(msg))
					}
					_, err = server.SendMessage(msg[0], "world")
					must(t, err)
					reply, err := client.RecvMessageBytes(0)
					must(t, err)
					if len(reply) != 1 || string(reply[0]) != "world" {
						t.Fatalf("client got %q", reply)
					}
				}
			})
		}
	}
}
