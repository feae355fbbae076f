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

func FuzzDecoder(f *testing.F) {
	f.Add(byte(0), encodeFrames([]testFrame{{0, []byte("hello")}, {FlagMore, nil}, {FlagCommand, []byte("\x04PING\x00\x01")}}))
	f.Add(byte(1), encodeFrames(mixedFrames()[:8]))
	f.Add(byte(2), longHeader(0, 1<<62))
	f.Add(byte(3), longHeader(0, 100))
	f.Add(byte(4), []byte{FlagCommand | FlagMore, 0})
	f.Add(byte(5), []byte{0x80, 1, 1})
	f.Add(byte(6), append(longHeader(FlagMore, 40), pattern(40, 0)...))
	f.Fuzz(func(t *testing.T, mode byte, in []byte) {
		var r io.Reader = bytes.NewReader(in)
		if mode&1 != 0 {
			r = iotest.OneByteReader(r)
		}
		if mode&2 != 0 {
			r = iotest.HalfReader(r)
		}
		cr := &countingReader{r: r}
		max := int64(-1)
		if mode&4 != 0 {
			max = int64(mode) * 3
		}
		d := NewDecoderSize(cr, max, MinChunkSize+int(mode>>3)*8)
		total := 0
		for {
			ready := d.Ready()
			before := cr.reads
			f, err := d.Next()
			if ready && cr.reads != before {
				t.Fatal("Next read although Ready was true")
			}
			if err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF && !IsProtocolError(err) {
					t.Fatalf("unexpected error %v", err)
				}
				break
			}
			if f.Flags&^flagsValid != 0 || f.Flags&(FlagMore|FlagCommand) == FlagMore|FlagCommand {
				t.Fatalf("bad flags %#x passed", f.Flags)
			}
			if max >= 0 && int64(len(f.Body)) > max {
				t.Fatalf("body %d over limit %d", len(f.Body), max)
			}
			total += len(f.Body)
			if total > len(in) {
				t.Fatalf("decoded %d body bytes from %d input bytes", total, len(in))
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
