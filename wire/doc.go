// Package wire is monocoque's ZMTP 3.x codec: the bytes that travel between
// two ZeroMQ peers, and nothing else.
//
// It encodes and decodes the 64-byte greeting, the frames that carry
// messages and commands, the command bodies defined by ZMTP 3.0 and 3.1
// (READY, ERROR, PING, PONG, SUBSCRIBE, CANCEL and the metadata they carry),
// and the security handshakes as passive state machines (Mechanism).
//
// The package owns no goroutines, sockets or timers: a Decoder pulls bytes
// from an io.Reader, an Encoder pushes batches to an io.Writer, and every
// other function works on byte slices. The connection engine in core drives
// them.
//
// Memory: every frame body a Decoder returns is the caller's own; it never
// aliases the decoder's read buffer, which is reused for every read. Both
// the Decoder's read buffer and the Encoder's batch buffer come from the
// pool package and can be given back while idle (Decoder.Release,
// Decoder.SetWaiter, Encoder.Release), so that thousands of quiet
// connections hold no buffers. Declared frame lengths reserve nothing:
// memory follows the bytes that actually arrive.
//
// The security mechanisms are NULL (NewNull, NewNullZAP), PLAIN
// (NewPlainClient, NewPlainServer) and CURVE (NewCurveClient,
// NewCurveServer, which also implement MessageCodec). Server-side
// mechanisms can defer to a ZAP handler (ZAPMechanism, ZAPRequest,
// ParseZAPResponse); the transport to the handler is the engine's job.
//
// The references are RFC 23 (ZMTP 3.0), RFC 37 (ZMTP 3.1), RFC 24
// (ZMTP PLAIN), RFC 25 (ZMTP CURVE), RFC 26 (CurveZMQ) and RFC 27 (ZAP),
// with libzmq 4.3 as the tie-breaker wherever the specifications leave
// room.
package wire
