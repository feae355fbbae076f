package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestGreetingRoundTrip(t *testing.T) {
	tests := []Greeting{
		NewGreeting(MechanismNull, false),
		{Major: 3, Minor: 0, Mechanism: MechanismNull},
		{Major: 3, Minor: 1, Mechanism: MechanismPlain, AsServer: true},
		{Major: 3, Minor: 1, Mechanism: MechanismCurve},
		{Major: 4, Minor: 7, Mechanism: "X-FOO_1.2+3"},
		{Major: 3, Minor: 1, Mechanism: "ABCDEFGHIJKLMNOPQRST"}, // exactly 20
	}
	for _, g := range tests {
		b := g.Append([]byte("x"))
		if len(b) != 1+GreetingSize {
			t.Fatalf("%+v: length %d", g, len(b))
		}
		b = b[1:]
		if b[0] != 0xFF || b[9] != 0x7F || !bytes.Equal(b[1:9], make([]byte, 8)) || !bytes.Equal(b[33:], make([]byte, 31)) {
			t.Fatalf("%+v: bad layout % x", g, b)
		}
		got, err := ParseGreeting(b)
		if err != nil {
			t.Fatalf("%+v: %v", g, err)
		}
		if got != g {
			t.Fatalf("round trip: got %+v, want %+v", got, g)
		}
	}
}

func TestGreetingAppendTruncatesMechanism(t *testing.T) {
	b := Greeting{Major: 3, Minor: 1, Mechanism: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}.Append(nil)
	g, err := ParseGreeting(b)
	if err != nil || g.Mechanism != "ABCDEFGHIJKLMNOPQRST" || b[32] != 0 {
		t.Fatalf("got %+v, %v", g, err)
	}
}

func greetingBytes(mod func(b []byte)) []byte {
	b := NewGreeting(MechanismNull, false).Append(nil)
	if mod != nil {
		mod(b)
	}
	return b
}

func TestParseGreetingErrors(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want error // nil: accepted
	}{
		{"zmtp3.1", greetingBytes(nil), nil},
		{"zmtp3.0", greetingBytes(func(b []byte) { b[11] = 0 }), nil},
		{"zmtp4.0", greetingBytes(func(b []byte) { b[10], b[11] = 4, 0 }), nil},
		{"padding ignored", greetingBytes(func(b []byte) { copy(b[1:9], "garbage!") }), nil},
		{"byte9 low bit only", greetingBytes(func(b []byte) { b[9] = 0x01 }), nil},
		{"filler ignored", greetingBytes(func(b []byte) { b[40] = 9 }), nil},
		{"as-server 2", greetingBytes(func(b []byte) { b[32] = 2 }), nil},
		{"zmtp2.0", greetingBytes(func(b []byte) { b[10] = 1 }), ErrVersion},
		{"major 2", greetingBytes(func(b []byte) { b[10] = 2 }), ErrVersion},
		{"zmtp1.0 revision", greetingBytes(func(b []byte) { b[10] = 0 }), ErrVersion},
		{"first byte", greetingBytes(func(b []byte) { b[0] = 0xFE }), ErrBadSignature},
		{"byte9 even", greetingBytes(func(b []byte) { b[9] = 0x7E }), ErrBadSignature},
		{"unversioned zmtp1.0", append([]byte{0x01, 0x00}, make([]byte, 62)...), ErrBadSignature},
		{"http", append([]byte("GET / HTTP/1.1\r\n"), make([]byte, 48)...), ErrBadSignature},
		{"short", greetingBytes(nil)[:63], ErrMalformed},
		{"empty mechanism", greetingBytes(func(b []byte) { copy(b[12:32], make([]byte, 20)) }), ErrMalformed},
		{"lowercase mechanism", greetingBytes(func(b []byte) { copy(b[12:], "null") }), ErrMalformed},
		{"space in mechanism", greetingBytes(func(b []byte) { copy(b[12:], "NU LL") }), ErrMalformed},
		{"not NUL padded", greetingBytes(func(b []byte) { b[20] = 'X' }), ErrMalformed},
		{"leading NUL", greetingBytes(func(b []byte) { copy(b[12:], "\x00NULL") }), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseGreeting(tt.b)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if g.Mechanism != MechanismNull || g.Major < 3 {
					t.Fatalf("got %+v", g)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheckGreetingPrefix(t *testing.T) {
	good := greetingBytes(nil)
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"prefix only", good[:GreetingPrefixSize], nil},
		{"full", good, nil},
		{"too short", good[:10], ErrMalformed},
		{"nil", nil, ErrMalformed},
		{"zmtp2", append(append([]byte{}, good[:10]...), 1), ErrVersion},
		{"bad signature", append([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F}, 3), ErrBadSignature},
	}
	for _, tt := range tests {
		if err := CheckGreetingPrefix(tt.b); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestParseGreetingKnownNamesNoAlloc(t *testing.T) {
	b := greetingBytes(nil)
	if n := testing.AllocsPerRun(100, func() { _, _ = ParseGreeting(b) }); n != 0 {
		t.Fatalf("allocs = %v", n)
	}
}
