package interop

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"

	mq "github.com/monocoque-go/monocoque/zmq"
)

// STREAM sockets speak raw bytes. The same checks run against libzmq's
// STREAM and ours: they pin down libzmq's behaviour and show that ours
// matches it. libzmq acts on some requests (closing a connection) only when
// its socket is next used, so waits go through poll, which keeps calling
// into the socket.

// poll calls try until it reports done, calling into s (a receive with
// DONTWAIT that must find nothing) between tries, for at most opTimeout.
func poll(t *testing.T, s socket, what string, try func() bool) {
	t.Helper()
	deadline := time.Now().Add(opTimeout)
	for !try() {
		if time.Now().After(deadline) {
			t.Fatalf("%v: %s did not happen within %v", s, what, opTimeout)
		}
		expectNothing(t, s)
		time.Sleep(5 * time.Millisecond)
	}
}

// recvPolling receives one message on s, keeping other busy meanwhile.
func recvPolling(t *testing.T, s, other socket) [][]byte {
	t.Helper()
	var m [][]byte
	poll(t, other, "a message on "+fmt.Sprint(s), func() bool {
		var err error
		m, err = s.RecvDontwait()
		if err != nil && errnoOf(err) != eagain {
			t.Fatalf("%v: %v", s, err)
		}
		return err == nil
	})
	return m
}

// expectNotify receives a STREAM notification, [id, ""], and returns the id
// (checked against want when want is set).
func expectNotify(t *testing.T, s socket, want []byte) []byte {
	t.Helper()
	m := recv(t, s)
	if len(m) != 2 || len(m[0]) == 0 || len(m[1]) != 0 || want != nil && !bytes.Equal(m[0], want) {
		t.Fatalf("%v received %s, want a notification [%q, \"\"]", s, show(m), want)
	}
	return m[0]
}

// recvStreamBytes gathers n bytes from id on a STREAM socket, however the
// reads split them.
func recvStreamBytes(t *testing.T, s socket, id []byte, n int) []byte {
	t.Helper()
	var got []byte
	for len(got) < n {
		m := recv(t, s)
		if len(m) != 2 || !bytes.Equal(m[0], id) || len(m[1]) == 0 {
			t.Fatalf("%v received %s, want data from %q", s, show(m), id)
		}
		got = append(got, m[1]...)
	}
	return got
}

// identity returns a STREAM socket's ROUTING_ID option: the id of the peer
// it connected to last.
func identity(t *testing.T, s socket) []byte {
	t.Helper()
	var id string
	var err error
	switch a := s.(type) {
	case *adapter[mq.Flag, *mq.Socket]:
		id, err = a.s.GetIdentity()
	case *adapter[lz.Flag, *lz.Socket]:
		id, err = a.s.GetIdentity()
	}
	must(t, err)
	return []byte(id)
}

// TestStreamPairs links a STREAM socket of each implementation to one of
// the other, either side binding: raw bytes go both ways, then the
// connecting side closes the connection and the bound side is told.
func TestStreamPairs(t *testing.T) {
	for _, tr := range transports {
		for _, binderImpl := range []impl{mono, libzmq} {
			name := fmt.Sprintf("%s_binds,%s", binderImpl, tr)
			t.Run(name, func(t *testing.T) {
				e := newEnv(t)
				b := e.socket(binderImpl, STREAM)
				c := e.socket(binderImpl.other(), STREAM)
				linkOver(t, tr, b, c)
				cid := identity(t, c) // known from Connect on
				expectNotify(t, c, cid)
				bid := expectNotify(t, b, nil)
				if len(bid) != 5 || bid[0] != 0 {
					t.Fatalf("%v: generated id %q, want 5 bytes starting with 0", b, bid)
				}

				sendStr(t, c, string(cid), "GET /\r\n")
				if got := recvStreamBytes(t, b, bid, 7); string(got) != "GET /\r\n" {
					t.Fatalf("%v received %q", b, got)
				}
				big := bytes.Repeat([]byte("stream!"), 40000)
				send(t, b, bid, big)
				if got := recvStreamBytes(t, c, cid, len(big)); !bytes.Equal(got, big) {
					t.Fatalf("%v: large reply corrupted", c)
				}

				// The connecting side hangs up; that ends its connecting.
				send(t, c, cid, nil)
				m := recvPolling(t, b, c)
				if !equalMsg(m, [][]byte{bid, {}}) {
					t.Fatalf("%v received %s, want the disconnect notification", b, show(m))
				}
				time.Sleep(50 * time.Millisecond)
				expectNothing(t, b)
				expectNothing(t, c)
			})
		}
	}
}

// TestStreamRawPeer runs the same checks against both implementations'
// STREAM sockets with a plain net.Conn on the other end.
func TestStreamRawPeer(t *testing.T) {
	for _, i := range []impl{mono, libzmq} {
		t.Run(string(i), func(t *testing.T) {
			e := newEnv(t)
			s := e.socket(i, STREAM)
			ep := bindAny(t, s)
			dial := func() net.Conn {
				conn, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
				must(t, err)
				t.Cleanup(func() { conn.Close() })
				return conn
			}
			// read reads n bytes from conn (and then checks it stays quiet
			// for a moment), keeping s busy meanwhile.
			read := func(conn net.Conn, n int) string {
				t.Helper()
				buf := make([]byte, 0, n)
				poll(t, s, fmt.Sprintf("%d bytes", n), func() bool {
					conn.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
					var b [4096]byte
					k, err := conn.Read(b[:min(len(b), n-len(buf))])
					buf = append(buf, b[:k]...)
					if err != nil && !isTimeout(err) {
						t.Fatalf("reading: %v", err)
					}
					return len(buf) == n
				})
				conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
				var b [64]byte
				if k, _ := conn.Read(b[:]); k > 0 {
					t.Fatalf("unexpected bytes %q after %q", b[:k], buf)
				}
				return string(buf)
			}

			conn := dial()
			id := expectNotify(t, s, nil)
			if len(id) != 5 || id[0] != 0 {
				t.Fatalf("generated id %q, want 5 bytes starting with 0", id)
			}
			conn.Write([]byte("hello"))
			expect(t, s, id, []byte("hello"))
			send(t, s, id, []byte("world"))
			if got := read(conn, 5); got != "world" {
				t.Fatalf("peer got %q", got)
			}

			// An unknown id fails on its own frame.
			err := s.Send([]byte("\x00nope"), []byte("x"))
			if errnoOf(err) != ehostunreach || !strings.Contains(err.Error(), "frame 1/2") {
				t.Fatalf("sending to an unknown id: %v, want EHOSTUNREACH on frame 1", err)
			}
			// A third frame starts a new message; a frame sent alone where
			// an id is due is ignored together with the frame after it.
			send(t, s, id, []byte("d1"), []byte("d2"))
			send(t, s, id, []byte("lost"))
			send(t, s, []byte("x"))
			send(t, s, id, []byte("ok"))
			if got := read(conn, 4); got != "d1ok" {
				t.Fatalf("peer got %q, want d1ok", got)
			}

			// An empty frame closes the connection, after what was sent
			// before it, and is not announced back.
			send(t, s, id, []byte("bye"))
			send(t, s, id, nil)
			if got := read(conn, 3); got != "bye" {
				t.Fatalf("peer got %q", got)
			}
			poll(t, s, "the close", func() bool {
				conn.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
				_, err := conn.Read(make([]byte, 1))
				return err == io.EOF
			})
			if err := s.Send(id, []byte("late")); errnoOf(err) != ehostunreach {
				t.Fatalf("sending to a closed connection: %v, want EHOSTUNREACH", err)
			}

			// A peer that hangs up is announced.
			conn2 := dial()
			id2 := expectNotify(t, s, nil)
			if bytes.Equal(id2, id) {
				t.Fatal("a new connection got the old id")
			}
			conn2.Close()
			expectNotify(t, s, id2)
			expectNothing(t, s)
		})
	}
}

// TestStreamConnectRawListener runs the same checks against both
// implementations' STREAM sockets connecting to a plain Go listener: an
// HTTP-like exchange queued before the connection exists, the server's
// close announced, a reconnect under the same id, and an empty frame that
// closes the connection and ends the connecting.
func TestStreamConnectRawListener(t *testing.T) {
	for _, i := range []impl{mono, libzmq} {
		for _, rid := range []string{"", "web"} {
			t.Run(fmt.Sprintf("%s,rid=%q", i, rid), func(t *testing.T) {
				e := newEnv(t)
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				must(t, err)
				defer ln.Close()
				s := e.socket(i, STREAM)
				must(t, s.SetReconnectIvl(10*time.Millisecond))
				if rid != "" {
					must(t, s.SetConnectRid(rid))
				}
				must(t, s.Connect("tcp://"+ln.Addr().String()))
				id := []byte(rid)
				if rid == "" {
					id = identity(t, s)
					if len(id) != 5 || id[0] != 0 {
						t.Fatalf("ROUTING_ID after Connect = %q, want the generated id", id)
					}
				}
				req := "GET / HTTP/1.0\r\n\r\n"
				send(t, s, id, []byte(req))
				srv, err := ln.Accept()
				must(t, err)
				srv.SetDeadline(time.Now().Add(opTimeout))
				got := make([]byte, len(req))
				_, err = io.ReadFull(srv, got)
				must(t, err)
				if string(got) != req {
					t.Fatalf("server got %q", got)
				}
				resp := "HTTP/1.0 200 OK\r\n\r\nhello"
				srv.Write([]byte(resp))
				srv.Close()
				expectNotify(t, s, id)
				if body := recvStreamBytes(t, s, id, len(resp)); string(body) != resp {
					t.Fatalf("response %q", body)
				}
				expectNotify(t, s, id) // disconnected

				srv, err = ln.Accept() // reconnected, same id
				must(t, err)
				defer srv.Close()
				expectNotify(t, s, id)
				send(t, s, id, []byte("last"))
				send(t, s, id, nil)
				var rest []byte
				poll(t, s, "the close", func() bool {
					srv.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
					var b [64]byte
					k, err := srv.Read(b[:])
					rest = append(rest, b[:k]...)
					return err == io.EOF
				})
				if string(rest) != "last" {
					t.Fatalf("server got %q before the close, want \"last\"", rest)
				}
				ln.(*net.TCPListener).SetDeadline(time.Now().Add(200 * time.Millisecond))
				if c, err := ln.Accept(); err == nil {
					c.Close()
					t.Fatal("reconnected after the empty frame")
				}
				expectNothing(t, s)
			})
		}
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
