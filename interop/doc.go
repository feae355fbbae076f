// Package interop holds tests and benchmarks that pair monocoque's zmq
// package with libzmq (through github.com/pebbe/zmq4, which needs cgo) on
// the same wire. Every socket exchange runs over tcp on 127.0.0.1 with one
// side implemented by monocoque and the other by libzmq, so a mismatch in
// the ZMTP handshake, framing or routing envelopes shows up as a failure.
//
// It is a separate module so that the main module stays free of cgo.
package interop
