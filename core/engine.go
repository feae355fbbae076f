package core

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

// An engine owns one connection once it is accepted or dialled: what goes
// over the wire and how (zmtpEngine: greeting, mechanism, framing,
// heartbeats; rawEngine: a STREAM socket's bare bytes). It talks to its
// session through engineHost only, never to the socket.
type engine interface {
	// run moves messages between the connection and p until the
	// connection ends or its context is done, and closes it. again is
	// false when the session must not connect again.
	run(p *pipe) (again bool)
	// peerID is the routing id the peer announced (nil: none).
	peerID() []byte
}

// engineHost is what an engine sees of its session.
type engineHost interface {
	// options is the session's snapshot, taken at Bind or Connect.
	options() *options
	socketType() SocketType
	// closing is closed when the socket is closed: the writer flushes
	// what is queued (LINGER), then ends the connection.
	closing() <-chan struct{}
	// lingerDeadline is when queued output must be given up after Close.
	lingerDeadline() (time.Time, bool)
	// deliver hands received messages to the socket, waiting for room;
	// after Close it drops them. The batch is emptied.
	deliver(p *pipe, batch []pool.Msg)
	// takesSubscriptions reports whether SUBSCRIBE and CANCEL commands are
	// input for the socket (PUB, XPUB).
	takesSubscriptions() bool
	// event reports a monitor event about this connection.
	event(ev, value int)
	// zap asks the context's ZAP handler (RFC 27); bound is false when
	// none is bound.
	zap(req wire.ZAPRequest, deadline time.Time) (reply [][]byte, bound bool, err error)
}

// engineMaker is implemented by policies whose connections do not speak
// ZMTP (STREAM); the others get a zmtpEngine.
type engineMaker interface {
	startEngine(ctx context.Context, h engineHost, conn net.Conn) (engine, error)
}

// errProtocol marks a handshake that failed because the peer broke ZMTP.
var errProtocol = errors.New("zmtp: protocol error")

// errFlushAndClose, returned by an engine's encoder, makes the writer
// write what it encoded so far and then end the connection.
var errFlushAndClose = errors.New("engine: close after this write")

// maxBatch bounds how many messages one engine step moves at once.
const maxBatch = 256

// batches holds the message batches engines move messages in. A reader or
// writer takes one when it has messages to move and gives it back before
// it waits, so an idle connection holds none.
var batches = sync.Pool{New: func() any {
	b := make([]pool.Msg, 0, 16) // grows to maxBatch when traffic needs it
	return &b
}}

// takeBatch returns an empty batch.
func takeBatch() *[]pool.Msg { return batches.Get().(*[]pool.Msg) }

// dropBatch gives back an empty batch.
func dropBatch(b *[]pool.Msg) {
	*b = (*b)[:0]
	batches.Put(b)
}

// engineIO is what both engines share: the connection, its context, the
// encoder and the batching writer.
type engineIO struct {
	h    engineHost
	ctx  context.Context // the connection's: done means drop it now
	conn net.Conn
	enc  *wire.Encoder
	fd   int           // the connection's descriptor, for monitor events
	done chan struct{} // closed when the reader stops

	// append encodes one queued message (the engine's framing).
	append func(m *pool.Msg) error

	// ZMTP only: command frames (PONG) waiting for the writer, and
	// heartbeats (HEARTBEAT_IVL/TTL/TIMEOUT).
	cmdMu sync.Mutex
	cmds  [][]byte
	// appendCmd encodes one command frame.
	appendCmd func(body []byte) error
	hbIvl     time.Duration // send a PING this often; 0: never
	hbTTL     time.Duration // TTL announced in our PINGs
	hbTimeout time.Duration // drop the peer if silent this long after a PING
	// heard is set by the reader on any incoming frame and cleared by the
	// writer when it sends a PING.
	heard atomic.Bool

	// The writer runs while there is something to write, and stops after
	// a quiet idleAfter (never with heartbeats, which it sends): kick
	// starts it again, so an idle connection has one goroutine, its
	// reader.
	wmu      sync.Mutex
	wrunning bool // a writer goroutine is running (or starting)
	wclosed  bool // the connection is ending: start no writer
	wg       sync.WaitGroup

	// out is held by whoever takes messages from the pipe, encodes and
	// writes them: the writer goroutine, or a sender on the direct path
	// (writeDirect). It guards enc, the command encoder and lastDirect,
	// and keeps the bytes of one batch together and in order.
	out sync.Mutex
	// direct makes one non-blocking write attempt (writeNow); nil when
	// the direct path is off (no raw access, or a STREAM engine).
	direct     func(b []byte) (int, error)
	lastDirect time.Time  // when the direct path last wrote
	directBuf  []pool.Msg // the direct path's batch, kept (empty) for reuse
}

// The direct path: a sender whose message finds the connection's writer
// idle encodes and writes it itself, with one non-blocking write, instead
// of waking the writer goroutine; that hand-off is most of a round trip's
// cost. It is taken at most once per directGap, so that a stream of
// messages still goes through the writer in batches (one write for
// many), and only for small messages (up to directMax bytes each,
// directBatch of them).
const (
	directGap   = 20 * time.Microsecond
	directMax   = 4 << 10
	directBatch = 16
)

// Direct writes copy every body into the encoder (checked at compile time).
const _ = uint(wire.CopyThreshold - directMax - 1024)

func newEngineIO(ctx context.Context, h engineHost, conn net.Conn) engineIO {
	return engineIO{h: h, ctx: ctx, conn: conn, enc: wire.NewEncoder(), fd: connFD(conn), done: make(chan struct{})}
}

// serve runs read (the engine's reader) on this goroutine, with the
// writer on another whenever there is output, until the connection ends;
// the connection is closed on return and no writer outlives it.
func (e *engineIO) serve(p *pipe, read func()) {
	p.writer.Store(e)
	e.kick(p) // output may have queued while there was no connection
	read()
	e.conn.Close()
	close(e.done)
	p.writer.CompareAndSwap(e, nil)
	e.wmu.Lock()
	e.wclosed = true
	e.wmu.Unlock()
	e.wg.Wait()
}

// kick makes sure the output gets written: by the sender itself on the
// direct path when it can, or by the writer, which it wakes or starts.
func (e *engineIO) kick(p *pipe) {
	if e.direct != nil && e.writeDirect(p) {
		return
	}
	e.wmu.Lock()
	switch {
	case e.wclosed:
		e.wmu.Unlock()
	case e.wrunning:
		e.wmu.Unlock()
		poke(p.wake)
	default:
		e.wrunning = true
		e.wg.Add(1)
		e.wmu.Unlock()
		go e.writeLoop(p)
	}
}

// writeDirect writes the small messages at the head of p's outbound queue
// from the calling goroutine when nobody else is writing, the last direct
// write is at least directGap old and nothing else is pending. It reports
// whether it left nothing to do; otherwise the caller wakes or starts the
// writer, which writes what the socket buffer did not take (it stays in
// the encoder) and what is still queued.
func (e *engineIO) writeDirect(p *pipe) bool {
	if !e.out.TryLock() {
		return false // the writer is at work: it will see the message
	}
	defer e.out.Unlock()
	if e.enc.Len() > 0 {
		return false
	}
	now := time.Now()
	if now.Sub(e.lastDirect) < directGap {
		return false
	}
	e.cmdMu.Lock()
	cmds := len(e.cmds)
	e.cmdMu.Unlock()
	if cmds > 0 {
		return false
	}
	batch := p.out.popSmall(e.directBuf[:0], directBatch, directMax)
	if len(batch) == 0 {
		return false
	}
	e.lastDirect = now
	var err error
	for i := range batch {
		if err == nil {
			err = e.append(&batch[i])
		}
		// Small bodies are copied into the encoder's buffer, so the
		// messages can go now.
		batch[i].Release()
	}
	e.directBuf = batch[:0]
	b, flat := e.enc.Flat()
	if err != nil || !flat {
		// An encoding failure ends the connection, as in the writer. The
		// encoder cannot hold a referenced body here (directMax is below
		// wire.CopyThreshold, sealing adds a few bytes), but if it did,
		// that body's message is gone: drop the connection rather than
		// write freed memory.
		e.enc.Reset()
		e.conn.Close()
		return true
	}
	n, err := e.direct(b)
	if err != nil {
		// The connection is broken: its reader sees it and ends it.
		e.enc.Reset()
		e.conn.Close()
		return true
	}
	e.enc.Discard(n)
	// What the socket buffer did not take, and messages left in the
	// queue (large ones, or more than a batch), are the writer's.
	return e.enc.Len() == 0 && p.out.len() == 0
}

// park stops the idle writer. It reports false when work arrived as it
// was stopping and no other writer has taken it: the writer goes on.
func (e *engineIO) park(p *pipe) bool {
	e.wmu.Lock()
	e.wrunning = false
	e.wmu.Unlock()
	if !e.pending(p) {
		return true
	}
	e.wmu.Lock()
	defer e.wmu.Unlock()
	if e.wrunning || e.wclosed {
		return true
	}
	e.wrunning = true
	return false
}

// pending reports whether the writer has something to do.
func (e *engineIO) pending(p *pipe) bool {
	if p.out.len() > 0 {
		return true
	}
	e.cmdMu.Lock()
	n := len(e.cmds)
	e.cmdMu.Unlock()
	if n > 0 {
		return true
	}
	select {
	case <-e.h.closing():
		return true // the closed socket's writer flushes, then hangs up
	default:
		return false
	}
}

// queueCommand makes cmd the command frame the writer sends next; only the
// latest waits, so a peer flooding PINGs without reading cannot grow this.
func (e *engineIO) queueCommand(p *pipe, cmd []byte) {
	e.cmdMu.Lock()
	e.cmds = append(e.cmds[:0], cmd)
	e.cmdMu.Unlock()
	e.kick(p)
}

// writeLoop drains the pipe into the connection, one batched write per
// wake-up, and ends the connection once a closed socket has flushed.
func (e *engineIO) writeLoop(p *pipe) {
	defer e.wg.Done()
	var held *[]pool.Msg // a batch, while there is output to move
	defer func() {
		if held != nil {
			dropBatch(held)
		}
	}()
	lingering := false
	closing := e.h.closing()
	var tick, timeout <-chan time.Time
	if e.hbIvl > 0 {
		t := time.NewTicker(e.hbIvl)
		defer t.Stop()
		tick = t.C
	}
	var timeoutTimer, parkTimer *time.Timer
	defer func() {
		if timeoutTimer != nil {
			timeoutTimer.Stop()
		}
		if parkTimer != nil {
			parkTimer.Stop()
		}
	}()
	for {
		e.out.Lock()
		var batch []pool.Msg
		if p.out.len() > 0 {
			if held == nil {
				held = takeBatch()
			}
			batch = p.out.popAll((*held)[:0], maxBatch)
			*held = batch[:0] // keep what append grew
		}
		var err error
		if e.appendCmd != nil {
			e.cmdMu.Lock()
			cmds := e.cmds
			e.cmds = nil
			e.cmdMu.Unlock()
			for _, c := range cmds {
				if err == nil {
					err = e.appendCmd(c)
				}
			}
		}
		for i := range batch {
			if err == nil {
				err = e.append(&batch[i])
			}
		}
		if err != nil {
			if err == errFlushAndClose {
				e.enc.WriteTo(e.conn)
			}
			for i := range batch {
				batch[i].Release()
			}
			e.out.Unlock()
			e.conn.Close()
			return
		}
		if e.enc.Len() > 0 {
			_, err := e.enc.WriteTo(e.conn)
			for i := range batch {
				batch[i].Release()
			}
			e.out.Unlock()
			if err != nil {
				e.conn.Close()
				return
			}
			continue
		}
		e.out.Unlock()
		if !lingering {
			select {
			case <-e.h.closing():
				lingering = true
				closing = nil // seen: from now on wait for output or the end
				if dl, ok := e.h.lingerDeadline(); ok {
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
		release := func() {
			if held != nil {
				clear((*held)[:cap(*held)])
				dropBatch(held)
				held = nil
			}
			e.out.Lock()
			e.enc.Release()
			e.out.Unlock()
		}
		var idle <-chan time.Time
		if tick != nil || lingering {
			// A writer that never parks holds no buffers while it waits.
			release()
		} else {
			// No heartbeat to send: after a quiet idleAfter, stop until
			// kicked.
			if parkTimer == nil {
				parkTimer = time.NewTimer(idleAfter)
			} else {
				parkTimer.Reset(idleAfter)
			}
			idle = parkTimer.C
		}
		select {
		case <-idle:
			release()
			if e.park(p) {
				return
			}
		case <-p.wake:
		case <-tick:
			if timeout == nil {
				// Send a PING and expect to hear from the peer within
				// HEARTBEAT_TIMEOUT.
				e.heard.Store(false)
				ttl := e.hbTTL / (100 * time.Millisecond)
				e.out.Lock()
				err := e.appendCmd(wire.AppendPing(nil, uint16(ttl), nil))
				e.out.Unlock()
				if err != nil {
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
		case <-e.ctx.Done():
			e.conn.Close()
			return
		case <-closing:
		}
	}
}

// peerHost is the Peer-Address property of a connection.
func peerHost(conn net.Conn) string {
	host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
	if err != nil {
		host = conn.RemoteAddr().String() // ipc: the path, or empty
	}
	return host
}
