// Package core is monocoque's engine: sockets and their routing policies
// (load-balance, fair-queue, envelopes, subscriptions), pipes with
// high-water marks, sessions that own connections and reconnects, ZMTP and
// raw engines, the tcp, ipc and inproc transports, linger and monitor
// events. It has no cgo and no global state beyond its transport registry.
//
// The zmq package maps pebbe/zmq4's API onto it. Its exported names
// (Context, Socket, the option, flag, event and error constants,
// Properties) are what that facade uses; they are not yet promised as a
// stable API of their own.
//
// docs/ARCHITECTURE.md describes the objects, their goroutines, the lock
// order and when each option takes effect.
package core
