package wire

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// ZAPVersion is the only ZAP protocol version (RFC 27).
const ZAPVersion = "1.0"

// ZAP status codes (RFC 27).
const (
	// ZAPSuccess accepts the peer.
	ZAPSuccess = "200"
	// ZAPTemporaryError refuses the peer for now; the server closes the
	// connection without telling the client why (no ERROR command).
	ZAPTemporaryError = "300"
	// ZAPAuthFailure refuses the peer's credentials.
	ZAPAuthFailure = "400"
	// ZAPInternalError reports that the handler could not decide.
	ZAPInternalError = "500"
)

// ErrZAP reports a ZAP message that breaks RFC 27: wrong frame count or
// version, a request id that does not match, an unknown status code.
var ErrZAP = errors.New("wire: malformed ZAP message")

// ZAPError is the error a server-side mechanism returns from ZAPReply when
// the ZAP handler refused the peer.
type ZAPError struct {
	// StatusCode is "300", "400" or "500".
	StatusCode string
	// StatusText is the handler's explanation (never sent to the peer).
	StatusText string
}

// Error implements error.
func (e *ZAPError) Error() string {
	return fmt.Sprintf("wire: ZAP handler refused the peer: %s %q", e.StatusCode, e.StatusText)
}

// ZAPRequest is an authentication request as RFC 27 defines it. A
// ZAPMechanism fills in Mechanism and Credentials; the engine adds the
// rest.
type ZAPRequest struct {
	// RequestID lets the engine match the reply to the request; libzmq
	// uses "1".
	RequestID []byte
	// Domain is the socket's ZAP domain (ZMQ_ZAP_DOMAIN), possibly empty.
	Domain string
	// Address is the peer's IP address, as text.
	Address string
	// Identity is the socket's routing id (ZMQ_ROUTING_ID), possibly empty.
	Identity []byte
	// Mechanism is "NULL", "PLAIN" or "CURVE".
	Mechanism string
	// Credentials are none for NULL, the username and the password for
	// PLAIN, the client's 32-byte long-term public key for CURVE.
	Credentials [][]byte
}

// Frames returns the request as the frames of one ZAP message: version,
// request id, domain, address, identity, mechanism, then one frame per
// credential. The frames alias r's fields. Whatever envelope the transport
// needs (libzmq puts an empty delimiter first) is up to the caller.
func (r *ZAPRequest) Frames() [][]byte {
	f := make([][]byte, 0, 6+len(r.Credentials))
	f = append(f, []byte(ZAPVersion), nonNil(r.RequestID), []byte(r.Domain), []byte(r.Address),
		nonNil(r.Identity), []byte(r.Mechanism))
	for _, c := range r.Credentials {
		f = append(f, nonNil(c))
	}
	return f
}

// ParseZAPRequest decodes the frames of a ZAP request (without envelope),
// as a ZAP handler receives them. It checks the version, and the
// credential count for the NULL (0), PLAIN (2) and CURVE (1, of 32 bytes)
// mechanisms; other mechanism names are passed through. Byte fields alias
// frames.
func ParseZAPRequest(frames [][]byte) (ZAPRequest, error) {
	if len(frames) < 6 {
		return ZAPRequest{}, fmt.Errorf("%w: request has %d frames, want at least 6", ErrZAP, len(frames))
	}
	if string(frames[0]) != ZAPVersion {
		return ZAPRequest{}, fmt.Errorf("%w: version %s", ErrZAP, strconv.Quote(string(frames[0])))
	}
	r := ZAPRequest{
		RequestID:   frames[1],
		Domain:      string(frames[2]),
		Address:     string(frames[3]),
		Identity:    frames[4],
		Mechanism:   mechanismName(frames[5]),
		Credentials: frames[6:],
	}
	want := -1
	switch r.Mechanism {
	case MechanismNull:
		want = 0
	case MechanismPlain:
		want = 2
	case MechanismCurve:
		want = 1
		if len(r.Credentials) == 1 && len(r.Credentials[0]) != 32 {
			return ZAPRequest{}, fmt.Errorf("%w: CURVE key of %d bytes", ErrZAP, len(r.Credentials[0]))
		}
	}
	if want >= 0 && len(r.Credentials) != want {
		return ZAPRequest{}, fmt.Errorf("%w: %s request with %d credential frames", ErrZAP, r.Mechanism, len(r.Credentials))
	}
	if len(r.Credentials) == 0 {
		r.Credentials = nil
	}
	return r, nil
}

// ZAPResponse is a ZAP handler's answer (RFC 27).
type ZAPResponse struct {
	RequestID []byte
	// StatusCode is "200", "300", "400" or "500".
	StatusCode string
	StatusText string
	// UserID names the authenticated user; the engine exposes it as the
	// "User-Id" property of received messages.
	UserID []byte
	// Metadata holds extra properties for received messages.
	Metadata Metadata
}

// Frames returns the response as the frames of one ZAP message: version,
// request id, status code, status text, user id, metadata (wire form).
func (r *ZAPResponse) Frames() [][]byte {
	return [][]byte{[]byte(ZAPVersion), nonNil(r.RequestID), []byte(r.StatusCode), []byte(r.StatusText),
		nonNil(r.UserID), AppendMetadata([]byte{}, r.Metadata)}
}

// ParseZAPResponse decodes the frames of a ZAP reply (without envelope),
// checking, as libzmq does, that there are exactly six, that the version
// is "1.0", that the request id equals wantID, that the status code is
// one of "200", "300", "400", "500", and that the metadata is well formed.
// Byte fields alias frames.
func ParseZAPResponse(frames [][]byte, wantID []byte) (ZAPResponse, error) {
	if len(frames) != 6 {
		return ZAPResponse{}, fmt.Errorf("%w: reply has %d frames, want 6", ErrZAP, len(frames))
	}
	if string(frames[0]) != ZAPVersion {
		return ZAPResponse{}, fmt.Errorf("%w: version %s", ErrZAP, strconv.Quote(string(frames[0])))
	}
	if !bytes.Equal(frames[1], wantID) {
		return ZAPResponse{}, fmt.Errorf("%w: reply to request %q, want %q", ErrZAP, frames[1], wantID)
	}
	code := zapStatus(frames[2])
	if code == "" {
		return ZAPResponse{}, fmt.Errorf("%w: status code %s", ErrZAP, strconv.Quote(string(frames[2])))
	}
	md, err := ParseMetadata(frames[5])
	if err != nil {
		return ZAPResponse{}, fmt.Errorf("%w: metadata: %v", ErrZAP, err)
	}
	return ZAPResponse{
		RequestID:  frames[1],
		StatusCode: code,
		StatusText: string(frames[3]),
		UserID:     frames[4],
		Metadata:   md,
	}, nil
}

// zapStatus returns the status code constant b spells, or "".
func zapStatus(b []byte) string {
	switch string(b) {
	case ZAPSuccess:
		return ZAPSuccess
	case ZAPTemporaryError:
		return ZAPTemporaryError
	case ZAPAuthFailure:
		return ZAPAuthFailure
	case ZAPInternalError:
		return ZAPInternalError
	}
	return ""
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// ZAPMechanism is implemented by the server side of every mechanism
// (NULL, PLAIN, CURVE server). When built with ZAP enabled, the mechanism
// enters the WaitingForZAP status once it has the peer's credentials; the
// engine then:
//
//  1. takes ZAPRequest(), fills in RequestID, Domain, Address and Identity,
//     and sends its Frames to the ZAP handler;
//  2. parses the answer with ParseZAPResponse and passes its fields to
//     ZAPReply;
//  3. sends the commands ZAPReply returns (WELCOME, READY or ERROR) and, if
//     the status is Handshaking again, goes on feeding peer commands to
//     Handle. On error it closes the connection after sending them.
//
// Built without ZAP (the default, and what libzmq does when no handler is
// bound to inproc://zeromq.zap.01), a mechanism never waits.
type ZAPMechanism interface {
	Mechanism
	// ZAPRequest returns the mechanism-specific part of the request while
	// the status is WaitingForZAP. Byte fields must not be modified.
	ZAPRequest() ZAPRequest
	// ZAPReply delivers the handler's decision. For "200" it returns the
	// commands that continue the handshake. For "400" and "500" it fails
	// the handshake with a *ZAPError and returns an ERROR command whose
	// reason is the status code (as libzmq sends); for "300" it fails
	// without any command, as RFC 27 and libzmq require. Any other code,
	// or a call outside WaitingForZAP, is an error.
	ZAPReply(code, text string, userID []byte, meta Metadata) ([][]byte, error)
	// UserID returns the user id the ZAP handler supplied (nil without ZAP).
	UserID() []byte
	// ZAPMetadata returns the properties the ZAP handler supplied.
	ZAPMetadata() Metadata
}

// zapGate holds the ZAP state shared by the server-side mechanisms.
type zapGate struct {
	enabled bool
	waiting bool
	userID  []byte
	meta    Metadata
}

func (z *zapGate) UserID() []byte        { return z.userID }
func (z *zapGate) ZAPMetadata() Metadata { return z.meta }

// decide records a ZAP decision. ok reports acceptance; otherwise out is
// the ERROR command to send (if any) and err the reason.
func (z *zapGate) decide(code, text string, userID []byte, meta Metadata) (ok bool, out [][]byte, err error) {
	if !z.waiting {
		return false, nil, fmt.Errorf("%w: ZAP reply while not waiting for one", ErrUnexpectedCommand)
	}
	z.waiting = false
	switch code {
	case ZAPSuccess:
		z.userID = userID
		z.meta = meta
		return true, nil, nil
	case ZAPTemporaryError:
		return false, nil, &ZAPError{StatusCode: code, StatusText: text}
	case ZAPAuthFailure, ZAPInternalError:
		return false, [][]byte{AppendError(nil, code)}, &ZAPError{StatusCode: code, StatusText: text}
	}
	return false, nil, fmt.Errorf("%w: status code %s", ErrZAP, strconv.Quote(code))
}
