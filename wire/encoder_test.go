package wire

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/monocoque-go/monocoque/pool"
)

func msgOf(frames ...[]byte) *pool.Msg {
	m := new(pool.Msg)
	for _, f := range frames {
		m.Append(f)
	}
	return m
}

func TestEncoderRoundTrip(t *testing.T) {
	big := pattern(CopyThreshold, 9)
	huge := pattern(1<<20+3, 8)
	msgs := [][][]byte{
		{[]byte("single")},
		{nil},
		{[]byte("id"), nil, []byte("body")},
		{pattern(255, 1), pattern(256, 2), pattern(CopyThreshold-1, 3)},
		{big},
		{[]byte("a"), big, []byte("b"), huge, []byte("c")},
		{pattern(10, 1), pattern(10, 2), pattern(10, 3), pattern(10, 4), pattern(10, 5), pattern(10, 6)}, // > inline frames
		{huge, huge},
	}
	var want []testFrame
	e := NewEncoder()
	for _, parts := range msgs {
		e.AppendMsg(msgOf(parts...))
		for i, p := range parts {
			flags := FlagMore
			if i == len(parts)-1 {
				flags = 0
			}
			want = append(want, testFrame{flags, p})
		}
	}
	e.AppendCommand(CmdPing, []byte{0, 10})
	want = append(want, testFrame{FlagCommand, []byte("\x04PING\x00\x0a")})
	e.AppendCommand(CmdSubscribe, big)
	want = append(want, testFrame{FlagCommand, append([]byte("\x09SUBSCRIBE"), big...)})
	e.AppendFrame(FlagMore|FlagLong, []byte("x"))
	e.AppendFrame(0, huge)
	want = append(want, testFrame{FlagMore, []byte("x")}, testFrame{0, huge})
	e.AppendMsg(msgOf()) // empty: nothing

	for _, w := range []string{"buffer", "tcp"} {
		t.Run(w, func(t *testing.T) {
			e := *e // copy pending state for the second run
			e.segs = append([][]byte(nil), e.segs...)
			e.buf = append([]byte(nil), e.buf...)
			pending := e.Len()
			var stream []byte
			switch w {
			case "buffer":
				var out bytes.Buffer
				n, err := e.WriteTo(&out)
				if err != nil || int(n) != pending {
					t.Fatalf("WriteTo = %d, %v; pending %d", n, err, pending)
				}
				stream = out.Bytes()
			case "tcp": // exercises writev
				stream = writeOverTCP(t, &e)
				if len(stream) != pending {
					t.Fatalf("received %d, pending %d", len(stream), pending)
				}
			}
			if e.Len() != 0 {
				t.Fatalf("Len after WriteTo = %d", e.Len())
			}
			got, err := decodeAll(NewDecoder(bytes.NewReader(stream), -1))
			if err != io.EOF {
				t.Fatal(err)
			}
			checkFrames(t, got, want)
		})
	}
}

func writeOverTCP(t *testing.T, e *Encoder) []byte {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback TCP:", err)
	}
	defer ln.Close()
	res := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			res <- nil
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		res <- b
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.WriteTo(c); err != nil {
		t.Fatal(err)
	}
	c.Close()
	return <-res
}

func TestEncoderLenAndReset(t *testing.T) {
	e := NewEncoder()
	if n, err := e.WriteTo(io.Discard); n != 0 || err != nil {
		t.Fatalf("empty WriteTo = %d, %v", n, err)
	}
	e.AppendFrame(0, make([]byte, 10))
	e.AppendFrame(0, make([]byte, 300))
	e.AppendFrame(0, make([]byte, 100000))
	if want := 12 + 309 + 100009; e.Len() != want {
		t.Fatalf("Len = %d, want %d", e.Len(), want)
	}
	e.Reset()
	if e.Len() != 0 {
		t.Fatal("Len after Reset")
	}
	e.AppendFrame(0, []byte("z"))
	var out bytes.Buffer
	e.WriteTo(&out)
	if !bytes.Equal(out.Bytes(), []byte{0, 1, 'z'}) {
		t.Fatalf("after Reset wrote % x", out.Bytes())
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return w.n, errors.New("boom")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestEncoderWriteErrorResets(t *testing.T) {
	for _, body := range [][]byte{pattern(10, 0), pattern(CopyThreshold*2, 0)} {
		e := NewEncoder()
		e.AppendFrame(0, body)
		if _, err := e.WriteTo(&failWriter{n: 5}); err == nil {
			t.Fatal("no error")
		}
		if e.Len() != 0 {
			t.Fatal("not reset after error")
		}
	}
}

// TestEncoderNoAllocs: steady state costs nothing, vectored or not.
func TestEncoderNoAllocs(t *testing.T) {
	small := msgOf(pattern(64, 0))
	multi := msgOf([]byte("id"), nil, pattern(1000, 1))
	large := msgOf([]byte("hdr"), pattern(64<<10, 2))
	e := NewEncoder()
	run := func() {
		for i := 0; i < 100; i++ {
			e.AppendMsg(small)
			e.AppendMsg(multi)
		}
		e.AppendMsg(large)
		e.AppendCommand(CmdPing, nil)
		if _, err := e.WriteTo(io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Fatalf("allocs = %v", n)
	}

	// Over TCP the vectored path becomes writev; still no allocation.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback TCP:", err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tcp := func() {
		e.AppendMsg(small)
		e.AppendMsg(large)
		e.AppendMsg(multi)
		if _, err := e.WriteTo(c); err != nil {
			t.Fatal(err)
		}
	}
	tcp()
	if n := testing.AllocsPerRun(100, tcp); n != 0 {
		t.Fatalf("TCP allocs = %v", n)
	}
}
