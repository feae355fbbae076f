// Package zmq4 is monocoque's drop-in replacement for github.com/pebbe/zmq4
// (v1.4.0): the same names, signatures, constants and behaviour, implemented
// in pure Go, so programs build with CGO_ENABLED=0 and need no libzmq.
//
// Switching a program over means changing only its import:
//
//	import zmq "github.com/monocoque-go/monocoque/zmq"
//
// The package is a thin layer over monocoque's core package, which runs the
// sockets and speaks ZMTP 3.1 on the wire; this layer maps pebbe's API onto
// it: errors as Errno values with libzmq's numbers, options with pebbe's Go
// types (time.Duration in milliseconds, bool, string), multipart helpers,
// polling, proxies, the reactor, Z85 and CURVE key helpers, and the ZAP
// authentication registry.
//
// # Default context
//
// As in pebbe's package, the functions without a context receiver
// (NewSocket, Term, SetIoThreads, ...) use a default context that exists
// from package initialisation. After Term it stays closed: later calls
// report ErrorContextClosed, exactly as with pebbe. Libraries should make
// their own context with NewContext.
//
// # Sockets and goroutines
//
// The underlying core sockets are safe for concurrent use, but programs that
// must also run against pebbe's package should keep to its rule: a Socket
// belongs to one goroutine at a time. Terminating the context from another
// goroutine ends blocked calls with ETERM, as with libzmq.
//
// # Received bytes are yours
//
// What Recv, RecvBytes, RecvMessage, RecvMessageBytes and the other receive
// calls return belongs to the caller alone, as with pebbe's package (which
// copies out of libzmq's message): keep it, change it, store it; keeping
// a frame holds nothing else alive. Strings returned by Recv and
// RecvMessage share the frame's memory rather than copying it again.
//
// # Differences that remain
//
// Version reports 4.3.4, the libzmq release whose API and behaviour this
// package follows. Interrupted system calls do not occur in pure Go, so the
// RetryAfterEINTR settings are kept and reported but change nothing.
// The Has* functions report what the core supports. What the core does not
// provide yet fails with an Errno (EINVAL for an unknown socket type, such
// as libzmq's draft types, EPROTONOSUPPORT for a transport such as pgm,
// ENOTSUP for GSSAPI), never silently: a socket configured for GSSAPI
// refuses to Bind or Connect rather than talk in the clear.
package zmq4
