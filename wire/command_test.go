package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		body []byte
		name string
		data string
		ok   bool
	}{
		{AppendCommandBody(nil, CmdReady, []byte("meta")), CmdReady, "meta", true},
		{[]byte("\x04PING"), CmdPing, "", true},
		{[]byte("\x09SUBSCRIBE"), CmdSubscribe, "", true},
		{[]byte("\x06CANCELtopic"), CmdCancel, "topic", true},
		{[]byte("\x03FOOxyz"), "FOO", "xyz", true},
		{nil, "", "", false},
		{[]byte{0}, "", "", false},
		{[]byte("\x00data"), "", "", false},
		{[]byte("\x05READ"), "", "", false},
		{[]byte{0xFF, 'A'}, "", "", false},
	}
	for _, tt := range tests {
		name, data, err := ParseCommand(tt.body)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrMalformed)) {
			t.Errorf("ParseCommand(%q): err = %v", tt.body, err)
			continue
		}
		if tt.ok && (name != tt.name || string(data) != tt.data) {
			t.Errorf("ParseCommand(%q) = %q, %q", tt.body, name, data)
		}
	}
}

func TestParseCommandKnownNoAlloc(t *testing.T) {
	bodies := [][]byte{}
	for _, n := range []string{CmdReady, CmdError, CmdPing, CmdPong, CmdSubscribe, CmdCancel, CmdHello, CmdWelcome, CmdInitiate, CmdMessage} {
		bodies = append(bodies, AppendCommandBody(nil, n, []byte("x")))
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, b := range bodies {
			if _, _, err := ParseCommand(b); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("allocs = %v", allocs)
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	tests := []Metadata{
		nil,
		{{PropSocketType, []byte("DEALER")}, {PropIdentity, nil}},
		{{PropSocketType, []byte("PUB")}, {"X-Custom.v1+2_a", []byte("value\x00with nul")}, {strings.Repeat("N", 255), bytes.Repeat([]byte{7}, 70000)}},
	}
	for _, m := range tests {
		b := AppendMetadata([]byte("pre"), m)
		got, err := ParseMetadata(b[3:])
		if err != nil {
			t.Fatalf("%v", err)
		}
		if len(got) != len(m) {
			t.Fatalf("got %d properties, want %d", len(got), len(m))
		}
		for i := range m {
			if got[i].Name != m[i].Name || !bytes.Equal(got[i].Value, m[i].Value) {
				t.Fatalf("property %d: %q=%q, want %q=%q", i, got[i].Name, got[i].Value, m[i].Name, m[i].Value)
			}
		}
	}
}

func TestMetadataGet(t *testing.T) {
	m := Metadata{{"Socket-Type", []byte("REQ")}, {"Identity", []byte("")}, {"socket-type", []byte("dup")}}
	if v, ok := m.Get("SOCKET-TYPE"); !ok || string(v) != "REQ" {
		t.Fatalf("Get = %q, %v", v, ok)
	}
	if v, ok := m.Get("identity"); !ok || len(v) != 0 {
		t.Fatalf("Get identity = %q, %v", v, ok)
	}
	if _, ok := m.Get("Resource"); ok {
		t.Fatal("found missing property")
	}
}

func TestParseMetadataMalformed(t *testing.T) {
	tests := map[string][]byte{
		"empty name":        {0, 0, 0, 0, 0},
		"name overruns":     {5, 'a', 'b'},
		"no value length":   {1, 'a', 0, 0, 0},
		"value overruns":    {1, 'a', 0, 0, 0, 5, 'x'},
		"huge value length": {1, 'a', 0xFF, 0xFF, 0xFF, 0xFF},
		"bad name char":     {2, 'a', ' ', 0, 0, 0, 0},
		"NUL in name":       {2, 'a', 0, 0, 0, 0, 0},
		"trailing byte":     {1, 'a', 0, 0, 0, 0, 9},
		"non-ascii name":    {1, 0xC3, 0, 0, 0, 0},
	}
	for name, b := range tests {
		if _, err := ParseMetadata(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestAppendMetadataPanicsOnBadName(t *testing.T) {
	for _, name := range []string{"", "a b", strings.Repeat("x", 256)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic for name %q", name)
				}
			}()
			AppendMetadata(nil, Metadata{{name, nil}})
		}()
	}
}

func TestValidPropertyName(t *testing.T) {
	for name, want := range map[string]bool{
		"Socket-Type": true, "X-a.b+c_d9": true, strings.Repeat("a", 255): true,
		"": false, strings.Repeat("a", 256): false, "a:b": false, "é": false,
	} {
		if ValidPropertyName(name) != want {
			t.Errorf("ValidPropertyName(%q) != %v", name, want)
		}
	}
}

func TestPingPong(t *testing.T) {
	tests := []struct {
		ttl     uint16
		ctx     []byte
		wantCtx []byte
	}{
		{0, nil, nil},
		{100, []byte("abc"), []byte("abc")},
		{0xFFFF, bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{1}, 16)},
		{5, bytes.Repeat([]byte{2}, 20), bytes.Repeat([]byte{2}, 16)}, // cut
	}
	for _, tt := range tests {
		body := AppendPing(nil, tt.ttl, tt.ctx)
		name, data, err := ParseCommand(body)
		if err != nil || name != CmdPing {
			t.Fatalf("ParseCommand(PING) = %q, %v", name, err)
		}
		ttl, ctx, err := ParsePing(data)
		if err != nil || ttl != tt.ttl || !bytes.Equal(ctx, tt.wantCtx) {
			t.Fatalf("ParsePing = %d, %q, %v", ttl, ctx, err)
		}
		pong := AppendPong(nil, ctx)
		name, data, err = ParseCommand(pong)
		if err != nil || name != CmdPong || !bytes.Equal(data, tt.wantCtx) {
			t.Fatalf("PONG = %q, %q, %v", name, data, err)
		}
	}
	if _, _, err := ParsePing([]byte{1}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("short PING: %v", err)
	}
	// libzmq tolerates a long context on receipt and echoes 16 bytes.
	if _, ctx, err := ParsePing(append([]byte{0, 1}, make([]byte, 40)...)); err != nil || len(ctx) != 16 {
		t.Fatalf("long context: %d, %v", len(ctx), err)
	}
}

func TestError(t *testing.T) {
	for _, reason := range []string{"", "Invalid credentials", strings.Repeat("r", 300)} {
		body := AppendError(nil, reason)
		name, data, err := ParseCommand(body)
		if err != nil || name != CmdError {
			t.Fatal(name, err)
		}
		got, err := ParseError(data)
		want := reason
		if len(want) > MaxErrorReason {
			want = want[:MaxErrorReason]
		}
		if err != nil || got != want {
			t.Fatalf("ParseError = %q, %v", got, err)
		}
	}
	for _, bad := range [][]byte{nil, {1}, {5, 'a'}} {
		if _, err := ParseError(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseError(%q): %v", bad, err)
		}
	}
}
