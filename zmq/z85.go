package zmq4

import (
	"crypto/ecdh"
	"crypto/rand"
	"strings"
)

// z85Alphabet is the Z85 encoding alphabet of ZeroMQ RFC 32.
const z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

// z85Value maps a character to its Z85 digit value, or 0xff.
var z85Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(z85Alphabet); i++ {
		t[z85Alphabet[i]] = byte(i)
	}
	return t
}()

// z85Encode encodes data, whose length is a multiple of 4.
func z85Encode(data []byte) string {
	out := make([]byte, 0, len(data)/4*5)
	for i := 0; i+4 <= len(data); i += 4 {
		v := uint32(data[i])<<24 | uint32(data[i+1])<<16 | uint32(data[i+2])<<8 | uint32(data[i+3])
		var chunk [5]byte
		for j := 4; j >= 0; j-- {
			chunk[j] = z85Alphabet[v%85]
			v /= 85
		}
		out = append(out, chunk[:]...)
	}
	return string(out)
}

// z85DecodeInto decodes s (a multiple of 5 characters) into dst, which
// holds 4 bytes for every 5 characters. As libzmq's decoder does, it stops
// at the first invalid character or a group whose value exceeds 32 bits,
// leaving the rest of dst untouched, and then reports false.
func z85DecodeInto(dst []byte, s string) bool {
	for i := 0; i+5 <= len(s); i += 5 {
		var v uint64
		for j := 0; j < 5; j++ {
			d := z85Value[s[i+j]]
			if d == 0xff {
				return false
			}
			v = v*85 + uint64(d)
		}
		if v > 0xffffffff {
			return false
		}
		o := i / 5 * 4
		dst[o], dst[o+1], dst[o+2], dst[o+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	return true
}

// z85Decode decodes a Z85 string strictly: nil and false unless it is a
// non-empty multiple of 5 valid characters.
func z85Decode(s string) ([]byte, bool) {
	if len(s) == 0 || len(s)%5 != 0 {
		return nil, false
	}
	dst := make([]byte, len(s)/5*4)
	if !z85DecodeInto(dst, s) {
		return nil, false
	}
	return dst, true
}

// Z85encode encodes binary data (such as a 32-byte CURVE key) as Z85
// printable text, as defined by ZeroMQ RFC 32. The length of data must be a
// multiple of 4; otherwise Z85encode panics, as pebbe's does.
func Z85encode(data string) string {
	if len(data)%4 != 0 {
		panic("Z85encode: Length of data not a multiple of 4")
	}
	return z85Encode([]byte(data))
}

// Z85decode decodes Z85 printable text (ZeroMQ RFC 32) to binary. The
// length of s must be a multiple of 5; otherwise Z85decode panics, as
// pebbe's does. As with libzmq, decoding stops at an invalid character,
// leaving the rest of the result zero, and s ends at a NUL character.
func Z85decode(s string) string {
	if len(s)%5 != 0 {
		panic("Z85decode: Length of Z85 string not a multiple of 5")
	}
	dst := make([]byte, len(s)/5*4)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s)%5 == 0 {
		z85DecodeInto(dst, s)
	}
	return string(dst)
}

// NewCurveKeypair generates a new CURVE (Curve25519) key pair, returning
// both keys in Z85 text.
func NewCurveKeypair() (z85_public_key, z85_secret_key string, err error) {
	key, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	return z85Encode(key.PublicKey().Bytes()), z85Encode(key.Bytes()), nil
}

// AuthCurvePublic derives the CURVE public key from a secret key, both in
// Z85 text. An invalid secret key gives EINVAL.
func AuthCurvePublic(z85SecretKey string) (z85PublicKey string, err error) {
	secret, ok := z85Decode(z85SecretKey)
	if !ok || len(secret) != 32 {
		return "", einval
	}
	key, err := ecdh.X25519().NewPrivateKey(secret)
	if err != nil {
		return "", einval
	}
	return z85Encode(key.PublicKey().Bytes()), nil
}
