//go:build unix

package core

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// TestDirectWriteKeepsOrder: a sender that pauses now and then takes the
// direct path (it writes small messages itself while the writer is idle),
// also while the receiver does not read and the socket buffer fills (the
// direct write then takes only part and the writer finishes it). Every
// message arrives once and in order, and the writer's batches mix with
// the direct writes without reordering.
func TestDirectWriteKeepsOrder(t *testing.T) {
	for _, endpoint := range []string{"tcp://127.0.0.1:*", "ipc://*"} {
		t.Run(endpoint[:3], func(t *testing.T) {
			directTypes[PUSH] = true                        // no test runs in parallel
			t.Cleanup(func() { delete(directTypes, PUSH) }) // after the sockets' cleanup
			e := newEnv(t)
			push, pull := e.socket(PUSH), e.socket(PULL)
			must(t, push.SetInt(OptSndhwm, 100000))
			must(t, pull.SetInt(OptRcvhwm, 10)) // the reader stops: socket buffers fill
			must(t, pull.Bind(endpoint))
			ep, err := pull.GetBytes(OptLastEndpoint)
			must(t, err)
			must(t, push.Connect(string(ep)))
			const n = 30000
			msg := make([]byte, 1000)
			for i := 0; i < n; i++ {
				binary.BigEndian.PutUint32(msg, uint32(i))
				must(t, push.Send(msg, 0))
				if i%50 == 0 {
					time.Sleep(directGap + 10*time.Microsecond)
				}
			}
			for i := 0; i < n; i++ {
				b, err := pull.Recv(0)
				if err != nil {
					t.Fatalf("recv %d: %v", i, err)
				}
				if got := binary.BigEndian.Uint32(b); got != uint32(i) || len(b) != len(msg) {
					t.Fatalf("message %d: got number %d, %d bytes", i, got, len(b))
				}
			}
		})
	}
}

// TestWriteNowNeverWaits: with the peer not reading, writeNow's attempts
// fill the socket buffer and then write nothing (no error, no wait); every
// byte it reported went out, in order.
func TestWriteNowNeverWaits(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	must(t, err)
	defer c.Close()
	peer, err := l.Accept()
	must(t, err)
	defer peer.Close()
	w := writeNow(c)
	if w == nil {
		t.Fatal("no raw access to a TCP connection")
	}
	chunk := make([]byte, 64<<10)
	var sent int64
	for i := 0; ; i++ {
		for j := range chunk {
			chunk[j] = byte(sent + int64(j))
		}
		n, err := w(chunk)
		must(t, err)
		sent += int64(n)
		if n == 0 {
			break // the buffer is full
		}
		if i > 100000 {
			t.Fatal("the socket buffer never filled")
		}
	}
	c.Close()
	got, err := io.ReadAll(peer)
	must(t, err)
	if int64(len(got)) != sent {
		t.Fatalf("peer got %d bytes, writeNow reported %d", len(got), sent)
	}
	for i, b := range got {
		if b != byte(i) {
			t.Fatalf("byte %d is %d, want %d", i, b, byte(i))
		}
	}
}
