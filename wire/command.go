package wire

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// Command names defined by ZMTP 3.0/3.1 and its security mechanisms.
const (
	CmdReady     = "READY"
	CmdError     = "ERROR"
	CmdPing      = "PING"
	CmdPong      = "PONG"
	CmdSubscribe = "SUBSCRIBE"
	CmdCancel    = "CANCEL"
	CmdHello     = "HELLO"
	CmdWelcome   = "WELCOME"
	CmdInitiate  = "INITIATE"
	CmdMessage   = "MESSAGE"
)

// Well-known metadata property names.
const (
	PropSocketType = "Socket-Type"
	PropIdentity   = "Identity"
	PropResource   = "Resource"
	PropUserID     = "User-Id"
)

// Protocol limits for command contents.
const (
	// MaxPingContext is the longest PING context ZMTP 3.1 allows.
	MaxPingContext = 16
	// MaxErrorReason is the longest ERROR reason a command can carry.
	MaxErrorReason = 255
)

// AppendCommandBody appends a command body: the name's length as one byte,
// the name (1 to 255 bytes), then data.
func AppendCommandBody(dst []byte, name string, data []byte) []byte {
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	return append(dst, data...)
}

// ParseCommand splits the body of a command frame into its name and data.
// The name of every command this package defines is returned as the
// matching constant, without allocating; data aliases body.
func ParseCommand(body []byte) (name string, data []byte, err error) {
	if len(body) == 0 {
		return "", nil, malformed("empty command")
	}
	n := int(body[0])
	if n == 0 || n > len(body)-1 {
		return "", nil, malformed("command name length %d in %d-byte body", n, len(body))
	}
	return commandName(body[1 : 1+n]), body[1+n:], nil
}

func commandName(b []byte) string {
	switch string(b) {
	case CmdReady:
		return CmdReady
	case CmdError:
		return CmdError
	case CmdPing:
		return CmdPing
	case CmdPong:
		return CmdPong
	case CmdSubscribe:
		return CmdSubscribe
	case CmdCancel:
		return CmdCancel
	case CmdHello:
		return CmdHello
	case CmdWelcome:
		return CmdWelcome
	case CmdInitiate:
		return CmdInitiate
	case CmdMessage:
		return CmdMessage
	}
	return string(b)
}

// Property is one metadata entry.
type Property struct {
	Name  string
	Value []byte
}

// Metadata is a list of properties as carried by READY (and by the PLAIN
// and CURVE handshake commands), in wire order.
type Metadata []Property

// Get returns the value of the first property named name, compared without
// regard to ASCII case as ZMTP requires.
func (m Metadata) Get(name string) ([]byte, bool) {
	for i := range m {
		if strings.EqualFold(m[i].Name, name) {
			return m[i].Value, true
		}
	}
	return nil, false
}

// ValidPropertyName reports whether name is a legal metadata property name:
// 1 to 255 bytes of ASCII letters, digits and "-_.+".
func ValidPropertyName(name string) bool {
	if len(name) == 0 || len(name) > 255 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isNameChar(name[i]) {
			return false
		}
	}
	return true
}

func isNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '+'
}

// AppendMetadata appends m in wire form: for each property, the name's
// length (1 byte), the name, the value's length (4 bytes, big-endian) and
// the value. It panics on a name ValidPropertyName refuses or a value of
// 4 GiB or more, both programming errors.
func AppendMetadata(dst []byte, m Metadata) []byte {
	for _, p := range m {
		if !ValidPropertyName(p.Name) {
			panic("wire: invalid metadata property name " + strconv.Quote(p.Name))
		}
		if uint64(len(p.Value)) > 0xFFFFFFFF {
			panic("wire: metadata property value too long")
		}
		dst = append(dst, byte(len(p.Name)))
		dst = append(dst, p.Name...)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(p.Value)))
		dst = append(dst, p.Value...)
	}
	return dst
}

// ParseMetadata decodes metadata in wire form. Values alias b. Names must
// satisfy ValidPropertyName and every length must stay within b.
func ParseMetadata(b []byte) (Metadata, error) {
	var m Metadata
	for len(b) > 0 {
		n := int(b[0])
		if n == 0 {
			return nil, malformed("metadata property with empty name")
		}
		if len(b) < 1+n+4 {
			return nil, malformed("truncated metadata property")
		}
		nameb := b[1 : 1+n]
		for _, c := range nameb {
			if !isNameChar(c) {
				return nil, malformed("metadata property name has invalid byte 0x%02x", c)
			}
		}
		vlen := binary.BigEndian.Uint32(b[1+n:])
		b = b[1+n+4:]
		if uint64(vlen) > uint64(len(b)) {
			return nil, malformed("metadata value of %d bytes overruns %d remaining", vlen, len(b))
		}
		if m == nil {
			m = make(Metadata, 0, 4)
		}
		m = append(m, Property{Name: propertyName(nameb), Value: b[:vlen:vlen]})
		b = b[vlen:]
	}
	return m, nil
}

func propertyName(b []byte) string {
	switch string(b) {
	case PropSocketType:
		return PropSocketType
	case PropIdentity:
		return PropIdentity
	case PropResource:
		return PropResource
	case PropUserID:
		return PropUserID
	}
	return string(b)
}

// AppendReady appends a complete READY command body carrying m.
func AppendReady(dst []byte, m Metadata) []byte {
	dst = append(dst, byte(len(CmdReady)))
	dst = append(dst, CmdReady...)
	return AppendMetadata(dst, m)
}

// AppendPing appends a complete PING command body: the peer should close
// the connection if it hears nothing for ttlDeciseconds tenths of a second
// (0: no limit), and must echo context (up to 16 bytes; longer is cut) in
// its PONG.
func AppendPing(dst []byte, ttlDeciseconds uint16, context []byte) []byte {
	if len(context) > MaxPingContext {
		context = context[:MaxPingContext]
	}
	dst = append(dst, byte(len(CmdPing)))
	dst = append(dst, CmdPing...)
	dst = binary.BigEndian.AppendUint16(dst, ttlDeciseconds)
	return append(dst, context...)
}

// ParsePing decodes the data of a PING command (as returned by
// ParseCommand). Like libzmq it tolerates a context over 16 bytes and keeps
// only the first 16. context aliases data.
func ParsePing(data []byte) (ttl uint16, context []byte, err error) {
	if len(data) < 2 {
		return 0, nil, malformed("PING command shorter than its TTL")
	}
	context = data[2:]
	if len(context) > MaxPingContext {
		context = context[:MaxPingContext]
	}
	return binary.BigEndian.Uint16(data), context, nil
}

// AppendPong appends a complete PONG command body echoing a PING's context
// (cut to 16 bytes). The data of a PONG, as returned by ParseCommand, is
// that context.
func AppendPong(dst []byte, context []byte) []byte {
	if len(context) > MaxPingContext {
		context = context[:MaxPingContext]
	}
	dst = append(dst, byte(len(CmdPong)))
	dst = append(dst, CmdPong...)
	return append(dst, context...)
}

// AppendError appends a complete ERROR command body with the given reason,
// cut to 255 bytes.
func AppendError(dst []byte, reason string) []byte {
	if len(reason) > MaxErrorReason {
		reason = reason[:MaxErrorReason]
	}
	dst = append(dst, byte(len(CmdError)))
	dst = append(dst, CmdError...)
	dst = append(dst, byte(len(reason)))
	return append(dst, reason...)
}

// ParseError decodes the data of an ERROR command (as returned by
// ParseCommand). Like libzmq it ignores bytes after the reason.
func ParseError(data []byte) (reason string, err error) {
	if len(data) == 0 {
		return "", malformed("ERROR command without reason length")
	}
	n := int(data[0])
	if n > len(data)-1 {
		return "", malformed("ERROR reason of %d bytes overruns %d remaining", n, len(data)-1)
	}
	return string(data[1 : 1+n]), nil
}
