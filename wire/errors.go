package wire

import (
	"errors"
	"fmt"
)

// Errors returned by the codec. Functions may wrap them with detail; test
// for them with errors.Is.
var (
	// ErrMalformed reports bytes that break the ZMTP grammar: reserved frame
	// flags, a command frame with MORE set, a truncated command, bad
	// metadata and the like. The connection cannot be trusted afterwards.
	ErrMalformed = errors.New("wire: malformed ZMTP data")

	// ErrFrameTooLarge reports a frame whose declared size exceeds the
	// decoder's limit (or the 63-bit range the protocol allows).
	ErrFrameTooLarge = errors.New("wire: frame exceeds maximum size")

	// ErrBadSignature reports a greeting that does not start with the ZMTP
	// signature: the peer is not speaking ZMTP 2.0 or later (it may be an
	// unversioned ZMTP 1.0 peer, or not ZeroMQ at all).
	ErrBadSignature = errors.New("wire: not a ZMTP greeting")

	// ErrVersion reports a ZMTP peer older than 3.0.
	ErrVersion = errors.New("wire: unsupported ZMTP version (need 3.0 or later)")

	// ErrIncompatible reports that the peer's socket type cannot talk to
	// the local one.
	ErrIncompatible = errors.New("wire: incompatible socket types")

	// ErrUnexpectedCommand reports a command the security handshake does
	// not allow at this point.
	ErrUnexpectedCommand = errors.New("wire: unexpected command during handshake")
)

// PeerError is the error a Mechanism returns when the peer ends the
// handshake with an ERROR command.
type PeerError struct {
	// Reason is the text the peer sent, at most 255 bytes.
	Reason string
}

// Error implements error.
func (e *PeerError) Error() string {
	return fmt.Sprintf("wire: peer rejected handshake: %q", e.Reason)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}
