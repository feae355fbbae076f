package wire

import "encoding/binary"

// Frame flag bits (the first byte of every frame).
const (
	// FlagMore marks a message frame that is followed by another frame of
	// the same message.
	FlagMore byte = 0x01
	// FlagLong marks a frame whose size is an 8-byte big-endian integer
	// instead of a single byte.
	FlagLong byte = 0x02
	// FlagCommand marks a command frame rather than a message frame.
	FlagCommand byte = 0x04

	// flagsValid are the bits ZMTP 3.x defines; the rest are reserved and
	// must be zero.
	flagsValid = FlagMore | FlagLong | FlagCommand
)

// Frame header sizes.
const (
	// ShortHeaderSize is the header size of a frame of up to 255 bytes.
	ShortHeaderSize = 2
	// LongHeaderSize is the header size of a frame of 256 bytes or more.
	LongHeaderSize = 9
	// MaxShortSize is the largest body a short frame header can describe.
	MaxShortSize = 255
)

// HeaderSize returns how many bytes the header of a frame with a body of
// size bytes occupies.
func HeaderSize(size int) int {
	if size <= MaxShortSize {
		return ShortHeaderSize
	}
	return LongHeaderSize
}

// AppendFrameHeader appends a frame header for a body of size bytes. It
// uses the short form up to 255 bytes and the long form (8-byte big-endian
// size) beyond, setting or clearing FlagLong in flags accordingly.
func AppendFrameHeader(dst []byte, flags byte, size int) []byte {
	flags &^= FlagLong
	if size <= MaxShortSize {
		return append(dst, flags, byte(size))
	}
	dst = append(dst, flags|FlagLong)
	return binary.BigEndian.AppendUint64(dst, uint64(size))
}

// Frame is one decoded ZMTP frame.
type Frame struct {
	// Flags holds the frame's flag bits as received (FlagLong included).
	Flags byte
	// Body is the frame payload. A body returned by the Decoder belongs to
	// the caller: it shares no memory with the decoder's read buffer or
	// with any other body, the decoder never touches it again, and its
	// capacity equals its length. An empty body is non-nil.
	Body []byte
}

// More reports whether another frame of the same message follows.
func (f Frame) More() bool { return f.Flags&FlagMore != 0 }

// IsCommand reports whether f is a command frame.
func (f Frame) IsCommand() bool { return f.Flags&FlagCommand != 0 }
