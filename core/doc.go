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
// Received frames are the receiver's own: Recv and RecvMsg return memory
// that nothing else refers to (a small frame is copied out of the
// connection's reusable read buffer into memory of its own size, a large
// one is read straight into a buffer of its own; inproc frames are the
// sender's copy, made to size), so keeping a frame keeps nothing else
// alive. Frames given to Send are copied; the caller may reuse them at
// once.
//
// docs/ARCHITECTURE.md describes the objects, their goroutines, the lock
// order and when each option takes effect.
package core
