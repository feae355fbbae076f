package zmq4

import (
	"bytes"
	"strings"
	"testing"
)

func TestZ85(t *testing.T) {
	tests := []struct {
		bin, text string
	}{
		// ZeroMQ RFC 32's example.
		{"\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B", "HelloWorld"},
		{"", ""},
		{"\x00\x00\x00\x00", "00000"},
		{"\xff\xff\xff\xff", "%nSc0"},
		// RFC 32's test key pair (the client's public key), raw and in Z85.
		{"\xBB\x88\x47\x1D\x65\xE2\x65\x9B\x30\xC5\x5A\x53\x21\xCE\xBB\x5A" +
			"\xAB\x2B\x70\xA3\x98\x64\x5C\x26\xDC\xA2\xB2\xFC\xB4\x3F\xC5\x18",
			"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"},
	}
	for _, c := range tests {
		if got := Z85encode(c.bin); got != c.text {
			t.Errorf("Z85encode(%x) = %q, want %q", c.bin, got, c.text)
		}
		if got := Z85decode(c.text); got != c.bin {
			t.Errorf("Z85decode(%q) = %x, want %x", c.text, got, c.bin)
		}
	}
}

func TestZ85DecodeInvalid(t *testing.T) {
	// As libzmq: decoding stops at the first bad group, the rest is zero.
	tests := []struct {
		text, want string
	}{
		{"Hello#orld", "\x86\x4F\xD2\x6F\x00\x00\x00\x00"}, // "#orld" exceeds 32 bits
		{"%%%%%", "\x00\x00\x00\x00"},
		{"Hello\x00orld", "\x86\x4F\xD2\x6F\x00\x00\x00\x00"}, // ends at NUL
		{"Hell\"World", "\x00\x00\x00\x00\x00\x00\x00\x00"},   // '"' is not Z85
	}
	for _, c := range tests {
		if got := Z85decode(c.text); got != c.want {
			t.Errorf("Z85decode(%q) = %x, want %x", c.text, got, c.want)
		}
	}
	if _, ok := z85Decode("Hello#orld"); ok {
		t.Error("z85Decode accepted a group above 32 bits")
	}
}

func TestZ85Panics(t *testing.T) {
	for _, f := range []func(){
		func() { Z85encode("abc") },
		func() { Z85decode("abcd") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic for a length that is not a multiple")
				}
			}()
			f()
		}()
	}
}

func TestZ85RoundTrip(t *testing.T) {
	data := make([]byte, 256)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if got := Z85decode(Z85encode(string(data))); !bytes.Equal([]byte(got), data) {
		t.Error("round trip changed the data")
	}
}

func TestCurveKeys(t *testing.T) {
	// ZeroMQ RFC 26's test keys (as in libzmq's test_security_curve).
	tests := []struct {
		secret, public string
	}{
		{"D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"},
		{"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"},
	}
	for _, c := range tests {
		got, err := AuthCurvePublic(c.secret)
		if err != nil || got != c.public {
			t.Errorf("AuthCurvePublic(%q) = %q, %v; want %q", c.secret, got, err, c.public)
		}
	}
	for _, bad := range []string{"", "short", strings.Repeat("#", 40), strings.Repeat("0", 45)} {
		if _, err := AuthCurvePublic(bad); err != einval {
			t.Errorf("AuthCurvePublic(%q): err = %v, want EINVAL", bad, err)
		}
	}

	pub, sec, err := NewCurveKeypair()
	if err != nil {
		t.Fatal("NewCurveKeypair:", err)
	}
	if len(pub) != 40 || len(sec) != 40 {
		t.Fatalf("key lengths %d, %d; want 40", len(pub), len(sec))
	}
	if derived, err := AuthCurvePublic(sec); err != nil || derived != pub {
		t.Errorf("AuthCurvePublic(secret) = %q, %v; want %q", derived, err, pub)
	}
	if pub2, _, _ := NewCurveKeypair(); pub2 == pub {
		t.Error("two key pairs are the same")
	}
}
