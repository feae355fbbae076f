package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/monocoque-go/monocoque/pool"
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
		{"max int64", longHeader(0, math.MaxInt64), -1, ErrFrameTooLarge},
		{"over maxBody", longHeader(0, maxBody+1), -1, ErrFrameTooLarge},
		{"over maxBody, higher limit", longHeader(0, maxBody+1), math.MaxInt64, ErrFrameTooLarge},
		{"command over maxBody", longHeader(FlagCommand, maxBody+1), -1, ErrFrameTooLarge},
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

// TestDecoderAllocs: one allocation per non-empty body, none for the read
// buffer, which is reused (also across Reset).
func TestDecoderAllocs(t *testing.T) {
	for _, size := range []int{0, 1, 64, 255, 1000, DirectMin - LongHeaderSize} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			frames := max(100, 4*DefaultChunkSize/(size+LongHeaderSize))
			var stream []byte
			for i := 0; i < frames; i++ {
				stream = AppendFrameHeader(stream, 0, size)
				stream = append(stream, pattern(size, byte(i))...)
			}
			r := bytes.NewReader(stream)
			d := NewDecoder(r, -1)
			allocs := testing.AllocsPerRun(20, func() {
				r.Reset(stream)
				d.Reset(r)
				for i := 0; i < frames; i++ {
					f, err := d.Next()
					if err != nil || len(f.Body) != size || f.Body == nil {
						t.Fatalf("frame %d: %d bytes, %v", i, len(f.Body), err)
					}
				}
			})
			want := float64(frames)
			if size == 0 {
				want = 0
			}
			if allocs != want {
				t.Fatalf("%v allocs for %d frames of %d bytes, want %v", allocs, frames, size, want)
			}
		})
	}
}

// overlaps reports whether the arrays behind a and b (up to their
// capacities) share memory.
func overlaps(a, b []byte) bool {
	if cap(a) == 0 || cap(b) == 0 {
		return false
	}
	a0, b0 := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(cap(b)) && b0 < a0+uintptr(cap(a))
}

// scribble overwrites the parts of d's read buffer that hold nothing
// unconsumed.
func scribble(d *Decoder) {
	b := d.buf[:cap(d.buf)]
	for i := range b {
		if i < d.rpos || i >= d.wpos {
			b[i] = 0xA5
		}
	}
}

// TestDecoderBodiesOwned keeps every body while the decoder goes on reading
// (and while its read buffer is scribbled over, released and reused by
// someone else) and checks that no body ever changes or aliases the buffer.
func TestDecoderBodiesOwned(t *testing.T) {
	var frames []testFrame
	for i := 0; i < 400; i++ {
		frames = append(frames, testFrame{byte(i%2) * FlagMore, pattern([]int{0, 1, 100, 255, 256, 3000, DirectMin - 1, DirectMin, 70000}[i%9], byte(i))})
	}
	stream := encodeFrames(frames)
	readers := []struct {
		name string
		mk   func() io.Reader
	}{
		{"whole", func() io.Reader { return bytes.NewReader(stream) }},
		{"half", func() io.Reader { return iotest.HalfReader(bytes.NewReader(stream)) }},
		{"onebyte", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(stream)) }},
	}
	for _, rd := range readers {
		for _, chunk := range []int{DefaultChunkSize, 1024, MinChunkSize} {
			for _, release := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/release=%v", rd.name, chunk, release), func(t *testing.T) {
					d := NewDecoderSize(rd.mk(), -1, chunk)
					var got []Frame
					var first *byte // the read buffer, which must be reused
					for {
						f, err := d.Next()
						if err == io.EOF {
							break
						}
						if err != nil {
							t.Fatal(err)
						}
						if overlaps(f.Body, d.buf) {
							t.Fatalf("frame %d aliases the read buffer", len(got))
						}
						if f.Body == nil || cap(f.Body) != len(f.Body) {
							t.Fatalf("frame %d: nil body or cap %d != len %d", len(got), cap(f.Body), len(f.Body))
						}
						if len(f.Body) >= min(DirectMin, chunk/2) {
							// A large frame gives the read buffer back
							// while it arrives; the next one may differ.
							first = nil
						}
						if !release && d.buf != nil {
							if first == nil {
								first = unsafe.SliceData(d.buf)
							} else if unsafe.SliceData(d.buf) != first {
								t.Fatal("read buffer replaced instead of reused")
							}
						}
						scribble(d)
						if release && d.Release() {
							// Whoever takes the buffer next writes all over it.
							b := pool.Get(chunk)
							for i := range b {
								b[i] = 0x5A
							}
							pool.Put(b)
						}
						got = append(got, f)
					}
					checkFrames(t, got, frames)
				})
			}
		}
	}
}

func TestDecoderEmptyBody(t *testing.T) {
	stream := encodeFrames([]testFrame{{0, nil}, {FlagMore, nil}, {FlagCommand, nil}, {0, []byte{}}})
	r := bytes.NewReader(stream)
	d := NewDecoder(r, -1)
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(stream)
		d.Reset(r)
		for i := 0; i < 4; i++ {
			f, err := d.Next()
			if err != nil || f.Body == nil || len(f.Body) != 0 {
				t.Fatalf("frame %d: %#v, %v", i, f.Body, err)
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocs for empty bodies", allocs)
	}
}

// scriptReader returns its parts one Read at a time (a part longer than
// the Read's buffer is split); a nil part returns errStall instead, and
// after the last part it returns io.EOF. onRead, when set, runs before
// every Read.
type scriptReader struct {
	parts  [][]byte
	onRead func()
}

var errStall = errors.New("stalled")

func (s *scriptReader) Read(p []byte) (int, error) {
	if s.onRead != nil {
		s.onRead()
	}
	if len(s.parts) == 0 {
		return 0, io.EOF
	}
	if s.parts[0] == nil {
		s.parts = s.parts[1:]
		return 0, errStall
	}
	n := copy(p, s.parts[0])
	if s.parts[0] = s.parts[0][n:]; len(s.parts[0]) == 0 {
		s.parts = s.parts[1:]
	}
	return n, nil
}

func TestDecoderRelease(t *testing.T) {
	f1 := encodeFrames([]testFrame{{0, []byte("one")}})
	f2 := encodeFrames([]testFrame{{FlagMore, []byte("two")}})
	big := encodeFrames([]testFrame{{0, pattern(3*DirectMin, 1)}})
	tests := []struct {
		name  string
		parts [][]byte
		nexts int // frames taken before Release
		want  bool
	}{
		{"fresh", [][]byte{f1}, 0, true},
		{"between frames", [][]byte{f1, f2}, 1, true},
		{"complete frame buffered", [][]byte{append(f1, f2...)}, 1, false},
		{"partial header buffered", [][]byte{append(f1, f2[:1]...), f2[1:]}, 1, false},
		{"partial body buffered", [][]byte{append(f1, f2[:3]...), f2[3:]}, 1, false},
		{"large frame in progress", [][]byte{f1, big[:1000], nil, big[1000:]}, -1, false},
		{"after last frame", [][]byte{f1}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []byte
			for _, p := range tt.parts {
				want = append(want, p...)
			}
			wantFrames, _ := decodeAll(NewDecoder(bytes.NewReader(want), -1))
			d := NewDecoder(&scriptReader{parts: tt.parts}, -1)
			var got []Frame
			if tt.nexts < 0 { // up to the stall
				for {
					f, err := d.Next()
					if err == errStall {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, f)
				}
			}
			for i := 0; i < tt.nexts; i++ {
				f, err := d.Next()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, f)
			}
			hadBuf := d.buf != nil
			buffered := len(d.Buffered())
			if r := d.Release(); r != tt.want {
				t.Fatalf("Release() = %v, want %v", r, tt.want)
			}
			if tt.want && d.buf != nil {
				t.Fatal("Release() = true but the buffer is kept")
			}
			if !tt.want && ((d.buf != nil) != hadBuf || len(d.Buffered()) != buffered) {
				t.Fatal("Release() = false but the decoder's state changed")
			}
			rest, err := decodeAll(d)
			if err != io.EOF {
				t.Fatalf("after Release: %v", err)
			}
			got = append(got, rest...)
			if len(got) != len(wantFrames) {
				t.Fatalf("%d frames, want %d", len(got), len(wantFrames))
			}
			for i := range got {
				if got[i].Flags != wantFrames[i].Flags || !bytes.Equal(got[i].Body, wantFrames[i].Body) {
					t.Fatalf("frame %d differs", i)
				}
			}
			if !d.Release() || d.buf != nil {
				t.Fatal("Release at EOF kept the buffer")
			}
		})
	}
}

// TestDecoderWaiter checks when the waiter is called: only when the decoder
// must read and nothing at all is buffered, and always without a buffer.
func TestDecoderWaiter(t *testing.T) {
	small := encodeFrames([]testFrame{{0, []byte("a")}, {FlagMore, []byte("bc")}})
	mid := encodeFrames([]testFrame{{0, pattern(300, 2)}})
	large := encodeFrames([]testFrame{{FlagCommand, pattern(DirectMin+500, 3)}})
	parts := [][]byte{small, mid[:5], mid[5:], large[:100], large[100:]}
	for _, withWaiter := range []bool{true, false} {
		t.Run(fmt.Sprintf("waiter=%v", withWaiter), func(t *testing.T) {
			var d *Decoder
			sr := &scriptReader{parts: append([][]byte(nil), parts...)}
			waits, largeReads := 0, 0
			sr.onRead = func() {
				switch {
				case d.inLarge:
					largeReads++
					if d.buf != nil {
						t.Errorf("large frame read holding the read buffer (waiter %v)", withWaiter)
					}
				case d.buf == nil:
					t.Error("Read without a read buffer")
				}
			}
			d = NewDecoder(sr, -1)
			if withWaiter {
				d.SetWaiter(func() error {
					waits++
					if d.buf != nil || d.rpos != d.wpos || d.inLarge || len(d.Buffered()) != 0 || d.Ready() {
						t.Errorf("wait %d: called with buffer %v, %d bytes buffered, large %v", waits, d.buf != nil, d.wpos-d.rpos, d.inLarge)
					}
					return nil
				})
			}
			got, err := decodeAll(d)
			if err != io.EOF {
				t.Fatal(err)
			}
			var want []byte
			for _, p := range parts {
				want = append(want, p...)
			}
			wantFrames, _ := decodeAll(NewDecoder(bytes.NewReader(want), -1))
			if len(got) != len(wantFrames) {
				t.Fatalf("%d frames, want %d", len(got), len(wantFrames))
			}
			// Waits: before small, before mid (not inside it), before large
			// (not inside it), before EOF.
			if wantWaits := map[bool]int{true: 4, false: 0}[withWaiter]; waits != wantWaits {
				t.Fatalf("waiter called %d times, want %d", waits, wantWaits)
			}
			if largeReads == 0 {
				t.Fatal("large frame not read directly")
			}
			if withWaiter != (d.buf == nil) {
				t.Fatalf("at EOF: buffer held %v with waiter %v", d.buf != nil, withWaiter)
			}
		})
	}
}

// TestDecoderWaiterError: an error from the waiter comes out of Next as is,
// once, with no buffer held; the next call waits again and goes on.
func TestDecoderWaiterError(t *testing.T) {
	stream := encodeFrames([]testFrame{{0, []byte("x")}, {0, []byte("y")}})
	tests := []struct {
		name   string
		err    error
		before int // frames decoded before the failing wait
	}{
		{"custom at start", errFlaky, 0},
		{"custom between frames", errFlaky, 1},
		{"deadline", os.ErrDeadlineExceeded, 1},
		{"eof", io.EOF, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames := encodeFrames([]testFrame{{0, []byte("x")}})
			parts := [][]byte{stream}
			if tt.before > 0 {
				parts = [][]byte{frames, stream[len(frames):]}
			}
			d := NewDecoder(&scriptReader{parts: parts}, -1)
			waits, fail := 0, tt.before+1
			d.SetWaiter(func() error {
				waits++
				if waits == fail {
					return tt.err
				}
				return nil
			})
			for i := 0; i < tt.before; i++ {
				if _, err := d.Next(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.Next(); err != tt.err {
				t.Fatalf("Next() error %v, want %v", err, tt.err)
			}
			if d.buf != nil || !d.Release() {
				t.Fatal("buffer held after a failed wait")
			}
			rest, err := decodeAll(d)
			if err != io.EOF || tt.before+len(rest) != 2 {
				t.Fatalf("after the failed wait: %d frames, %v", len(rest), err)
			}
			if waits != tt.before+3 {
				t.Fatalf("%d waits", waits)
			}
		})
	}
}

// TestDecoderLargeGrowth feeds frames read into their own buffers in
// pieces and checks at every Read that the buffer stays within twice what
// has arrived plus 8 KiB, and that smaller frames never take that path.
func TestDecoderLargeGrowth(t *testing.T) {
	for _, size := range []int{DirectMin - 1, DirectMin, DirectMin + 1, 100000, 1 << 20} {
		for _, piece := range []int{1, 100, 5000, 70000} {
			if piece == 1 && size > 100000 {
				continue
			}
			t.Run(fmt.Sprintf("%d/%d", size, piece), func(t *testing.T) {
				stream := encodeFrames([]testFrame{{0, pattern(size, 1)}, {0, []byte("end")}})
				var parts [][]byte
				for b := stream; len(b) > 0; b = b[min(piece, len(b)):] {
					parts = append(parts, b[:min(piece, len(b))])
				}
				var d *Decoder
				sawLarge := false
				sr := &scriptReader{parts: parts, onRead: func() {
					if !d.inLarge {
						return
					}
					sawLarge = true
					if c := cap(d.large); c > max(2*len(d.large)+largeMin, d.largest) || c > d.largeSize {
						t.Fatalf("buffer cap %d for %d bytes received of %d", c, len(d.large), d.largeSize)
					}
				}}
				d = NewDecoder(sr, -1)
				got, err := decodeAll(d)
				if err != io.EOF {
					t.Fatal(err)
				}
				checkFrames(t, got, []testFrame{{0, pattern(size, 1)}, {0, []byte("end")}})
				if direct := size >= DirectMin && piece < size; sawLarge != direct {
					t.Fatalf("read directly: %v, want %v", sawLarge, direct)
				}
			})
		}
	}
}

// TestDecoderHostileLength: a header declaring a huge body followed by a
// trickle of bytes costs what arrived (at least 8 KiB), not the claim.
func TestDecoderHostileLength(t *testing.T) {
	first := encodeFrames([]testFrame{{0, []byte("hi")}})
	for _, claim := range []uint64{3 << 20, 1 << 30, 1 << 40, maxBody} {
		for _, waiter := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/waiter=%v", claim, waiter), func(t *testing.T) {
				r := io.MultiReader(bytes.NewReader(first), bytes.NewReader(append(longHeader(0, claim), pattern(100, 0)...)))
				d := NewDecoder(r, -1)
				if waiter {
					d.SetWaiter(func() error { return nil })
				}
				if _, err := d.Next(); err != nil { // the read buffer is taken now
					t.Fatal(err)
				}
				var m0, m1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m0)
				_, err := d.Next()
				runtime.ReadMemStats(&m1)
				if err != io.ErrUnexpectedEOF {
					t.Fatalf("err = %v", err)
				}
				limit := uint64(32 << 10)
				if waiter && raceEnabled {
					// The read buffer goes through the pool, which drops
					// items at random under the race detector.
					limit += DefaultChunkSize
				}
				if grown := m1.TotalAlloc - m0.TotalAlloc; grown > limit {
					t.Fatalf("allocated %d bytes for 100 received", grown)
				}
				if cap(d.large) != largeMin || len(d.large) != 100 {
					t.Fatalf("large buffer %d/%d", len(d.large), cap(d.large))
				}
			})
		}
	}
}

// TestDecoderManyHostilePeers: 2,000 connections, each declaring a 1 GiB
// frame and sending 100 bytes of it, cost well under 64 MiB together when
// their decoders have waiters (their read buffers go back to the pool).
func TestDecoderManyHostilePeers(t *testing.T) {
	const peers = 2000
	stream := append(longHeader(0, 1<<30), pattern(100, 0)...)
	ds := make([]*Decoder, peers)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for i := range ds {
		d := NewDecoder(&scriptReader{parts: [][]byte{stream, nil}}, -1)
		d.SetWaiter(func() error { return nil })
		if _, err := d.Next(); err != errStall {
			t.Fatalf("peer %d: %v", i, err)
		}
		ds[i] = d
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	for _, d := range ds {
		if d.buf != nil || !d.inLarge || len(d.large) != 100 {
			t.Fatal("decoder holds a read buffer while a large frame is in progress")
		}
	}
	if grown := int64(m1.HeapAlloc) - int64(m0.HeapAlloc); grown > 24<<20 {
		t.Fatalf("%d peers hold %d MiB", peers, grown>>20)
	}
	runtime.KeepAlive(ds)
}

// TestDecoderAdaptive: an adaptive read buffer starts small, doubles when
// reads fill it, holds frames larger than itself by growing, and starts
// small again once given back.
func TestDecoderAdaptive(t *testing.T) {
	small := encodeFrames([]testFrame{{0, pattern(40, 1)}})
	var stream []byte
	for i := 0; i < 2000; i++ {
		stream = append(stream, small...)
	}
	mid := []testFrame{{0, pattern(3000, 2)}}
	stream = append(stream, encodeFrames(mid)...)
	d := NewDecoderSize(bytes.NewReader(stream), -1, 64<<10)
	d.SetAdaptive(1024)
	f, err := d.Next()
	if err != nil || len(f.Body) != 40 {
		t.Fatalf("first frame: %v", err)
	}
	if len(d.buf) != 1024 {
		t.Fatalf("first read buffer %d bytes, want 1024", len(d.buf))
	}
	grown := 0
	for i := 1; i < 2000; i++ {
		f, err := d.Next()
		if err != nil || len(f.Body) != 40 {
			t.Fatalf("frame %d: %v", i, err)
		}
		grown = max(grown, len(d.buf))
	}
	if grown <= 1024 {
		t.Fatalf("the buffer never grew under full reads (largest %d)", grown)
	}
	f, err = d.Next()
	if err != nil || !bytes.Equal(f.Body, mid[0].body) {
		t.Fatalf("frame larger than the small buffer: %v", err)
	}
	if !d.Release() {
		t.Fatal("Release with nothing buffered failed")
	}
	if d.size != 1024 {
		t.Fatalf("after Release the next buffer is %d bytes, want 1024", d.size)
	}
}
