package wire

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"testing"
	"unsafe"

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

func TestEncoderRelease(t *testing.T) {
	big := pattern(CopyThreshold, 7)
	tests := []struct {
		name   string
		append func(e *Encoder)
	}{
		{"small", func(e *Encoder) { e.AppendFrame(0, []byte("hello")) }},
		{"command", func(e *Encoder) { e.AppendCommand(CmdPing, []byte{0, 1}) }},
		{"raw", func(e *Encoder) { e.AppendRaw([]byte("raw")) }},
		{"referenced", func(e *Encoder) { e.AppendFrame(FlagMore, []byte("a")); e.AppendFrame(0, big) }},
		{"referenced only", func(e *Encoder) { e.AppendRaw(big) }},
		{"large command", func(e *Encoder) { e.AppendCommand(CmdSubscribe, big) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEncoder()
			e.Release() // nothing pending, no buffer: no-op
			var want bytes.Buffer
			ref := NewEncoder()
			tt.append(ref)
			ref.WriteTo(&want)
			for round := 0; round < 3; round++ {
				tt.append(e)
				pending := e.Len()
				e.Release() // pending: must keep everything
				if e.Len() != pending {
					t.Fatalf("Release with %d bytes pending changed Len to %d", pending, e.Len())
				}
				var out bytes.Buffer
				if _, err := e.WriteTo(&out); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out.Bytes(), want.Bytes()) {
					t.Fatalf("round %d: wrote % x, want % x", round, out.Bytes(), want.Bytes())
				}
				e.Release()
				if e.buf != nil || e.Len() != 0 {
					t.Fatalf("round %d: buffer kept after Release", round)
				}
			}
		})
	}
}

// TestEncoderReleaseToPool: the released buffer is the one the pool hands
// out next.
func TestEncoderReleaseToPool(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // one P: one pool cache
	e := NewEncoder()
	e.AppendFrame(0, []byte("x"))
	b := e.buf
	if _, err := e.WriteTo(io.Discard); err != nil {
		t.Fatal(err)
	}
	e.Release()
	if got := pool.Get(cap(b)); unsafe.SliceData(got) != unsafe.SliceData(b) {
		t.Fatal("released buffer not in the pool")
	}
}

// TestEncoderReleaseNoAllocs: releasing between batches and growing within
// one cost no allocation in steady state.
func TestEncoderReleaseNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	small := msgOf(pattern(64, 0))
	multi := msgOf([]byte("id"), nil, pattern(1000, 1))
	large := msgOf([]byte("hdr"), pattern(64<<10, 2))
	tests := []struct {
		name  string
		batch func(e *Encoder)
		hint  bool // keep the size hint across Release
	}{
		{"small", func(e *Encoder) { e.AppendMsg(small) }, true},
		{"mixed", func(e *Encoder) {
			for i := 0; i < 20; i++ {
				e.AppendMsg(small)
				e.AppendMsg(multi)
			}
			e.AppendMsg(large)
			e.AppendCommand(CmdPing, nil)
		}, true},
		// Growing from 4 KiB to 64 KiB in every batch: each step takes a
		// pooled buffer and gives the old one back.
		{"regrow", func(e *Encoder) {
			for i := 0; i < 60; i++ {
				e.AppendMsg(multi)
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEncoder()
			run := func() {
				tt.batch(e)
				if _, err := e.WriteTo(io.Discard); err != nil {
					t.Fatal(err)
				}
				e.Release()
				if !tt.hint {
					e.hint = 0
				}
			}
			run()
			if n := testing.AllocsPerRun(100, run); n != 0 {
				t.Fatalf("allocs = %v", n)
			}
		})
	}
}

// TestEncoderGrowKeepsReferencedBuffer: a buffer that pending segments
// still point into is not given back to the pool when the encoder grows.
func TestEncoderGrowKeepsReferencedBuffer(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	e := NewEncoder()
	want := []testFrame{{FlagMore, []byte("head")}, {FlagMore, pattern(CopyThreshold, 1)}}
	e.AppendFrame(FlagMore, want[0].body)
	e.AppendFrame(FlagMore, want[1].body) // segs now point into buf
	old := e.buf
	for i := 0; cap(e.buf) == cap(old); i++ {
		body := pattern(1000, byte(i))
		e.AppendFrame(FlagMore, body)
		want = append(want, testFrame{FlagMore, body})
	}
	// Whoever takes a buffer of that size next writes all over it.
	for i := 0; i < 4; i++ {
		b := pool.Get(cap(old))
		if unsafe.SliceData(b) == unsafe.SliceData(old) {
			t.Fatal("referenced buffer given back to the pool")
		}
		defer pool.Put(b)
		for j := range b {
			b[j] = 0xEE
		}
	}
	var out bytes.Buffer
	if _, err := e.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	got, err := decodeAll(NewDecoder(&out, -1))
	if err != io.EOF {
		t.Fatal(err)
	}
	checkFrames(t, got, want)
}

// TestEncoderFlatDiscard: the flat bytes are exactly what WriteTo would
// write; Discard drops a written prefix and keeps the rest in order; a
// referenced body makes the encoder not flat.
func TestEncoderFlatDiscard(t *testing.T) {
	e := NewEncoder()
	e.AppendFrame(FlagMore, []byte("hello"))
	e.AppendFrame(0, bytes.Repeat([]byte{'x'}, 300))
	flat, ok := e.Flat()
	if !ok {
		t.Fatal("small frames: not flat")
	}
	var want bytes.Buffer
	want.Write(append([]byte(nil), flat...))
	e.Discard(3)
	rest, ok := e.Flat()
	if !ok || !bytes.Equal(rest, want.Bytes()[3:]) || e.Len() != want.Len()-3 {
		t.Fatalf("after Discard(3): %d bytes, flat %v", e.Len(), ok)
	}
	e.Discard(e.Len())
	if e.Len() != 0 {
		t.Fatalf("after discarding all: %d bytes pending", e.Len())
	}
	e.AppendFrame(0, make([]byte, CopyThreshold))
	if _, ok := e.Flat(); ok {
		t.Fatal("referenced body: flat")
	}
}
