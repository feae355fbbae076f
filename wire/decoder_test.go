package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"testing"
	"testing/iotest"
)

// testFrame is a frame to encode: flags without FlagLong, and a body.
type testFrame struct {
	flags byte
	body  []byte
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

// encodeFrames builds a stream with AppendFrameHeader.
func encodeFrames(frames []testFrame) []byte {
	var b []byte
	for _, f := range frames {
		b = AppendFrameHeader(b, f.flags, len(f.body))
		b = append(b, f.body...)
	}
	return b
}

// decodeAll reads frames until an error and returns them with that error.
func decodeAll(d *Decoder) ([]Frame, error) {
	var out []Frame
	for {
		f, err := d.Next()
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
}

func checkFrames(t *testing.T, got []Frame, want []testFrame) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("decoded %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		wantFlags := want[i].flags
		if len(want[i].body) > MaxShortSize {
			wantFlags |= FlagLong
		}
		if got[i].Flags != wantFlags {
			t.Fatalf("frame %d: flags %#x, want %#x", i, got[i].Flags, wantFlags)
		}
		if !bytes.Equal(got[i].Body, want[i].body) {
			t.Fatalf("frame %d: body of %d bytes differs from want (%d bytes)", i, len(got[i].Body), len(want[i].body))
		}
		if cap(got[i].Body) != len(got[i].Body) {
			t.Fatalf("frame %d: cap %d > len %d", i, cap(got[i].Body), len(got[i].Body))
		}
		if got[i].More() != (want[i].flags&FlagMore != 0) || got[i].IsCommand() != (want[i].flags&FlagCommand != 0) {
			t.Fatalf("frame %d: More/IsCommand disagree with flags %#x", i, got[i].Flags)
		}
	}
}

func TestAppendFrameHeader(t *testing.T) {
	tests := []struct {
		flags byte
		size  int
		want  []byte
	}{
		{0, 0, []byte{0, 0}},
		{FlagMore, 1, []byte{1, 1}},
		{FlagCommand, 255, []byte{4, 255}},
		{FlagLong, 255, []byte{0, 255}}, // FlagLong cleared when short
		{0, 256, []byte{2, 0, 0, 0, 0, 0, 0, 1, 0}},
		{FlagMore, 65536, []byte{3, 0, 0, 0, 0, 0, 1, 0, 0}},
		{FlagCommand, 1 << 40, []byte{6, 0, 0, 1, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		got := AppendFrameHeader([]byte{9}, tt.flags, tt.size)
		if !bytes.Equal(got[1:], tt.want) || got[0] != 9 {
			t.Errorf("AppendFrameHeader(%#x, %d) = % x, want % x", tt.flags, tt.size, got[1:], tt.want)
		}
		if HeaderSize(tt.size) != len(tt.want) {
			t.Errorf("HeaderSize(%d) = %d", tt.size, HeaderSize(tt.size))
		}
	}
}

func TestDecoderSizes(t *testing.T) {
	sizes := []int{0, 1, 255, 256, 65535, 65536, 16 << 20}
	flagSets := []byte{0, FlagMore, FlagCommand}
	for _, size := range sizes {
		body := pattern(size, 1)
		chunks := []int{DefaultChunkSize, MinChunkSize, 300}
		if size > 1<<20 {
			chunks = chunks[:1] // keep the race-enabled run short
		}
		for _, flags := range flagSets {
			for _, chunk := range chunks {
				name := fmt.Sprintf("size%d/flags%d/chunk%d", size, flags, chunk)
				t.Run(name, func(t *testing.T) {
					frames := []testFrame{{flags, body}, {0, []byte("tail")}}
					d := NewDecoderSize(bytes.NewReader(encodeFrames(frames)), -1, chunk)
					got, err := decodeAll(d)
					if err != io.EOF {
						t.Fatalf("err = %v, want io.EOF", err)
					}
					checkFrames(t, got, frames)
				})
			}
		}
	}
}

// mixedFrames is a stream exercising short, long, chunk-sized and larger
// frames with every flag combination.
func mixedFrames() []testFrame {
	var fs []testFrame
	for i, n := range []int{0, 1, 5, 255, 256, 1000, 0, 3000, 70000, 12, 65535, 2, 65536 - 9, 200000, 7} {
		flags := []byte{0, FlagMore, FlagCommand}[i%3]
		fs = append(fs, testFrame{flags, pattern(n, byte(i))})
	}
	return fs
}

func TestDecoderReaders(t *testing.T) {
	frames := mixedFrames()
	stream := encodeFrames(frames)
	readers := map[string]func() io.Reader{
		"whole":   func() io.Reader { return bytes.NewReader(stream) },
		"onebyte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(stream)) },
		"half":    func() io.Reader { return iotest.HalfReader(bytes.NewReader(stream)) },
		"dataerr": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(stream)) },
	}
	for name, mk := range readers {
		for _, chunk := range []int{DefaultChunkSize, 4096, MinChunkSize} {
			t.Run(fmt.Sprintf("%s/%d", name, chunk), func(t *testing.T) {
				d := NewDecoderSize(mk(), -1, chunk)
				got, err := decodeAll(d)
				if err != io.EOF {
					t.Fatalf("err = %v", err)
				}
				checkFrames(t, got, frames)
			})
		}
	}
}

// TestDecoderSplitEverywhere splits a stream in two reads at every byte
// boundary.
func TestDecoderSplitEverywhere(t *testing.T) {
	frames := []testFrame{
		{0, nil}, {FlagMore, []byte("a")}, {0, pattern(255, 3)}, {FlagCommand, pattern(256, 4)},
		{FlagMore, pattern(40, 5)}, {0, pattern(600, 6)}, {0, []byte("end")},
	}
	stream := encodeFrames(frames)
	for _, chunk := range []int{DefaultChunkSize, 512, 64, MinChunkSize} {
		for i := 0; i <= len(stream); i++ {
			r := io.MultiReader(bytes.NewReader(stream[:i]), bytes.NewReader(stream[i:]))
			d := NewDecoderSize(r, -1, chunk)
			got, err := decodeAll(d)
			if err != io.EOF {
				t.Fatalf("chunk %d split %d: err = %v", chunk, i, err)
			}
			checkFrames(t, got, frames)
		}
	}
}

// TestDecoderBodiesStable keeps every body and checks none was overwritten
// by later reads.
func TestDecoderBodiesStable(t *testing.T) {
	var frames []testFrame
	for i := 0; i < 3000; i++ {
		frames = append(frames, testFrame{0, pattern(i%300, byte(i))})
	}
	stream := encodeFrames(frames)
	d := NewDecoderSize(iotest.HalfReader(bytes.NewReader(stream)), -1, 1024)
	got, err := decodeAll(d)
	if err != io.EOF {
		t.Fatal(err)
	}
	checkFrames(t, got, frames)
	// Appending to a body must not clobber the next frame.
	_ = append(got[0].Body, 0xEE, 0xEE, 0xEE)
	checkFrames(t, got, frames)
}

func TestDecoderEOF(t *testing.T) {
	full := encodeFrames([]testFrame{{0, []byte("hello")}, {0, pattern(300, 1)}, {0, pattern(5000, 2)}})
	tests := []struct {
		name   string
		stream []byte
		chunk  int
		frames int
		err    error
	}{
		{"empty", nil, DefaultChunkSize, 0, io.EOF},
		{"clean", full, DefaultChunkSize, 3, io.EOF},
		{"in short header", full[:1], DefaultChunkSize, 0, io.ErrUnexpectedEOF},
		{"in short body", full[:4], DefaultChunkSize, 0, io.ErrUnexpectedEOF},
		{"in long header", full[:7+5], DefaultChunkSize, 1, io.ErrUnexpectedEOF},
		{"in long body", full[:7+9+100], DefaultChunkSize, 1, io.ErrUnexpectedEOF},
		{"in large body", full[:len(full)-1], 1024, 2, io.ErrUnexpectedEOF},
		{"after large header", full[:7+9+300+9], 1024, 2, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		for _, mode := range []string{"whole", "onebyte"} {
			var r io.Reader = bytes.NewReader(tt.stream)
			if mode == "onebyte" {
				r = iotest.OneByteReader(r)
			}
			got, err := decodeAll(NewDecoderSize(r, -1, tt.chunk))
			if len(got) != tt.frames || err != tt.err {
				t.Errorf("%s/%s: %d frames, err %v; want %d, %v", tt.name, mode, len(got), err, tt.frames, tt.err)
			}
		}
	}
}

// headerOnlyReader returns hdr and then fails the test if read again.
type headerOnlyReader struct {
	t    *testing.T
	hdr  []byte
	done bool
}

func (r *headerOnlyReader) Read(p []byte) (int, error) {
	if r.done {
		r.t.Error("decoder read past a header it should have refused")
		return 0, io.EOF
	}
	r.done = true
	return copy(p, r.hdr), nil
}

func longHeader(flags byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{flags | FlagLong}, n)
}

func TestDecoderRejects(t *testing.T) {
	tests := []struct {
		name string
		hdr  []byte
		max  int64
		want error
	}{
		{"reserved bit 3", []byte{0x08, 0}, -1, ErrMalformed},
		{"reserved bit 7", []byte{0x80, 0}, -1, ErrMalformed},
		{"command with more", []byte{FlagCommand | FlagMore, 0}, -1, ErrMalformed},
		{"long command with more", longHeader(FlagCommand|FlagMore, 1), -1, ErrMalformed},
		{"top bit", longHeader(0, 1<<63), -1, ErrFrameTooLarge},
		{"all ones", longHeader(0, math.MaxUint64), -1, ErrFrameTooLarge},
		{"over max short", []byte{0, 11}, 10, ErrFrameTooLarge},
		{"over max long", longHeader(0, 1<<30), 1 << 20, ErrFrameTooLarge},
		{"max zero", []byte{FlagMore, 1}, 0, ErrFrameTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(&headerOnlyReader{t: t, hdr: tt.hdr}, tt.max)
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			_, err := d.Next()
			runtime.ReadMemStats(&m1)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !IsProtocolError(err) {
				t.Fatalf("IsProtocolError(%v) = false", err)
			}
			if !d.Ready() {
				t.Fatal("Ready() = false with a pending protocol error")
			}
			if _, err2 := d.Next(); err2 != err {
				t.Fatalf("error not sticky: %v then %v", err, err2)
			}
			if grown := m1.TotalAlloc - m0.TotalAlloc; grown > 2*DefaultChunkSize {
				t.Fatalf("allocated %d bytes for a refused header", grown)
			}
		})
	}
}

func TestDecoderMaxFrameSizeBoundary(t *testing.T) {
	stream := encodeFrames([]testFrame{{0, pattern(100, 0)}, {0, pattern(101, 0)}})
	d := NewDecoder(bytes.NewReader(stream), 100)
	if f, err := d.Next(); err != nil || len(f.Body) != 100 {
		t.Fatalf("frame at limit: %v", err)
	}
	if _, err := d.Next(); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("err = %v", err)
	}
	d = NewDecoder(bytes.NewReader(stream), 100)
	d.SetMaxFrameSize(-1)
	if got, err := decodeAll(d); len(got) != 2 || err != io.EOF {
		t.Fatalf("unlimited: %d frames, %v", len(got), err)
	}
}

// TestDecoderHugeClaim sends a header claiming an enormous body followed by
// a trickle of bytes: memory must follow what arrives, not the claim.
func TestDecoderHugeClaim(t *testing.T) {
	for _, claim := range []uint64{1 << 62, 1 << 40, 3 << 20} {
		stream := append(longHeader(0, claim), pattern(100, 0)...)
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		_, err := NewDecoder(iotest.HalfReader(bytes.NewReader(stream)), -1).Next()
		runtime.ReadMemStats(&m1)
		if err != io.ErrUnexpectedEOF {
			t.Fatalf("claim %d: err = %v", claim, err)
		}
		if grown := m1.TotalAlloc - m0.TotalAlloc; grown > largeInitial+2*DefaultChunkSize {
			t.Fatalf("claim %d: allocated %d bytes for 100 received", claim, grown)
		}
	}
}

func TestDecoderReady(t *testing.T) {
	stream := encodeFrames([]testFrame{{0, []byte("ab")}, {0, pattern(300, 0)}, {0, nil}})
	// Feed the stream one byte at a time and check Ready against Next.
	pr, pw := io.Pipe()
	d := NewDecoderSize(pr, -1, MinChunkSize)
	done := make(chan error, 1)
	go func() {
		for i := range stream {
			if _, err := pw.Write(stream[i : i+1]); err != nil {
				done <- err
				return
			}
		}
		done <- pw.Close()
	}()
	if d.Ready() {
		t.Fatal("Ready before any input")
	}
	for i := 0; i < 3; i++ {
		if _, err := d.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if d.Ready() {
		t.Fatal("Ready with nothing buffered")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Whole stream buffered: Ready holds until the last frame is taken.
	d = NewDecoder(bytes.NewReader(stream), -1)
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if !d.Ready() {
			t.Fatalf("frame %d buffered but not Ready", i+1)
		}
		if _, err := d.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if d.Ready() || len(d.Buffered()) != 0 {
		t.Fatal("Ready/Buffered after last frame")
	}
}

func TestDecoderBuffered(t *testing.T) {
	stream := encodeFrames([]testFrame{{0, []byte("ab")}, {0, []byte("cd")}})
	d := NewDecoder(bytes.NewReader(stream), -1)
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Buffered(), stream[4:]) {
		t.Fatalf("Buffered = % x", d.Buffered())
	}
}

// flakyReader fails once with errFlaky after delivering `before` bytes.
type flakyReader struct {
	r      io.Reader
	before int
	failed bool
}

var errFlaky = errors.New("flaky")

func (f *flakyReader) Read(p []byte) (int, error) {
	if !f.failed && f.before == 0 {
		f.failed = true
		return 0, errFlaky
	}
	if !f.failed && len(p) > f.before {
		p = p[:f.before]
	}
	n, err := f.r.Read(p)
	if !f.failed {
		f.before -= n
	}
	return n, err
}

// TestDecoderResumesAfterReadError checks that a read error (for example a
// deadline) mid-frame is reported once and decoding then resumes.
func TestDecoderResumesAfterReadError(t *testing.T) {
	frames := []testFrame{{0, []byte("hello")}, {FlagMore, pattern(3000, 1)}, {0, []byte("x")}}
	stream := encodeFrames(frames)
	for cut := 0; cut < len(stream); cut += 97 {
		d := NewDecoderSize(&flakyReader{r: bytes.NewReader(stream), before: cut}, -1, 1024)
		var got []Frame
		sawErr := false
		for {
			f, err := d.Next()
			if err == errFlaky && !sawErr {
				sawErr = true
				continue
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("cut %d: %v", cut, err)
			}
			got = append(got, f)
		}
		if !sawErr {
			t.Fatalf("cut %d: read error not reported", cut)
		}
		checkFrames(t, got, frames)
	}
}

func TestDecoderReset(t *testing.T) {
	d := NewDecoderSize(bytes.NewReader([]byte{0, 1}), 5, 100)
	if _, err := d.Next(); err != io.ErrUnexpectedEOF {
		t.Fatal(err)
	}
	d.Reset(bytes.NewReader([]byte{0, 6, 1, 2, 3, 4, 5, 6}))
	if _, err := d.Next(); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("limit lost on Reset: %v", err)
	}
}

// TestDecoderAllocsAmortized: one chunk allocation per chunk of traffic.
func TestDecoderAllocsAmortized(t *testing.T) {
	const frames = 10000
	var stream []byte
	for i := 0; i < frames; i++ {
		stream = AppendFrameHeader(stream, 0, 64)
		stream = append(stream, pattern(64, byte(i))...)
	}
	r := bytes.NewReader(stream)
	d := NewDecoder(r, -1)
	allocs := testing.AllocsPerRun(20, func() {
		r.Reset(stream)
		d.Reset(r)
		for i := 0; i < frames; i++ {
			if _, err := d.Next(); err != nil {
				t.Fatal(err)
			}
		}
	})
	chunks := float64(len(stream))/DefaultChunkSize + 2
	if allocs > chunks {
		t.Fatalf("%v allocs for %d frames, want <= %v", allocs, frames, chunks)
	}
}
