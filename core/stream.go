package core

import (
	"errors"
	"net"

	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

// STREAM sockets (libzmq's ZMQ_STREAM) talk to peers that know nothing of
// ZeroMQ: there is no greeting, no handshake and no framing on the wire.
// Each connection gets a routing id, as a ROUTER's peers do; what one read
// returns arrives as the message [id, bytes], and a message [id, bytes]
// sent by the user is written as it is. With STREAM_NOTIFY (the default) a
// connection's arrival and its loss are each announced as [id, ""]. Sending
// [id, ""] closes the connection.
//
// The engine is the ZMTP engine with the raw flag set: the listener and the
// connecter start it through startEngine, its reader is rawReadLoop and its
// writer writes message bodies with no frame headers (appendRaw).

// errHangUp stops an engine's writer at the mark a STREAM socket's user
// queued to close the connection.
var errHangUp = errors.New("stream: connection closed by the user")

// Raw input is read into chunks of rawChunk bytes; a read goes into what is
// left of the current chunk unless that is less than rawMinRead. As with
// the ZMTP decoder, a chunk is never written twice, so the messages handed
// out are sub-slices of it and need no copy.
const (
	rawChunk   = 64 << 10
	rawMinRead = 2 << 10
)

// startEngine opens the engine of a new connection: the ZMTP greeting and
// security handshake, or for a STREAM socket nothing at all.
func startEngine(s *Socket, conn net.Conn, endpoint string, stop <-chan struct{}) (*engine, error) {
	if s.typ != STREAM {
		return handshake(s, conn, endpoint, stop)
	}
	return &engine{
		s:        s,
		conn:     conn,
		enc:      wire.NewEncoder(),
		raw:      true,
		props:    &Properties{peerAddr: peerHost(conn)},
		endpoint: endpoint,
		fd:       connFD(conn),
		done:     make(chan struct{}),
	}, nil
}

// rawReadLoop hands each read's bytes to the pipe as one message, with the
// connect and disconnect notifications around them when STREAM_NOTIFY is
// on. A connection closed from this side (by the user, Unbind, Disconnect
// or Close) is not announced, as in libzmq.
func (e *engine) rawReadLoop(p *Pipe, stop <-chan struct{}) {
	e.s.mu.Lock()
	notify := e.s.opt.ints[OptStreamNotify] != 0
	e.s.mu.Unlock()
	batch := make([]pool.Msg, 1)
	deliver := func(data []byte) {
		batch[0].Append(data)
		batch[0].Meta = e.props
		e.flush(p, batch)
		batch[0] = pool.Msg{}
	}
	if notify && !p.dead.Load() {
		deliver([]byte{})
	}
	var buf []byte
	pos := 0
	for {
		if len(buf)-pos < rawMinRead {
			buf = make([]byte, rawChunk)
			pos = 0
		}
		n, err := e.conn.Read(buf[pos:])
		if n > 0 {
			data := buf[pos : pos+n : pos+n]
			pos += n
			deliver(data)
		}
		if err != nil {
			break
		}
	}
	if notify && !e.closedHere(p, stop) {
		deliver([]byte{})
	}
}

// closedHere reports whether this side ended the connection.
func (e *engine) closedHere(p *Pipe, stop <-chan struct{}) bool {
	if e.hungUp.Load() || p.dead.Load() {
		return true
	}
	select {
	case <-stop:
		return true
	case <-e.s.closing:
		return true
	case <-e.s.killed:
		return true
	default:
		return false
	}
}

// appendRaw queues a message's bytes for a STREAM connection; the empty
// message queued by hangUp ends the connection.
func (e *engine) appendRaw(m *pool.Msg) error {
	n := m.Len()
	if n == 0 {
		return errHangUp
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
	cur     *Pipe // where that data goes; nil drops it
}

func newStreamPolicy(s *Socket) *streamPolicy {
	return &streamPolicy{s: s, peerTable: newPeerTable()}
}

func (st *streamPolicy) attach(*Pipe) bool { return true }

// handshaken names a new pipe. rid is the connecter's CONNECT_ROUTING_ID,
// if any; inproc pipes bring their peer's ROUTING_ID, which a raw socket
// ignores. It fails only when rid is taken.
func (st *streamPolicy) handshaken(p *Pipe, rid []byte) bool {
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

func (st *streamPolicy) detach(p *Pipe) {
	if st.cur == p {
		st.cur = nil
	}
	st.peerTable.detach(p)
}

// checkFirst and send are not used by Socket.send, which hands STREAM
// frames to sendFrame one at a time; send does the same for a whole
// message without waiting.
func (st *streamPolicy) checkFirst([]byte) error { return nil }

func (st *streamPolicy) send(m *pool.Msg) error {
	defer m.Release()
	for i, n := 0, m.Len(); i < n; i++ {
		if err := st.sendFrame(m.Frame(i), i < n-1, DontWait); err != nil {
			return err
		}
	}
	return nil
}

func (st *streamPolicy) canSend() bool { return true } // as libzmq: always

// sendFrame takes one outgoing frame. Waiting for room, as flags and
// SNDTIMEO allow, happens on the id frame, as in libzmq. The caller holds
// s.mu (released while waiting).
func (st *streamPolicy) sendFrame(f []byte, more bool, flags Flag) error {
	s := st.s
	if !st.moreOut {
		if more {
			var p *Pipe
			err := s.wait(flags, s.opt.int(OptSndtimeo), s.outSig, func() error {
				var ok bool
				if p, ok = st.byID[string(f)]; !ok {
					return EHOSTUNREACH
				}
				if !p.canWrite() {
					return EAGAIN
				}
				return nil
			})
			if err != nil {
				return err
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
	s.appendCopy(&m, f)
	if !p.out.push(&m, true) { // the room was there at the id frame
		m.Release()
	}
	return nil
}

// hangUp closes p's connection once what was queued before has been
// written; its id is unknown from now on. The caller holds s.mu.
func (st *streamPolicy) hangUp(p *Pipe) {
	st.unroute(p)
	if p.link != nil {
		st.s.removePipe(p) // inproc: ending the link is all there is
		return
	}
	p.dead.Store(true)
	var mark pool.Msg // no frames: appendRaw's signal to close
	p.out.push(&mark, true)
}

// sendStream is Send for a STREAM socket. The caller holds s.mu.
func (s *Socket) sendStream(head [][]byte, last []byte, flags Flag) error {
	st := s.pol.(*streamPolicy)
	for _, f := range head {
		if err := st.sendFrame(f, true, flags); err != nil {
			return err
		}
	}
	return st.sendFrame(last, flags&SndMore != 0, flags)
}
