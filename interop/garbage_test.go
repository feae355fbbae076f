package interop

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Raw ZMTP 3.0 pieces for hand-made peers.

// greeting returns a 64-byte ZMTP 3.0 greeting for mechanism mech.
func greeting(mech string) []byte {
	g := make([]byte, 64)
	g[0], g[9] = 0xff, 0x7f // signature
	g[10], g[11] = 3, 0     // version 3.0
	copy(g[12:32], mech)    // mechanism, zero padded; as-server and filler stay 0
	return g
}

// readyCommand returns a NULL-mechanism READY command announcing socketType.
func readyCommand(socketType string) []byte {
	body := []byte{5}
	body = append(body, "READY"...)
	body = append(body, byte(len("Socket-Type")))
	body = append(body, "Socket-Type"...)
	body = binary.BigEndian.AppendUint32(body, uint32(len(socketType)))
	body = append(body, socketType...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

// messageFrame returns a final (no MORE) message frame holding body, in the
// short or long form as its size requires.
func messageFrame(body []byte) []byte {
	if len(body) <= 255 {
		return append([]byte{0x00, byte(len(body))}, body...)
	}
	f := binary.BigEndian.AppendUint64([]byte{0x02}, uint64(len(body)))
	return append(f, body...)
}

func join(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// maxMsg is the SetMaxmsgsize of the socket under attack.
const maxMsg = 1024

// TestGarbagePeer points misbehaving raw TCP peers at a PULL socket that
// also has a well-behaved libzmq PUSH peer. The socket must close the bad
// connection, deliver nothing from it, and keep receiving from the good
// peer. The same cases run against a libzmq PULL as a control: they show
// that each expectation is what libzmq itself does, and that the valid raw
// peer is built right.
func TestGarbagePeer(t *testing.T) {
	cases := []struct {
		name string
		// handshake, when set, makes the raw peer complete a proper NULL
		// handshake as a PUSH before it writes data. A peer must not send
		// messages before it has the other side's READY: libzmq drops
		// peers that do.
		handshake bool
		data      []byte
		// valid marks the control case: a correct raw peer whose message
		// must be delivered and whose connection must stay open.
		valid bool
	}{
		{
			// A first byte of 0 is neither a ZMTP 3 signature nor a valid
			// ZMTP 1.0 frame length.
			name: "junk",
			data: append([]byte{0x00}, "this is not ZMTP\r\n\x01\x02\x03\xfe\xff"+strings.Repeat("junk", 32)...),
		},
		{
			name: "unknown-mechanism",
			data: greeting("BOGUS"),
		},
		{
			name: "incompatible-socket-type",
			data: join(greeting("NULL"), readyCommand("PUB")),
		},
		{
			// The length header alone exceeds the limit; the rest of the
			// frame never needs to be read.
			name:      "oversize-frame",
			handshake: true,
			data:      messageFrame(make([]byte, maxMsg+1)),
		},
		{
			name:      "valid-raw-peer",
			handshake: true,
			data:      messageFrame([]byte("from raw peer")),
			valid:     true,
		},
	}

	for _, target := range []impl{mono, libzmq} {
		t.Run("pull="+string(target), func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					e := newEnv(t)
					pull := e.socket(target, PULL)
					must(t, pull.SetMaxmsgsize(maxMsg))
					good := e.socket(libzmq, PUSH)
					ep := link(t, pull, good)

					sendStr(t, good, "before")
					expectStr(t, pull, "before")

					conn := dialRaw(t, ep)
					if c.handshake {
						rawHandshake(t, conn, "PUSH")
					}
					if _, err := conn.Write(c.data); err != nil {
						t.Fatalf("writing to %s: %v", ep, err)
					}
					if c.valid {
						expectStr(t, pull, "from raw peer")
						if closed, how := closedWithin(conn, 200*time.Millisecond); closed {
							t.Fatalf("%s closed a valid peer's connection: %s", pull, how)
						}
					} else if closed, how := closedWithin(conn, opTimeout); !closed {
						t.Fatalf("%s kept the connection of a peer that sent %s: %s", pull, c.name, how)
					}

					for i := 0; i < 10; i++ {
						sendStr(t, good, "after", strconv.Itoa(i))
					}
					for i := 0; i < 10; i++ {
						expectStr(t, pull, "after", strconv.Itoa(i))
					}
					expectNothing(t, pull)
				})
			}

			t.Run("junk-server", func(t *testing.T) {
				// Our PULL connects to a good libzmq PUSH and to a server that
				// answers with junk; it must drop the junk connection and keep
				// receiving from the good one.
				e := newEnv(t)
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				must(t, err)
				accepted := make(chan net.Conn, 8)
				go func() {
					for {
						c, err := ln.Accept()
						if err != nil {
							close(accepted)
							return
						}
						c.Write(append([]byte{0x00}, strings.Repeat("junk", 40)...))
						accepted <- c
					}
				}()
				t.Cleanup(func() {
					ln.Close()
					for c := range accepted {
						c.Close()
					}
				})

				pull := e.socket(target, PULL)
				must(t, pull.SetReconnectIvl(50*time.Millisecond))
				good := e.socket(libzmq, PUSH)
				ep := bindAny(t, good)
				must(t, pull.Connect("tcp://"+ln.Addr().String()))
				must(t, pull.Connect(ep))

				var first net.Conn
				select {
				case first = <-accepted:
				case <-time.After(opTimeout):
					t.Fatalf("%s did not connect to the junk server", pull)
				}
				if closed, how := closedWithin(first, opTimeout); !closed {
					t.Fatalf("%s kept its connection to a junk server: %s", pull, how)
				}
				stream(t, good, pull, 20)
			})
		})
	}
}

// rawHandshake sends a ZMTP 3.0 NULL greeting and READY for socketType on
// conn, then reads the peer's greeting and READY command.
func rawHandshake(t *testing.T, conn net.Conn, socketType string) {
	t.Helper()
	if _, err := conn.Write(join(greeting("NULL"), readyCommand(socketType))); err != nil {
		t.Fatalf("raw handshake: %v", err)
	}
	must(t, conn.SetReadDeadline(time.Now().Add(opTimeout)))
	defer conn.SetReadDeadline(time.Time{})
	g := make([]byte, 64)
	if _, err := io.ReadFull(conn, g); err != nil {
		t.Fatalf("raw handshake: reading greeting: %v", err)
	}
	if g[0] != 0xff || g[9]&1 == 0 || g[10] != 3 || string(g[12:16]) != "NULL" {
		t.Fatalf("raw handshake: unexpected greeting % x", g)
	}
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(conn, hdr); err != nil {
		t.Fatalf("raw handshake: reading READY: %v", err)
	}
	if hdr[0] != 0x04 { // short command; a READY never needs the long form
		t.Fatalf("raw handshake: expected a short command frame, got flags %#x", hdr[0])
	}
	body := make([]byte, hdr[1])
	if _, err := io.ReadFull(conn, body); err != nil {
		t.Fatalf("raw handshake: reading READY: %v", err)
	}
	if !strings.HasPrefix(string(body), "\x05READY") {
		t.Fatalf("raw handshake: expected READY, got %q", body)
	}
}

func dialRaw(t *testing.T, ep string) net.Conn {
	t.Helper()
	addr := strings.TrimPrefix(ep, "tcp://")
	conn, err := net.DialTimeout("tcp", addr, opTimeout)
	if err != nil {
		t.Fatalf("dialing %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// closedWithin reads and discards what the peer sends until it closes the
// connection or d passes. It reports whether the peer closed it, and how.
func closedWithin(conn net.Conn, d time.Duration) (bool, string) {
	if err := conn.SetReadDeadline(time.Now().Add(d)); err != nil {
		return false, err.Error()
	}
	n, err := io.Copy(io.Discard, conn)
	switch {
	case err == nil:
		return true, fmt.Sprintf("EOF after %d bytes", n)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return false, fmt.Sprintf("still open after %v (%d bytes received)", d, n)
	default:
		// A reset also means the peer dropped us.
		return true, fmt.Sprintf("%v after %d bytes", err, n)
	}
}
