package core

import (
	"context"
	"net"
	"sync/atomic"

	"github.com/monocoque-go/monocoque/pool"
)

// STREAM sockets (libzmq's ZMQ_STREAM) talk to peers that know nothing of
// ZeroMQ: there is no greeting, no handshake and no framing on the wire.
// Each connection gets a routing id, as a ROUTER's peers do; what one read
// returns arrives as the message [id, bytes], and a message [id, bytes]
// sent by the user is written as it is. With STREAM_NOTIFY (the default) a
// connection's arrival and its loss are each announced as [id, ""]. Sending
// [id, ""] closes the connection.
//
// Everything particular to STREAM is in this file: the policy (it makes
// its connections' engines, names pipes at Connect and takes outgoing
// frames one at a time) and the raw engine.

// rawChunk is the size of the buffer a raw engine reads into. It comes
// from the pool for each burst of input and goes back before the engine
// waits for more, so an idle connection holds none; what each read
// returned is copied out into a message of its own size.
const rawChunk = 64 << 10

// rawEngine carries a STREAM connection's bytes: each read becomes one
// message, each queued message is written without framing.
type rawEngine struct {
	engineIO
	props  *Properties
	notify bool // STREAM_NOTIFY, from the session's options
	// hungUp is set when the socket's user closed the connection.
	hungUp atomic.Bool
}

// startEngine makes a STREAM connection's engine: there is no handshake.
func (st *streamPolicy) startEngine(ctx context.Context, h engineHost, conn net.Conn) (engine, error) {
	e := &rawEngine{
		engineIO: newEngineIO(ctx, h, conn),
		props:    &Properties{peerAddr: peerHost(conn)},
		notify:   h.options().flag(OptStreamNotify),
	}
	e.append = e.appendRaw
	return e, nil
}

func (e *rawEngine) peerID() []byte { return nil }

// run moves bytes until the connection ends. A connection the user closed
// is neither reported to a monitor nor made again, as in libzmq.
func (e *rawEngine) run(p *pipe) bool {
	e.serve(p, func() { e.readLoop(p) })
	if e.hungUp.Load() {
		return false
	}
	e.h.event(EventDisconnected, e.fd)
	return true
}

// readLoop hands each read's bytes to the pipe as one message, with the
// connect and disconnect notifications around them when STREAM_NOTIFY is
// on. A connection closed from this side (by the user, Unbind, Disconnect
// or Close) is not announced, as in libzmq.
func (e *rawEngine) readLoop(p *pipe) {
	batch := make([]pool.Msg, 1)
	deliver := func(data []byte) {
		batch[0].Append(data)
		batch[0].Meta = e.props
		e.h.deliver(p, batch)
		batch[0] = pool.Msg{}
	}
	if e.notify && !p.dead.Load() {
		deliver([]byte{})
	}
	wait := readWaiter(e.conn)
	var buf []byte
	for {
		if wait != nil {
			if buf != nil {
				pool.Put(buf)
				buf = nil
			}
			if wait() != nil {
				break
			}
		}
		if buf == nil {
			buf = pool.Get(rawChunk)
		}
		n, err := e.conn.Read(buf)
		if n > 0 {
			deliver(append([]byte(nil), buf[:n]...))
		}
		if err != nil {
			break
		}
	}
	if buf != nil {
		pool.Put(buf)
	}
	if e.notify && !e.closedHere(p) {
		deliver([]byte{})
	}
}

// closedHere reports whether this side ended the connection.
func (e *rawEngine) closedHere(p *pipe) bool {
	if e.hungUp.Load() || p.dead.Load() || e.ctx.Err() != nil {
		return true
	}
	select {
	case <-e.h.closing():
		return true
	default:
		return false
	}
}

// appendRaw queues a message's bytes; the empty message queued by hangUp
// ends the connection once what came before it is written.
func (e *rawEngine) appendRaw(m *pool.Msg) error {
	n := m.Len()
	if n == 0 {
		e.hungUp.Store(true)
		return errFlushAndClose
	}
	for i := 0; i < n; i++ {
		e.enc.AppendRaw(m.Frame(i))
	}
	return nil
}

// streamPolicy: STREAM. Every pipe gets a routing id when it is made (a
// generated one, or CONNECT_ROUTING_ID for Connect); incoming messages are
// fair-queued and prefixed with it. Outgoing frames are taken one at a time,
// exactly as libzmq's stream socket does: a frame sent with SNDMORE names
// the peer (EHOSTUNREACH when unknown), the frame after it is the data,
// whatever its MORE flag, and a frame sent alone, when an id is expected, is
// ignored together with the frame after it.
type streamPolicy struct {
	peerTable
	s       *Socket
	moreOut bool  // the next frame is data
	cur     *pipe // where that data goes; nil drops it
}

func newStreamPolicy(s *Socket) *streamPolicy {
	return &streamPolicy{s: s, peerTable: newPeerTable()}
}

func (st *streamPolicy) attach(*pipe) bool { return true }

// connected names a pipe made by Connect at once: as in libzmq, a raw peer
// is routable from Connect on. rid is CONNECT_ROUTING_ID, if set; false
// means it is taken.
func (st *streamPolicy) connected(p *pipe, rid []byte) bool {
	return st.handshaken(p, rid)
}

// handshaken names a new pipe. rid is the connecter's CONNECT_ROUTING_ID,
// if any; inproc pipes bring their peer's ROUTING_ID, which a raw socket
// ignores. It fails only when rid is taken.
func (st *streamPolicy) handshaken(p *pipe, rid []byte) bool {
	if p.identified {
		return true // a connecter's pipe keeps its id across reconnects
	}
	if p.link != nil || len(rid) == 0 {
		// As libzmq does, the generated id also becomes the socket's
		// ROUTING_ID option, so that the user can learn a connected
		// peer's id right after Connect.
		rid = st.generateID()
		st.s.opt.bytes[OptRoutingID] = append([]byte(nil), rid...)
	} else if _, taken := st.byID[string(rid)]; taken {
		return false
	}
	st.name(p, rid)
	st.s.notifyOut()
	return true
}

func (st *streamPolicy) detach(p *pipe) {
	if st.cur == p {
		st.cur = nil
	}
	st.peerTable.detach(p)
}

func (st *streamPolicy) canSend() bool { return true } // as libzmq: always

// sendFrame takes one outgoing frame, without waiting: on the id frame it
// returns EAGAIN while the peer has no room, and the socket waits for it
// as flags and SNDTIMEO allow, as libzmq does. The caller holds s.mu.
func (st *streamPolicy) sendFrame(f []byte, more bool) error {
	if !st.moreOut {
		if more {
			p, ok := st.byID[string(f)]
			if !ok {
				return EHOSTUNREACH
			}
			if !p.canWrite() {
				return EAGAIN
			}
			st.cur = p
		}
		st.moreOut = true
		return nil
	}
	st.moreOut = false
	p := st.cur
	st.cur = nil
	if p == nil || p.dead.Load() {
		return nil // no peer named: the data is dropped
	}
	if len(f) == 0 {
		st.hangUp(p)
		return nil
	}
	var m pool.Msg
	st.s.appendCopy(&m, f)
	if !p.out.push(&m, true) { // the room was there at the id frame
		m.Release()
	}
	return nil
}

// hangUp closes p's connection once what was queued before has been
// written; its id is unknown from now on. The caller holds s.mu.
func (st *streamPolicy) hangUp(p *pipe) {
	st.unroute(p)
	if p.link != nil {
		st.s.removePipe(p) // inproc: ending the link is all there is
		return
	}
	p.dead.Store(true)
	var mark pool.Msg // no frames: appendRaw's signal to close
	p.out.push(&mark, true)
}
