package wire

import "fmt"

// Greeting sizes.
const (
	// GreetingSize is the length of a complete ZMTP 3.x greeting.
	GreetingSize = 64
	// GreetingPrefixSize is how many greeting bytes CheckGreetingPrefix
	// needs: the 10-byte signature and the major version.
	GreetingPrefixSize = 11
)

// The protocol version monocoque speaks: ZMTP 3.1.
const (
	VersionMajor = 3
	VersionMinor = 1
)

// Security mechanism names as they appear in the greeting.
const (
	MechanismNull  = "NULL"
	MechanismPlain = "PLAIN"
	MechanismCurve = "CURVE"
)

// mechanismSize is the width of the greeting's mechanism field.
const mechanismSize = 20

// Greeting is the fixed 64-byte block each peer sends first:
//
//	0xFF, 8 padding bytes, 0x7F   signature
//	major, minor                   protocol version
//	20 bytes                       mechanism name, NUL-padded
//	1 byte                         as-server (0 or 1)
//	31 zero bytes                  filler
type Greeting struct {
	Major, Minor byte
	// Mechanism is the security mechanism name, at most 20 bytes of
	// [A-Z0-9-_.+], for example "NULL".
	Mechanism string
	// AsServer tells whether the peer acts as the server of the security
	// handshake (always false for NULL).
	AsServer bool
}

// NewGreeting returns the greeting monocoque sends: version 3.1 with the
// given mechanism and role.
func NewGreeting(mechanism string, asServer bool) Greeting {
	return Greeting{Major: VersionMajor, Minor: VersionMinor, Mechanism: mechanism, AsServer: asServer}
}

// Append appends the 64-byte wire form of g to dst. A mechanism name longer
// than 20 bytes is cut to 20.
func (g Greeting) Append(dst []byte) []byte {
	var b [GreetingSize]byte
	b[0] = 0xFF
	b[9] = 0x7F
	b[10] = g.Major
	b[11] = g.Minor
	copy(b[12:12+mechanismSize], g.Mechanism)
	if g.AsServer {
		b[32] = 1
	}
	return append(dst, b[:]...)
}

// CheckGreetingPrefix inspects the first GreetingPrefixSize bytes of a
// peer's greeting so that an engine can give up on a hopeless peer before
// waiting for the rest. Like libzmq it requires byte 0 to be 0xFF and the
// low bit of byte 9 to be set (anything else is an unversioned ZMTP 1.0
// peer or garbage: ErrBadSignature); the padding bytes in between are not
// significant. The major version must be 3 or more (else ErrVersion);
// later majors are accepted and spoken to as 3.x, as libzmq does.
func CheckGreetingPrefix(b []byte) error {
	if len(b) < GreetingPrefixSize {
		return malformed("greeting prefix needs %d bytes, have %d", GreetingPrefixSize, len(b))
	}
	if b[0] != 0xFF || b[9]&0x01 == 0 {
		return ErrBadSignature
	}
	if b[10] < VersionMajor {
		return fmt.Errorf("%w: peer speaks major version %d", ErrVersion, b[10])
	}
	return nil
}

// ParseGreeting decodes a complete greeting (the first GreetingSize bytes
// of b). Besides the checks of CheckGreetingPrefix it requires a non-empty
// mechanism name of [A-Z0-9-_.+] padded with NUL bytes. Minor is returned as
// sent; the caller speaks min(3.1, peer). As in libzmq, the as-server byte
// counts as true when non-zero and the filler is ignored.
func ParseGreeting(b []byte) (Greeting, error) {
	if len(b) < GreetingSize {
		return Greeting{}, malformed("greeting needs %d bytes, have %d", GreetingSize, len(b))
	}
	if err := CheckGreetingPrefix(b); err != nil {
		return Greeting{}, err
	}
	field := b[12 : 12+mechanismSize]
	n := 0
	for n < len(field) && field[n] != 0 {
		if !isMechanismChar(field[n]) {
			return Greeting{}, malformed("greeting mechanism has invalid byte 0x%02x", field[n])
		}
		n++
	}
	if n == 0 {
		return Greeting{}, malformed("greeting has empty mechanism")
	}
	for _, c := range field[n:] {
		if c != 0 {
			return Greeting{}, malformed("greeting mechanism is not NUL-padded")
		}
	}
	return Greeting{
		Major:     b[10],
		Minor:     b[11],
		Mechanism: mechanismName(field[:n]),
		AsServer:  b[32] != 0,
	}, nil
}

// mechanismName returns the name without allocating for the well-known ones.
func mechanismName(b []byte) string {
	switch string(b) {
	case MechanismNull:
		return MechanismNull
	case MechanismPlain:
		return MechanismPlain
	case MechanismCurve:
		return MechanismCurve
	}
	return string(b)
}

func isMechanismChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '+'
}
