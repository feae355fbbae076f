package core

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

// errProtocol marks a handshake that failed because the peer broke ZMTP.
var errProtocol = errors.New("zmtp: protocol error")

// maxBatch bounds how many messages one engine step moves at once.
const maxBatch = 256

// engine owns one connection after it is accepted or dialled: the greeting,
// the security handshake, then a reader (the goroutine that called run) and
// a writer goroutine moving messages between the wire and one pipe.
type engine struct {
	s      *Socket
	conn   net.Conn
	dec    *wire.Decoder
	enc    *wire.Encoder
	peerID []byte

	cmdMu sync.Mutex
	cmds  [][]byte // command frame bodies waiting for the writer (at most one PONG)

	// Heartbeats (ZMTP 3.1 PING/PONG), from HEARTBEAT_IVL/TTL/TIMEOUT.
	hbIvl     time.Duration // send a PING this often; 0: never
	hbTTL     time.Duration // TTL announced in our PINGs
	hbTimeout time.Duration // drop the peer if silent this long after a PING
	// heard is set by the reader on any incoming frame and cleared by the
	// writer when it sends a PING.
	heard atomic.Bool
	// ttlArmed is the reader's own flag: a read deadline from the peer's
	// PING TTL is in force and must be lifted on the next frame.
	ttlArmed bool

	// codec, for CURVE, wraps every frame after the handshake; sealBuf is
	// the writer's scratch for sealed frames.
	codec   wire.MessageCodec
	sealBuf []byte

	props *Properties // metadata attached to every message received
	// discarding is the reader's own flag: the socket was closed while
	// the pipe was full, so input is dropped from now on.
	discarding bool
	endpoint   string // what monitor events name: the bound or connected endpoint
	fd         int    // the connection's descriptor, for monitor events

	// raw is set for a STREAM socket's connection: no ZMTP, the bytes are
	// the messages (stream.go). hungUp is set when its user closed it.
	raw    bool
	hungUp atomic.Bool

	done chan struct{} // closed when the reader stops
}

// handshake runs the greeting and the mechanism on conn, which belongs to
// endpoint (for monitor events). It gives up when stop or the socket's
// kill channel closes, or after HANDSHAKE_IVL.
func handshake(s *Socket, conn net.Conn, endpoint string, stop <-chan struct{}) (eng *engine, herr error) {
	fd := connFD(conn)
	defer func() {
		// Tell a monitor how it went, as libzmq does.
		if herr != nil {
			ev, v := handshakeEvent(herr)
			s.event(ev, v, endpoint)
			return
		}
		eng.endpoint, eng.fd = endpoint, fd
		s.event(EventHandshakeSucceeded, 0, endpoint)
	}()
	s.mu.Lock()
	mech := s.opt.newMechanism(s.typ, s.opt.zapWanted())
	role := s.opt.sec.asServer // the greeting's as-server is the security role
	maxSize := s.opt.int64Max()
	ivl := s.opt.int(OptHandshakeIvl)
	hbIvl := time.Duration(s.opt.int(OptHeartbeatIvl)) * time.Millisecond
	hbTTL := time.Duration(s.opt.int(OptHeartbeatTTL)) * time.Millisecond
	hbTimeout := time.Duration(s.opt.int(OptHeartbeatTimeout)) * time.Millisecond
	s.mu.Unlock()
	if hbTimeout < 0 {
		hbTimeout = hbIvl
	}

	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-finished:
		case <-stop:
			conn.Close()
		case <-s.killed:
			conn.Close()
		}
	}()
	if ivl > 0 {
		conn.SetDeadline(time.Now().Add(time.Duration(ivl) * time.Millisecond))
	}

	var g [wire.GreetingSize]byte
	out := wire.Greeting{Major: 3, Minor: 1, Mechanism: mech.Name(), AsServer: role}.Append(g[:0])
	if _, err := conn.Write(out); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(conn, g[:wire.GreetingPrefixSize]); err != nil {
		return nil, err
	}
	if err := wire.CheckGreetingPrefix(g[:wire.GreetingPrefixSize]); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(conn, g[wire.GreetingPrefixSize:]); err != nil {
		return nil, err
	}
	peer, err := wire.ParseGreeting(g[:])
	if err != nil {
		return nil, err
	}
	if peer.Mechanism != mech.Name() {
		return nil, fmt.Errorf("%w: security mechanism mismatch: we use %s, the peer %s", errProtocol, mech.Name(), peer.Mechanism)
	}
	e := &engine{
		s:    s,
		conn: conn,
		dec:  wire.NewDecoder(conn, maxSize),
		enc:  wire.NewEncoder(),
		done: make(chan struct{}),
	}
	if peer.Major != 3 || peer.Minor != 0 { // ZMTP 3.0 has no PING: no heartbeats
		e.hbIvl, e.hbTTL, e.hbTimeout = hbIvl, hbTTL, hbTimeout
	}
	cmds, err := mech.Start()
	for {
		// Send what the mechanism produced, even when it then failed: an
		// ERROR command tells the peer why.
		for _, c := range cmds {
			e.enc.AppendFrame(wire.FlagCommand, c)
		}
		if e.enc.Len() > 0 {
			if _, werr := e.enc.WriteTo(conn); werr != nil && err == nil {
				err = werr
			}
		}
		if err != nil {
			return nil, err
		}
		switch mech.Status() {
		case wire.Ready:
			goto ready
		case wire.Failed:
			return nil, fmt.Errorf("%w: handshake failed", errProtocol)
		case wire.WaitingForZAP:
			var deadline time.Time
			if ivl > 0 {
				deadline = time.Now().Add(time.Duration(ivl) * time.Millisecond)
			}
			cmds, err = e.authenticate(mech.(wire.ZAPMechanism), deadline)
			continue
		}
		f, err2 := e.dec.Next()
		if err2 != nil {
			return nil, err2
		}
		if !f.IsCommand() {
			return nil, fmt.Errorf("%w: message frame during handshake", errProtocol)
		}
		cmds, err = mech.Handle(f.Body)
	}
ready:
	if c, ok := mech.(wire.MessageCodec); ok {
		e.codec = c
	}
	conn.SetDeadline(time.Time{})
	if id, ok := mech.PeerMetadata().Get(wire.PropIdentity); ok {
		e.peerID = id
	}
	e.props = connProperties(mech, peerHost(conn))
	return e, nil
}

// peerHost is the Peer-Address property of a connection.
func peerHost(conn net.Conn) string {
	host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
	if err != nil {
		host = conn.RemoteAddr().String() // ipc: the path, or empty
	}
	return host
}

// run moves messages between the connection and p until the connection
// ends, stop closes, or the socket is closed and done lingering. It closes
// the connection before returning.
func (e *engine) run(p *Pipe, stop <-chan struct{}) {
	writerDone := make(chan struct{})
	go e.writeLoop(p, stop, writerDone)
	if e.raw {
		e.rawReadLoop(p, stop)
	} else {
		e.readLoop(p)
	}
	e.conn.Close()
	close(e.done)
	<-writerDone
	if !e.hungUp.Load() { // libzmq reports no STREAM connection its user closed
		e.s.event(EventDisconnected, e.fd, e.endpoint)
	}
}

// readLoop decodes frames into messages and hands them to the pipe in
// batches, waiting while the pipe is at its high-water mark.
func (e *engine) readLoop(p *Pipe) {
	batch := make([]pool.Msg, 0, maxBatch)
	var cur pool.Msg
	for {
		f, err := e.dec.Next()
		if err == nil && e.codec != nil {
			f, err = e.open(f)
		}
		if err != nil {
			e.flush(p, batch)
			return
		}
		if e.hbIvl > 0 {
			e.heard.Store(true)
		}
		if e.ttlArmed {
			e.ttlArmed = false
			e.conn.SetReadDeadline(time.Time{})
		}
		if f.IsCommand() {
			sub, ok := e.command(p, f.Body)
			if !ok {
				e.flush(p, batch)
				return
			}
			if sub.Len() == 0 {
				continue
			}
			// A SUBSCRIBE or CANCEL: queued in order with the messages.
			batch = append(batch, sub)
		} else {
			cur.Append(f.Body)
			if f.More() {
				continue
			}
			cur.Meta = e.props
			batch = append(batch, cur)
			cur = pool.Msg{}
		}
		if len(batch) == maxBatch || !e.dec.Ready() {
			e.flush(p, batch)
			clear(batch)
			batch = batch[:0]
		}
	}
}

// flush moves batch into the pipe, waiting for room; once the socket is
// closed it drops input instead.
func (e *engine) flush(p *Pipe, batch []pool.Msg) {
	if e.s.inbound != nil {
		// PUB and XPUB take their input at once.
		e.s.consumeInbound(p, batch)
		return
	}
	for len(batch) > 0 && !e.discarding {
		k := p.in.pushBatch(batch)
		batch = batch[k:]
		if len(batch) == 0 {
			break
		}
		select {
		case <-p.inSpace:
		case <-e.s.closing:
			// Nobody will read any more, but the writer may still be
			// lingering: keep reading (so the peer can go on, and the
			// writer can finish) and drop what arrives, as libzmq does.
			e.discarding = true
		}
	}
	if e.discarding {
		for i := range batch {
			batch[i].Release()
		}
	}
}

// command handles a command frame after the handshake; false ends the
// connection. A SUBSCRIBE or CANCEL sent to a PUB or XPUB comes back as the
// equivalent subscription message, for the pipe.
func (e *engine) command(p *Pipe, body []byte) (sub pool.Msg, ok bool) {
	name, data, err := wire.ParseCommand(body)
	if err != nil {
		return sub, false
	}
	if e.s.inbound != nil {
		if sub, ok := subscriptionCommand(name, data); ok {
			return sub, true
		}
	}
	return sub, e.control(p, name, data)
}

// control handles the other commands; false ends the connection.
func (e *engine) control(p *Pipe, name string, data []byte) bool {
	switch name {
	case wire.CmdPing:
		ttl, ctx, err := wire.ParsePing(data)
		if err != nil {
			return false
		}
		if ttl > 0 {
			// The peer wants to be dropped if it goes silent for ttl.
			e.conn.SetReadDeadline(time.Now().Add(time.Duration(ttl) * 100 * time.Millisecond))
			e.ttlArmed = true
		}
		pong := wire.AppendCommandBody(nil, wire.CmdPong, ctx)
		e.cmdMu.Lock()
		// Only the latest PONG waits: a peer flooding PINGs without
		// reading cannot grow this, as with libzmq.
		e.cmds = append(e.cmds[:0], pong)
		e.cmdMu.Unlock()
		poke(p.wake)
		return true
	case wire.CmdPong:
		return true
	case wire.CmdError:
		return false
	}
	// Unknown commands are ignored, as ZMTP asks.
	return true
}

// writeLoop drains the pipe into the connection, one batched write per
// wake-up, and ends the connection once a closed socket has flushed.
func (e *engine) writeLoop(p *Pipe, stop <-chan struct{}, done chan struct{}) {
	defer close(done)
	batch := make([]pool.Msg, 0, maxBatch)
	lingering := false
	closing := e.s.closing
	var tick, timeout <-chan time.Time
	if e.hbIvl > 0 {
		t := time.NewTicker(e.hbIvl)
		defer t.Stop()
		tick = t.C
	}
	var timeoutTimer *time.Timer
	defer func() {
		if timeoutTimer != nil {
			timeoutTimer.Stop()
		}
	}()
	for {
		batch = p.out.popAll(batch[:0], maxBatch)
		e.cmdMu.Lock()
		cmds := e.cmds
		e.cmds = nil
		e.cmdMu.Unlock()
		var err error
		for _, c := range cmds {
			if err == nil {
				err = e.appendCommand(c)
			}
		}
		for i := range batch {
			if err == nil {
				err = e.appendMsg(&batch[i])
			}
		}
		if err != nil {
			if err == errHangUp {
				// A STREAM socket's user closed the connection: what it
				// sent before goes out first.
				e.hungUp.Store(true)
				e.enc.WriteTo(e.conn)
			}
			for i := range batch {
				batch[i].Release()
			}
			e.conn.Close()
			return
		}
		if e.enc.Len() > 0 {
			_, err := e.enc.WriteTo(e.conn)
			for i := range batch {
				batch[i].Release()
			}
			if err != nil {
				e.conn.Close()
				return
			}
			continue
		}
		if !lingering {
			select {
			case <-e.s.closing:
				lingering = true
				closing = nil // seen: from now on wait for output or the kill
				if dl, ok := e.lingerDeadline(); ok {
					e.conn.SetWriteDeadline(dl)
				}
			default:
			}
		}
		if lingering && p.out.len() == 0 {
			// Everything the closed socket queued has been written.
			e.conn.Close()
			return
		}
		select {
		case <-p.wake:
		case <-tick:
			if timeout == nil {
				// Send a PING and expect to hear from the peer within
				// HEARTBEAT_TIMEOUT.
				e.heard.Store(false)
				ttl := e.hbTTL / (100 * time.Millisecond)
				if e.appendCommand(wire.AppendPing(nil, uint16(ttl), nil)) != nil {
					e.conn.Close()
					return
				}
				if timeoutTimer == nil {
					timeoutTimer = time.NewTimer(e.hbTimeout)
				} else {
					timeoutTimer.Reset(e.hbTimeout)
				}
				timeout = timeoutTimer.C
			}
		case <-timeout:
			timeout = nil
			if !e.heard.Load() {
				e.conn.Close() // the peer went silent
				return
			}
		case <-e.done:
			return
		case <-stop:
			e.conn.Close()
			return
		case <-e.s.killed:
			e.conn.Close()
			return
		case <-closing:
		}
	}
}

func (e *engine) lingerDeadline() (time.Time, bool) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	return e.s.lingerDeadline()
}
