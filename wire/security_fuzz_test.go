package wire

import (
	"bytes"
	"encoding/binary"
	mrand "math/rand/v2"
	"testing"
)

// The fuzz inputs below are sequences of commands (or ZAP frames), each
// as a 2-byte big-endian length and the bytes.

func joinParts(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = binary.BigEndian.AppendUint16(b, uint16(len(p)))
		b = append(b, p...)
	}
	return b
}

func splitParts(b []byte) [][]byte {
	var parts [][]byte
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if n > len(b) {
			n = len(b)
		}
		parts = append(parts, append([]byte(nil), b[:n]...))
		b = b[n:]
	}
	return parts
}

// Fixed long-term keys and a deterministic random source make every
// handshake of the fuzz targets reproducible, so that recorded commands
// are valid seeds for a fresh mechanism.
var (
	fuzzServerSec = [32]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}
	fuzzClientSec = [32]byte{9, 8, 7, 6, 5, 4, 3, 2, 1}
)

func fuzzRand(seed byte) *mrand.ChaCha8 { return mrand.NewChaCha8([32]byte{seed}) }

func fuzzCurveClient(typ string) *curveClient {
	c := NewCurveClient(SocketInfo{Type: typ, Identity: []byte("fz")}, CurvePublicKey(fuzzServerSec),
		CurvePublicKey(fuzzClientSec), fuzzClientSec).(*curveClient)
	c.rand = fuzzRand(1)
	return c
}

func fuzzCurveServer(typ string, zap bool) *curveServer {
	s := NewCurveServer(SocketInfo{Type: typ}, fuzzServerSec, zap).(*curveServer)
	s.rand = fuzzRand(2)
	return s
}

// record runs a handshake and returns the commands each side sent.
func record(t testing.TB, c, s Mechanism, zap bool) (fromC, fromS [][]byte) {
	var z zapFunc
	if zap {
		z = func(ZAPRequest) (string, string, []byte) { return "200", "", nil }
	}
	drive(t, c, s, z, func(fc bool, i int, cmd []byte) []byte {
		if fc {
			fromC = append(fromC, cmd)
		} else {
			fromS = append(fromS, cmd)
		}
		return cmd
	})
	return fromC, fromS
}

// checkOutcome verifies invariants after feeding untrusted commands.
func checkOutcome(t *testing.T, m Mechanism) {
	if m.Status() == Ready {
		st, ok := m.PeerMetadata().Get(PropSocketType)
		if !ok {
			t.Fatal("Ready without peer Socket-Type")
		}
		_ = st
	}
}

func feed(t *testing.T, m Mechanism, cmds [][]byte, zapCode string) {
	m.Start()
	for _, cmd := range cmds {
		if m.Status() == WaitingForZAP {
			m.(ZAPMechanism).ZAPReply(zapCode, "", []byte("u"), nil)
		}
		if m.Status() != Handshaking {
			if _, err := m.Handle(cmd); err == nil {
				t.Fatalf("Handle accepted a command in state %v", m.Status())
			}
			continue
		}
		m.Handle(cmd)
	}
	if m.Status() == WaitingForZAP {
		m.(ZAPMechanism).ZAPReply(zapCode, "", []byte("u"), nil)
	}
	checkOutcome(t, m)
}

func zapCodeOf(mode byte) string {
	return [...]string{"200", "300", "400", "500"}[mode&3]
}

func FuzzPlainServerHandle(f *testing.F) {
	c := NewPlainClient(SocketInfo{Type: "REQ"}, []byte("user"), []byte("pass"))
	fromC, _ := record(f, c, NewPlainServer(SocketInfo{Type: "REP"}, false), false)
	f.Add(byte(0), joinParts(fromC...))
	f.Add(byte(4), joinParts(fromC...))
	f.Add(byte(6), joinParts(fromC...))
	f.Add(byte(0), joinParts(AppendPlainHello(nil, nil, nil), AppendError(nil, "x")))
	f.Fuzz(func(t *testing.T, mode byte, in []byte) {
		s := NewPlainServer(SocketInfo{Type: "REP"}, mode&4 != 0)
		feed(t, s, splitParts(in), zapCodeOf(mode))
	})
}

func FuzzPlainClientHandle(f *testing.F) {
	_, fromS := record(f, NewPlainClient(SocketInfo{Type: "DEALER"}, []byte("u"), []byte("p")),
		NewPlainServer(SocketInfo{Type: "ROUTER"}, false), false)
	f.Add(joinParts(fromS...))
	f.Add(joinParts(fromS[0], AppendError(nil, "400")))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := NewPlainClient(SocketInfo{Type: "DEALER"}, []byte("u"), []byte("p"))
		feed(t, c, splitParts(in), "")
	})
}

func FuzzCurveServerHandle(f *testing.F) {
	fromC, _ := record(f, fuzzCurveClient("DEALER"), fuzzCurveServer("ROUTER", false), false)
	if len(fromC) != 2 {
		f.Fatalf("recorded %d client commands", len(fromC))
	}
	f.Add(byte(0), joinParts(fromC...))
	f.Add(byte(4), joinParts(fromC...))
	f.Add(byte(6), joinParts(fromC...))
	f.Add(byte(0), joinParts(fromC[0], fromC[0]))
	f.Add(byte(0), joinParts(fromC[0], AppendError(nil, "x")))
	f.Fuzz(func(t *testing.T, mode byte, in []byte) {
		s := fuzzCurveServer("ROUTER", mode&4 != 0)
		feed(t, s, splitParts(in), zapCodeOf(mode))
		if s.Status() == Ready {
			// The codec works after whatever handshake succeeded.
			if _, err := s.EncodeFrame(nil, FlagMore, []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzCurveClientHandle(f *testing.F) {
	_, fromS := record(f, fuzzCurveClient("DEALER"), fuzzCurveServer("ROUTER", false), false)
	if len(fromS) != 2 {
		f.Fatalf("recorded %d server commands", len(fromS))
	}
	f.Add(joinParts(fromS...))
	f.Add(joinParts(fromS[0], AppendError(nil, "400")))
	f.Add(joinParts(fromS[1]))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := fuzzCurveClient("DEALER")
		feed(t, c, splitParts(in), "")
	})
}

func FuzzCurveDecodeFrame(f *testing.F) {
	ready := func(t testing.TB) (*curveClient, *curveServer) {
		c, s := fuzzCurveClient("PAIR"), fuzzCurveServer("PAIR", false)
		record(t, c, s, false)
		if c.Status() != Ready || s.Status() != Ready {
			t.Fatal("fuzz handshake failed")
		}
		return c, s
	}
	c, s0 := ready(f)
	var seeds [][]byte
	for i, body := range [][]byte{[]byte("hello"), nil, bytes.Repeat([]byte{0xAB}, 300), AppendPing(nil, 1, nil)} {
		flags := [...]byte{FlagMore, 0, FlagMore, FlagCommand}[i]
		m, err := c.EncodeFrame(nil, flags, body)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, m)
	}
	f.Add(joinParts(seeds...))
	f.Add(joinParts(seeds[1], seeds[0]))
	f.Add(joinParts(seeds[0][:30]))
	f.Fuzz(func(t *testing.T, in []byte) {
		s := new(curveServer)
		*s = *s0 // a fresh copy of the established server side
		last := s.peerNonce
		for _, cmd := range splitParts(in) {
			flags, body, err := s.DecodeFrame(cmd)
			if err != nil {
				continue
			}
			if flags&^(FlagMore|FlagCommand) != 0 || len(body) != len(cmd)-8-8-16-1 {
				t.Fatalf("flags %x, %d-byte body from %d-byte command", flags, len(body), len(cmd))
			}
			if s.peerNonce <= last {
				t.Fatal("nonce did not increase")
			}
			last = s.peerNonce
		}
	})
}

// TestFuzzSeedsReachReady checks that the recorded seeds are valid
// handshakes for fresh mechanisms, so that the fuzzers start from deep
// states.
func TestFuzzSeedsReachReady(t *testing.T) {
	fromC, fromS := record(t, fuzzCurveClient("DEALER"), fuzzCurveServer("ROUTER", false), false)
	s := fuzzCurveServer("ROUTER", false)
	feed(t, s, fromC, "200")
	c := fuzzCurveClient("DEALER")
	feed(t, c, fromS, "")
	if s.Status() != Ready || c.Status() != Ready {
		t.Fatalf("server %v, client %v", s.Status(), c.Status())
	}
	sz := fuzzCurveServer("ROUTER", true)
	feed(t, sz, fromC, "200")
	if sz.Status() != Ready {
		t.Fatalf("ZAP server %v", sz.Status())
	}
}

func FuzzZAPReply(f *testing.F) {
	ok := ZAPResponse{RequestID: []byte("1"), StatusCode: "200", StatusText: "OK", UserID: []byte("bob"),
		Metadata: Metadata{{Name: "X-Role", Value: []byte("admin")}}}
	f.Add(joinParts(ok.Frames()...))
	bad := ok
	bad.StatusCode = "400"
	bad.Metadata = nil
	f.Add(joinParts(bad.Frames()...))
	f.Add(joinParts([]byte("1.0"), []byte("1"), []byte("201"), nil, nil, nil))
	f.Add(joinParts([]byte("1.0"), []byte("2"), []byte("200"), nil, nil, []byte{3, 'a'}))
	f.Fuzz(func(t *testing.T, in []byte) {
		frames := splitParts(in)
		r, err := ParseZAPResponse(frames, []byte("1"))
		if err != nil {
			return
		}
		if string(r.RequestID) != "1" || zapStatus([]byte(r.StatusCode)) == "" {
			t.Fatalf("accepted %+v", r)
		}
		r2, err := ParseZAPResponse(r.Frames(), []byte("1"))
		if err != nil || r2.StatusCode != r.StatusCode || r2.StatusText != r.StatusText ||
			!bytes.Equal(r2.UserID, r.UserID) || len(r2.Metadata) != len(r.Metadata) {
			t.Fatalf("re-encode: %+v %v", r2, err)
		}
	})
}

func FuzzZAPRequest(f *testing.F) {
	for _, r := range []ZAPRequest{
		{RequestID: []byte("1"), Domain: "global", Address: "127.0.0.1", Mechanism: "PLAIN",
			Credentials: [][]byte{[]byte("u"), []byte("p")}},
		{RequestID: []byte("1"), Mechanism: "CURVE", Credentials: [][]byte{make([]byte, 32)}},
		{RequestID: []byte("1"), Identity: []byte("id"), Mechanism: "NULL"},
	} {
		f.Add(joinParts(r.Frames()...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ParseZAPRequest(splitParts(in))
		if err != nil {
			return
		}
		r2, err := ParseZAPRequest(r.Frames())
		if err != nil || r2.Domain != r.Domain || r2.Mechanism != r.Mechanism || len(r2.Credentials) != len(r.Credentials) {
			t.Fatalf("re-encode: %+v %v", r2, err)
		}
	})
}

func TestZAPMessages(t *testing.T) {
	req := ZAPRequest{RequestID: []byte("1"), Domain: "d", Address: "10.0.0.1", Identity: nil,
		Mechanism: MechanismPlain, Credentials: [][]byte{[]byte("u"), []byte("p")}}
	frames := req.Frames()
	want := []string{"1.0", "1", "d", "10.0.0.1", "", "PLAIN", "u", "p"}
	if len(frames) != len(want) {
		t.Fatalf("%q", frames)
	}
	for i := range want {
		if string(frames[i]) != want[i] || frames[i] == nil {
			t.Fatalf("frame %d: %q", i, frames[i])
		}
	}
	if r, err := ParseZAPRequest(frames); err != nil || r.Address != "10.0.0.1" || string(r.Credentials[1]) != "p" {
		t.Fatalf("%+v %v", r, err)
	}
	for _, bad := range [][][]byte{
		frames[:5],
		append([][]byte{[]byte("2.0")}, frames[1:]...),
		frames[:7],
		{[]byte("1.0"), nil, nil, nil, nil, []byte("CURVE"), make([]byte, 31)},
		{[]byte("1.0"), nil, nil, nil, nil, []byte("NULL"), nil},
	} {
		if _, err := ParseZAPRequest(bad); err == nil {
			t.Errorf("accepted request %q", bad)
		}
	}

	resp := ZAPResponse{RequestID: []byte("1"), StatusCode: "200", StatusText: "OK", UserID: []byte("bob"),
		Metadata: Metadata{{Name: "X-Role", Value: []byte("admin")}}}
	r, err := ParseZAPResponse(resp.Frames(), []byte("1"))
	if err != nil || r.StatusCode != "200" || string(r.UserID) != "bob" {
		t.Fatalf("%+v %v", r, err)
	}
	if v, _ := r.Metadata.Get("x-role"); string(v) != "admin" {
		t.Fatal("metadata")
	}
	f := resp.Frames()
	for name, bad := range map[string][][]byte{
		"short":    f[:5],
		"long":     append(f, nil),
		"version":  append([][]byte{[]byte("1.1")}, f[1:]...),
		"id":       {f[0], []byte("2"), f[2], f[3], f[4], f[5]},
		"code":     {f[0], f[1], []byte("250"), f[3], f[4], f[5]},
		"metadata": {f[0], f[1], f[2], f[3], f[4], []byte{5, 'X'}},
	} {
		if _, err := ParseZAPResponse(bad, []byte("1")); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
