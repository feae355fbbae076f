package core

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// dialRaw connects a plain net.Conn to a bound tcp or ipc endpoint.
func dialRaw(t *testing.T, ep string) net.Conn {
	t.Helper()
	network, addr := "tcp", strings.TrimPrefix(ep, "tcp://")
	if strings.HasPrefix(ep, "ipc://") {
		network, addr = "unix", strings.TrimPrefix(ep, "ipc://")
	}
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readN reads exactly n bytes from c, failing after five seconds.
func readN(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("reading %d bytes: %v", n, err)
	}
	return b
}

// expectEOF checks that the peer closed c with nothing more sent.
func expectEOF(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	rest, err := io.ReadAll(c)
	if err != nil || len(rest) != 0 {
		t.Fatalf("expected a clean close, got %q, %v", rest, err)
	}
}

// expectQuiet checks that nothing more arrives on c for a short while.
func expectQuiet(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var b [64]byte
	if n, err := c.Read(b[:]); n > 0 || err == nil {
		t.Fatalf("unexpected bytes %q", b[:n])
	}
}

// expectNoMsg checks that s has no message waiting, after a short pause.
func expectNoMsg(t *testing.T, s *Socket) {
	t.Helper()
	time.Sleep(50 * time.Millisecond)
	if m, err := s.RecvMsg(DontWait); err != EAGAIN {
		t.Fatalf("unexpected %q, %v", m, err)
	}
}

// recvFrom receives one STREAM message and checks its id (when want is
// set) and returns the id and the data.
func recvFrom(t *testing.T, s *Socket, wantID []byte) (id, data []byte) {
	t.Helper()
	m, err := s.RecvMsg(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 {
		t.Fatalf("STREAM message of %d frames: %q", len(m), m)
	}
	if wantID != nil && !bytes.Equal(m[0], wantID) {
		t.Fatalf("message from %q, want %q", m[0], wantID)
	}
	return m[0], m[1]
}

// recvBytes gathers n bytes of data from id, however they were split.
func recvBytes(t *testing.T, s *Socket, id []byte, n int) []byte {
	t.Helper()
	var got []byte
	for len(got) < n {
		_, data := recvFrom(t, s, id)
		if len(data) == 0 {
			t.Fatalf("notification after %d of %d bytes", len(got), n)
		}
		got = append(got, data...)
	}
	if len(got) != n {
		t.Fatalf("got %d bytes, want %d", len(got), n)
	}
	return got
}

func TestStreamBoundRawClient(t *testing.T) {
	type tc struct {
		name      string
		transport string
		notify    bool
	}
	cases := []tc{{"tcp", "tcp://127.0.0.1:*", true}, {"tcp,no-notify", "tcp://127.0.0.1:*", false}}
	if HasIPC {
		cases = append(cases, tc{"ipc", "ipc://*", true})
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.socket(STREAM)
			must(t, s.SetInt(OptStreamNotify, boolInt(c.notify)))
			must(t, s.Bind(c.transport))
			ep, err := s.GetBytes(OptLastEndpoint)
			must(t, err)
			conn := dialRaw(t, string(ep))

			var id []byte
			if c.notify {
				var data []byte
				id, data = recvFrom(t, s, nil)
				if len(id) != 5 || id[0] != 0 || len(data) != 0 {
					t.Fatalf("connect notification [%q, %q], want [<5-byte id>, \"\"]", id, data)
				}
			}
			conn.Write([]byte("hello"))
			gotID, data := recvFrom(t, s, id)
			if string(data) != "hello" {
				t.Fatalf("got %q, want hello", data)
			}
			id = gotID
			must(t, s.SendMsg([][]byte{id, []byte("world")}, 0))
			if got := readN(t, conn, 5); string(got) != "world" {
				t.Fatalf("client got %q", got)
			}

			// A large message both ways, split however the system likes.
			go conn.Write(big)
			if got := recvBytes(t, s, id, len(big)); !bytes.Equal(got, big) {
				t.Fatal("large message from the client corrupted")
			}
			must(t, s.SendMsg([][]byte{id, big}, 0))
			if got := readN(t, conn, len(big)); !bytes.Equal(got, big) {
				t.Fatal("large message to the client corrupted")
			}

			// The client hangs up.
			conn.Close()
			if c.notify {
				if _, data := recvFrom(t, s, id); len(data) != 0 {
					t.Fatalf("disconnect notification carries %q", data)
				}
			} else {
				expectNoMsg(t, s)
			}

			// The socket hangs up on a second client: what it sent first is
			// delivered, then the connection closes, unannounced.
			conn2 := dialRaw(t, string(ep))
			conn2.Write([]byte("x"))
			var id2 []byte
			if c.notify {
				id2, _ = recvFrom(t, s, nil)
			}
			id2, _ = recvFrom(t, s, id2)
			if bytes.Equal(id2, id) {
				t.Fatal("a new connection reused the old id")
			}
			must(t, s.SendMsg([][]byte{id2, []byte("bye")}, 0))
			must(t, s.SendMsg([][]byte{id2, nil}, 0))
			if got := readN(t, conn2, 3); string(got) != "bye" {
				t.Fatalf("client got %q", got)
			}
			expectEOF(t, conn2)
			expectNoMsg(t, s)
			if err := s.Send(id2, SndMore); err != EHOSTUNREACH {
				t.Fatalf("sending to a closed connection: %v, want EHOSTUNREACH", err)
			}
		})
	}
}

func TestStreamPeerAddress(t *testing.T) {
	e := newEnv(t)
	s := e.socket(STREAM)
	conn := dialRaw(t, e.bind(s))
	_, props, err := s.RecvFrameProps(0)
	must(t, err)
	if addr, ok := props.Get("Peer-Address"); !ok || addr != "127.0.0.1" {
		t.Fatalf("Peer-Address %q, %v", addr, ok)
	}
	conn.Close()
}

// TestStreamSendFrames checks the frame-by-frame rules of libzmq's STREAM
// sending (checked against libzmq 4.3.4 in interop/stream_test.go).
func TestStreamSendFrames(t *testing.T) {
	type frame struct {
		data string // "ID" stands for the peer's id
		more bool
		err  error
	}
	cases := []struct {
		name   string
		frames []frame
		want   string // what the peer receives
	}{
		{"id then data", []frame{{"ID", true, nil}, {"data", false, nil}}, "data"},
		{"data sent with more", []frame{{"ID", true, nil}, {"data", true, nil}, {"ID", true, nil}, {"next", false, nil}}, "datanext"},
		{"unknown id", []frame{{"nobody", true, EHOSTUNREACH}, {"ID", true, nil}, {"ok", false, nil}}, "ok"},
		{"third frame starts the next message", []frame{{"ID", true, nil}, {"d1", true, nil}, {"d2", false, nil}, {"ID", true, nil}, {"lost", false, nil}, {"x", false, nil}, {"ID", true, nil}, {"ok", false, nil}}, "d1ok"},
		{"lone frame is ignored with the next one", []frame{{"ID", false, nil}, {"ID", true, nil}, {"lost", false, nil}, {"x", false, nil}, {"ID", true, nil}, {"ok", false, nil}}, "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.socket(STREAM)
			conn := dialRaw(t, e.bind(s))
			id, _ := recvFrom(t, s, nil)
			for i, f := range c.frames {
				data := []byte(f.data)
				if f.data == "ID" {
					data = id
				}
				var flags Flag
				if f.more {
					flags = SndMore
				}
				if err := s.Send(data, flags); err != f.err {
					t.Fatalf("frame %d (%q): %v, want %v", i, f.data, err, f.err)
				}
			}
			if c.want != "" {
				if got := readN(t, conn, len(c.want)); string(got) != c.want {
					t.Fatalf("peer got %q, want %q", got, c.want)
				}
			}
			expectQuiet(t, conn)
		})
	}
}

// TestStreamConnectHTTP has a STREAM socket speak HTTP/1.0 to a plain Go
// listener: the request is queued before the connection exists, the
// response arrives as raw bytes, the server's close is announced, the
// socket reconnects with the same id, and an empty frame ends it for good.
func TestStreamConnectHTTP(t *testing.T) {
	for _, rid := range []string{"", "web"} {
		t.Run(fmt.Sprintf("rid=%q", rid), func(t *testing.T) {
			e := newEnv(t)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			must(t, err)
			defer ln.Close()
			s := e.socket(STREAM)
			must(t, s.SetInt(OptReconnectIvl, 10))
			if rid != "" {
				must(t, s.SetBytes(OptConnectRoutingID, []byte(rid)))
			}
			must(t, s.Connect("tcp://"+ln.Addr().String()))
			id := []byte(rid)
			if rid == "" {
				id, err = s.GetBytes(OptRoutingID)
				must(t, err)
				if len(id) != 5 || id[0] != 0 {
					t.Fatalf("ROUTING_ID after Connect = %q, want the generated id", id)
				}
			}
			req := "GET / HTTP/1.0\r\n\r\n"
			must(t, s.SendMsg([][]byte{id, []byte(req)}, 0))

			srv, err := ln.Accept()
			must(t, err)
			if got := readN(t, srv, len(req)); string(got) != req {
				t.Fatalf("server got %q", got)
			}
			resp := "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"
			srv.Write([]byte(resp))
			srv.Close()

			if _, data := recvFrom(t, s, id); len(data) != 0 {
				t.Fatalf("connect notification carries %q", data)
			}
			var got []byte
			for {
				_, data := recvFrom(t, s, id)
				if len(data) == 0 {
					break // disconnected
				}
				got = append(got, data...)
			}
			if string(got) != resp {
				t.Fatalf("response %q, want %q", got, resp)
			}

			// The connecter comes back, under the same id.
			srv, err = ln.Accept()
			must(t, err)
			defer srv.Close()
			if _, data := recvFrom(t, s, id); len(data) != 0 {
				t.Fatalf("reconnect notification carries %q", data)
			}
			must(t, s.SendMsg([][]byte{id, []byte("last")}, 0))
			must(t, s.SendMsg([][]byte{id, {}}, 0))
			if got := readN(t, srv, 4); string(got) != "last" {
				t.Fatalf("server got %q", got)
			}
			expectEOF(t, srv)
			// No more connecting after the user closed the connection.
			ln.(*net.TCPListener).SetDeadline(time.Now().Add(200 * time.Millisecond))
			if c, err := ln.Accept(); err == nil {
				c.Close()
				t.Fatal("the socket reconnected after an empty frame closed its connection")
			}
			expectNoMsg(t, s)
		})
	}
}

// TestStreamManyClients routes replies to concurrent raw clients by id.
func TestStreamManyClients(t *testing.T) {
	e := newEnv(t)
	s := e.socket(STREAM)
	must(t, s.SetInt(OptStreamNotify, 0))
	ep := e.bind(s)
	const n, rounds = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		conn := dialRaw(t, ep)
		wg.Add(1)
		go func(i int, conn net.Conn) {
			defer wg.Done()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			for r := 0; r < rounds; r++ {
				msg := fmt.Sprintf("client%d-%02d", i, r)
				if _, err := conn.Write([]byte(msg)); err != nil {
					errs <- err
					return
				}
				back := make([]byte, len(msg))
				if _, err := io.ReadFull(conn, back); err != nil {
					errs <- err
					return
				}
				if string(back) != strings.ToUpper(msg) {
					errs <- fmt.Errorf("client %d got %q for %q", i, back, msg)
					return
				}
			}
		}(i, conn)
	}
	// Each client waits for its answer before sending again, so one read
	// brings one whole request.
	for k := 0; k < n*rounds; k++ {
		id, data := recvFrom(t, s, nil)
		must(t, s.SendMsg([][]byte{id, bytes.ToUpper(data)}, 0))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestStreamMonitor(t *testing.T) {
	e := newEnv(t)
	s := e.socket(STREAM)
	next := watch(t, e, s, "mon-stream")
	ep := e.bind(s)
	expectEvents(t, next, ep, EventListening)
	conn := dialRaw(t, ep)
	expectEvents(t, next, ep, EventAccepted)
	recvFrom(t, s, nil)
	conn.Close()
	expectEvents(t, next, ep, EventDisconnected)
	recvFrom(t, s, nil) // the disconnect notification
	// A connection the user closes is not reported, as in libzmq.
	conn = dialRaw(t, ep)
	expectEvents(t, next, ep, EventAccepted)
	id, _ := recvFrom(t, s, nil)
	must(t, s.SendMsg([][]byte{id, nil}, 0))
	expectEOF(t, conn)
	must(t, s.Close())
	expectEvents(t, next, ep, EventClosed, EventMonitorStopped)
}

func TestStreamOptions(t *testing.T) {
	e := newEnv(t)
	s := e.socket(STREAM)
	d := e.socket(DEALER)
	for _, c := range []struct {
		s    *Socket
		v    int
		want error
	}{{s, 0, nil}, {s, 1, nil}, {s, 2, EINVAL}, {s, -1, EINVAL}, {d, 1, EINVAL}} {
		if err := c.s.SetInt(OptStreamNotify, c.v); err != c.want {
			t.Errorf("%v: STREAM_NOTIFY %d: %v, want %v", c.s.Type(), c.v, err, c.want)
		}
	}
	// Two connections may not share a CONNECT_ROUTING_ID.
	must(t, s.SetBytes(OptConnectRoutingID, []byte("peer")))
	must(t, s.Connect("tcp://127.0.0.1:1"))
	must(t, s.SetBytes(OptConnectRoutingID, []byte("peer")))
	if err := s.Connect("tcp://127.0.0.1:2"); err != EINVAL {
		t.Fatalf("second Connect with the same CONNECT_ROUTING_ID: %v, want EINVAL", err)
	}
	if err := d.SetBytes(OptConnectRoutingID, []byte("peer")); err != EINVAL {
		t.Fatalf("CONNECT_ROUTING_ID on DEALER: %v, want EINVAL", err)
	}
}

// TestStreamInproc: over inproc (which libzmq also allows) a STREAM pair
// just passes data along, each side naming the other with an id of its own.
func TestStreamInproc(t *testing.T) {
	e := newEnv(t)
	x := e.socket(STREAM)
	y := e.socket(STREAM)
	must(t, x.Bind("inproc://stream"))
	must(t, y.Connect("inproc://stream"))
	yid, err := y.GetBytes(OptRoutingID)
	must(t, err)
	must(t, y.SendMsg([][]byte{yid, []byte("hi")}, 0))
	xid, data := recvFrom(t, x, nil)
	if string(data) != "hi" || len(xid) != 5 || bytes.Equal(xid, yid) {
		t.Fatalf("got [%q, %q]", xid, data)
	}
	must(t, x.SendMsg([][]byte{xid, []byte("yo")}, 0))
	if _, data := recvFrom(t, y, yid); string(data) != "yo" {
		t.Fatalf("got %q", data)
	}
	must(t, x.SendMsg([][]byte{xid, nil}, 0)) // ends the link
	if err := x.Send(xid, SndMore); err != EHOSTUNREACH {
		t.Fatalf("after closing: %v, want EHOSTUNREACH", err)
	}
}

// BenchmarkStreamTCP sends [id, data] messages from one STREAM socket to
// another; the receiver counts bytes, since raw data arrives in chunks of
// whatever size the reads return.
func BenchmarkStreamTCP(b *testing.B) {
	for _, size := range []int{64, 1024, 65536} {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			_, x, y := benchPair(b, STREAM, STREAM, "tcp://127.0.0.1:*")
			id, _ := y.GetBytes(OptRoutingID)
			x.SetInt(OptStreamNotify, 0)
			msg := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			go func() {
				for i := 0; i < b.N; i++ {
					if err := y.Send(id, SndMore); err != nil {
						panic(err)
					}
					if err := y.Send(msg, 0); err != nil {
						panic(err)
					}
				}
			}()
			for total := 0; total < b.N*size; {
				f, err := x.Recv(0)
				if err != nil {
					b.Fatal(err)
				}
				if !x.RcvMore() {
					total += len(f)
				}
			}
		})
	}
}

// TestStreamSendHWM: with the peer's queue full, the id frame is where a
// send waits or, with DONTWAIT, fails with EAGAIN (as in libzmq).
func TestStreamSendHWM(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close() // nobody listens: messages stay queued
	s := e.socket(STREAM)
	must(t, s.SetInt(OptSndhwm, 2))
	must(t, s.SetInt(OptSndtimeo, 50))
	must(t, s.Connect("tcp://"+addr))
	id, err := s.GetBytes(OptRoutingID)
	must(t, err)
	for i := 0; i < 2; i++ {
		must(t, s.SendMsg([][]byte{id, []byte("queued")}, 0))
	}
	if err := s.Send(id, SndMore|DontWait); err != EAGAIN {
		t.Fatalf("id frame with DONTWAIT to a full peer: %v, want EAGAIN", err)
	}
	if err := s.Send(id, SndMore); err != EAGAIN {
		t.Fatalf("id frame to a full peer after SNDTIMEO: %v, want EAGAIN", err)
	}
	if s.Events()&PollOut == 0 {
		t.Fatal("a STREAM socket is always writable, as in libzmq")
	}
}
