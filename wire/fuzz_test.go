package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func FuzzParseGreeting(f *testing.F) {
	f.Add(NewGreeting(MechanismNull, false).Append(nil))
	f.Add(Greeting{Major: 3, Minor: 0, Mechanism: MechanismPlain, AsServer: true}.Append(nil))
	f.Add(greetingBytes(func(b []byte) { b[10] = 1 }))
	f.Add(greetingBytes(func(b []byte) { b[20] = 'Z' }))
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseGreeting(b)
		if prefixErr := CheckGreetingPrefix(b); prefixErr != nil && err == nil {
			t.Fatalf("ParseGreeting accepted what CheckGreetingPrefix refused: %v", prefixErr)
		}
		if err != nil {
			return
		}
		if g.Major < 3 || len(g.Mechanism) == 0 || len(g.Mechanism) > 20 {
			t.Fatalf("accepted %+v", g)
		}
		// Re-encoding keeps every significant field.
		g2, err := ParseGreeting(g.Append(nil))
		if err != nil || g2 != g {
			t.Fatalf("re-encode: %+v, %v (was %+v)", g2, err, g)
		}
	})
}

// countingReader counts Read calls.
type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

var errWaitFuzz = errors.New("wait failed")

// FuzzDecoder decodes arbitrary input through different readers, chunk
// sizes and limits (mode), with a waiter that sometimes fails and Release
// calls between frames (sched), and checks the frames against a plain
// decode of the same input, the ownership of bodies and the memory rules.
func FuzzDecoder(f *testing.F) {
	f.Add(byte(0), uint16(0), encodeFrames([]testFrame{{0, []byte("hello")}, {FlagMore, nil}, {FlagCommand, []byte("\x04PING\x00\x01")}}))
	f.Add(byte(1), uint16(0), encodeFrames(mixedFrames()[:8]))
	f.Add(byte(2), uint16(0), longHeader(0, 1<<62))
	f.Add(byte(3), uint16(0), longHeader(0, 100))
	f.Add(byte(4), uint16(0), []byte{FlagCommand | FlagMore, 0})
	f.Add(byte(5), uint16(0), []byte{0x80, 1, 1})
	f.Add(byte(6), uint16(0), append(longHeader(FlagMore, 40), pattern(40, 0)...))
	f.Add(byte(0), uint16(0xFFFF), encodeFrames([]testFrame{{0, []byte("hello")}, {FlagMore, nil}, {0, pattern(300, 1)}}))
	f.Add(byte(2), uint16(0x5A5B), encodeFrames(mixedFrames()[:8]))
	f.Add(byte(9), uint16(0x0301), append(longHeader(0, 300), pattern(300, 2)...))
	f.Add(byte(1), uint16(0xA005), append(longHeader(0, 1<<40), pattern(200, 3)...))
	f.Add(byte(0x40), uint16(0), encodeFrames(mixedFrames()[:8]))
	f.Add(byte(0x41), uint16(0x0301), encodeFrames(mixedFrames()))
	f.Fuzz(func(t *testing.T, mode byte, sched uint16, in []byte) {
		var r io.Reader = bytes.NewReader(in)
		if mode&1 != 0 {
			r = iotest.OneByteReader(r)
		}
		if mode&2 != 0 {
			r = iotest.HalfReader(r)
		}
		cr := &countingReader{r: r}
		limit := int64(-1)
		if mode&4 != 0 {
			limit = int64(mode) * 3
		}
		chunk := MinChunkSize + int(mode>>3)*8
		want, wantErr := decodeAll(NewDecoder(bytes.NewReader(in), limit))

		d := NewDecoderSize(cr, limit, chunk*4)
		if mode&0x40 != 0 {
			// An adaptive read buffer, from the smallest size up.
			d.SetAdaptive(chunk)
		}
		// sched bit 0: a waiter, failing on the calls whose bit is set in
		// bits 1-7 (cyclically, for the first 32 calls); bits 8-15: Release
		// before the Nexts whose bit is set (cyclically).
		waits, waitFailed := 0, false
		if sched&1 != 0 {
			d.SetWaiter(func() error {
				if d.buf != nil || d.rpos != d.wpos || d.inLarge {
					t.Fatalf("waiter called with buffer %v, %d bytes buffered, large %v", d.buf != nil, d.wpos-d.rpos, d.inLarge)
				}
				waits++
				if waits < 32 && sched&(2<<((waits-1)%7)) != 0 {
					waitFailed = true
					return errWaitFuzz
				}
				return nil
			})
		}
		var got []Frame
		var copies [][]byte
		for calls := 0; ; calls++ {
			if sched&(0x100<<(calls%8)) != 0 {
				idle := d.rpos == d.wpos && !d.inLarge
				if d.Release() != idle {
					t.Fatalf("Release() = %v with %d bytes buffered, large %v", !idle, d.wpos-d.rpos, d.inLarge)
				}
				if idle && d.buf != nil {
					t.Fatal("Release() = true but the buffer is kept")
				}
			}
			ready := d.Ready()
			before := cr.reads
			waitFailed = false
			f, err := d.Next()
			if ready && cr.reads != before {
				t.Fatal("Next read although Ready was true")
			}
			if d.inLarge && (cap(d.large) > max(2*len(d.large)+largeMin, d.largest) || cap(d.large) > d.largeSize) {
				t.Fatalf("large buffer cap %d for %d bytes received", cap(d.large), len(d.large))
			}
			if err == errWaitFuzz {
				if !waitFailed {
					t.Fatal("waiter error returned without a failed wait")
				}
				if d.buf != nil {
					t.Fatal("buffer held after a failed wait")
				}
				continue
			}
			if waitFailed {
				t.Fatalf("failed wait reported as %v", err)
			}
			if err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF && !IsProtocolError(err) {
					t.Fatalf("unexpected error %v", err)
				}
				if err != wantErr && (!IsProtocolError(err) || !IsProtocolError(wantErr)) {
					t.Fatalf("error %v, plain decode %v", err, wantErr)
				}
				break
			}
			if f.Flags&^flagsValid != 0 || f.Flags&(FlagMore|FlagCommand) == FlagMore|FlagCommand {
				t.Fatalf("bad flags %#x passed", f.Flags)
			}
			if limit >= 0 && int64(len(f.Body)) > limit {
				t.Fatalf("body %d over limit %d", len(f.Body), limit)
			}
			if f.Body == nil || cap(f.Body) != len(f.Body) || overlaps(f.Body, d.buf) {
				t.Fatalf("body not owned: nil %v, cap %d, len %d", f.Body == nil, cap(f.Body), len(f.Body))
			}
			if len(got) > 0 && overlaps(f.Body, got[len(got)-1].Body) {
				t.Fatal("consecutive bodies share memory")
			}
			scribble(d)
			got = append(got, f)
			copies = append(copies, bytes.Clone(f.Body))
			if len(got) > len(want) {
				t.Fatalf("decoded %d frames, plain decode %d", len(got), len(want))
			}
		}
		if len(got) != len(want) {
			t.Fatalf("decoded %d frames, plain decode %d", len(got), len(want))
		}
		for i := range got {
			if got[i].Flags != want[i].Flags || !bytes.Equal(got[i].Body, want[i].Body) || !bytes.Equal(got[i].Body, copies[i]) {
				t.Fatalf("frame %d differs from the plain decode or changed after Next", i)
			}
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add(AppendReady(nil, Metadata{{PropSocketType, []byte("REQ")}}))
	f.Add(AppendPing(nil, 10, []byte("ctx")))
	f.Add(AppendError(nil, "nope"))
	f.Add([]byte("\x09SUBSCRIBEtopic"))
	f.Add([]byte{0})
	f.Add([]byte{200, 'A'})
	f.Fuzz(func(t *testing.T, b []byte) {
		name, data, err := ParseCommand(b)
		if err != nil {
			return
		}
		if got := AppendCommandBody(nil, name, data); !bytes.Equal(got, b) {
			t.Fatalf("round trip % x -> % x", b, got)
		}
		switch name {
		case CmdPing:
			if _, ctx, err := ParsePing(data); err == nil && len(ctx) > MaxPingContext {
				t.Fatal("long ping context")
			}
		case CmdError:
			if r, err := ParseError(data); err == nil && len(r) > MaxErrorReason {
				t.Fatal("long reason")
			}
		case CmdReady:
			ParseMetadata(data)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	f.Add(AppendMetadata(nil, Metadata{{PropSocketType, []byte("DEALER")}, {PropIdentity, nil}}))
	f.Add(AppendMetadata(nil, Metadata{{"X-a.b+c", []byte("v")}}))
	f.Add([]byte{1, 'a', 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0})
	f.Add([]byte{3, 'a', 'b'})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetadata(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		// The wire form is canonical: re-encoding gives the input back.
		if got := AppendMetadata(nil, m); !bytes.Equal(got, b) {
			t.Fatalf("round trip % x -> % x", b, got)
		}
		for _, p := range m {
			if v, ok := m.Get(p.Name); !ok || len(v) > len(b) {
				t.Fatalf("Get(%q) failed", p.Name)
			}
		}
	})
}

func FuzzNullHandshake(f *testing.F) {
	f.Add(byte(0), AppendReady(nil, Metadata{{PropSocketType, []byte("REP")}}))
	f.Add(byte(4), AppendReady(nil, Metadata{{PropSocketType, []byte("SUB")}, {PropIdentity, nil}}))
	f.Add(byte(1), AppendError(nil, "bye"))
	f.Add(byte(2), AppendPing(nil, 0, nil))
	f.Add(byte(3), []byte("\x05READY\x0bsocket-type\x00\x00\x00\x06ROUTER"))
	f.Add(byte(5), []byte{})
	types := []string{"REQ", "REP", "DEALER", "ROUTER", "PUB", "SUB", "XPUB", "XSUB", "PUSH", "PULL", "PAIR", "STREAM"}
	f.Fuzz(func(t *testing.T, which byte, cmd []byte) {
		local := types[int(which)%len(types)]
		m := NewNull(SocketInfo{Type: local, Identity: []byte("me")})
		startFirst := which&0x80 == 0
		if startFirst {
			if out, err := m.Start(); err != nil || len(out) != 1 {
				t.Fatalf("Start = %q, %v", out, err)
			}
		}
		out, err := m.Handle(cmd)
		if err != nil {
			if m.Status() != Failed || len(out) != 0 {
				t.Fatalf("error %v with status %v, out %q", err, m.Status(), out)
			}
			return
		}
		if m.Status() != Ready {
			t.Fatalf("no error but status %v", m.Status())
		}
		if startFirst == (len(out) != 0) {
			t.Fatalf("out %q after start=%v", out, startFirst)
		}
		peer, ok := m.PeerMetadata().Get(PropSocketType)
		if !ok || !CompatibleSocketTypes(local, string(peer)) {
			t.Fatalf("ready with peer type %q (local %s)", peer, local)
		}
	})
}
