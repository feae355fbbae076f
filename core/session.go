package core

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

// Sessions and listeners. Each Bind makes a listener and each Connect a
// connecting session; each connection a listener accepts gets a session of
// its own. A session owns its pipe, its engine and a snapshot of the
// socket's options taken synchronously by Bind or Connect (the listener's
// snapshot is shared by the sessions of the connections it accepts), so
// options set later apply to later endpoints only, as in libzmq.
//
// Lifetimes form a tree of contexts: the socket's (done when LINGER runs
// out after Close), a listener's and a session's under it (done on Unbind,
// Disconnect, or a Close with nothing left to deliver), and a connection's
// under its session, which closes the connection when it is done. Every
// goroutine is counted in the socket's WaitGroup.

// listener accepts connections on one bound endpoint (tcp or ipc).
type listener struct {
	s        *Socket
	opt      *options // the socket's options at Bind
	tr       transport
	ln       net.Listener
	endpoint string // resolved, as LAST_ENDPOINT reports it; Unbind's key
	// ctx is done when the listener is unbound (or the socket's LINGER
	// ran out): its connections end.
	ctx    context.Context
	cancel context.CancelFunc
	// cleanup, when set, runs once after the listening socket is closed
	// (it removes the directory made for an ipc://* endpoint).
	cleanup   func()
	closeOnce sync.Once
}

// listen binds a for s and starts accepting. The caller holds s.mu.
func listen(s *Socket, tr transport, a address) (*listener, error) {
	l := &listener{s: s, opt: s.opt.clone(), tr: tr}
	ln, resolved, cleanup, err := a.listen(l.opt)
	if err != nil {
		return nil, err
	}
	l.ln, l.endpoint, l.cleanup = ln, resolved, cleanup
	l.ctx, l.cancel = context.WithCancel(s.life)
	s.wg.Add(1)
	go l.acceptLoop()
	return l, nil
}

// closeListener stops accepting; connections already accepted go on.
func (l *listener) closeListener() {
	l.closeOnce.Do(func() {
		l.ln.Close()
		if l.cleanup != nil {
			l.cleanup()
		}
	})
}

// stop stops accepting and ends the connections this listener accepted.
func (l *listener) stop() {
	l.cancel()
	l.closeListener()
}

func (l *listener) acceptLoop() {
	defer l.s.wg.Done()
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of descriptors or a similar passing condition.
			l.s.event(EventAcceptFailed, errnoValue(err), l.endpoint)
			t := time.NewTimer(10 * time.Millisecond)
			select {
			case <-l.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		if err := l.tr.tune(conn, l.opt); err != nil {
			// As libzmq: a connection that cannot be tuned is dropped.
			conn.Close()
			l.s.event(EventAcceptFailed, errnoValue(err), l.endpoint)
			continue
		}
		l.s.event(EventAccepted, connFD(conn), l.endpoint)
		ss := newSession(l.s, l.ctx, l.opt, l.endpoint)
		l.s.wg.Add(1)
		go ss.serveAccepted(conn)
	}
}

// session is one endpoint's link between the socket and its connections:
// a connecting session keeps its pipe across reconnects (unless
// IMMEDIATE); an accepted connection's session ends with the connection.
// It is its engines' engineHost.
type session struct {
	s        *Socket
	opt      *options // snapshot taken by Bind or Connect; never changed
	ctx      context.Context
	cancel   context.CancelFunc
	endpoint string // what monitor events name

	// pipe is guarded by s.mu; nil while IMMEDIATE and not connected.
	pipe *pipe
	// discarding belongs to the engine reader running: the socket was
	// closed while the pipe was full, so input is dropped from now on.
	discarding bool

	// A connecting session's target, and CONNECT_ROUTING_ID for the peer.
	tr   transport
	addr address
	rid  []byte
}

func newSession(s *Socket, parent context.Context, o *options, endpoint string) *session {
	ss := &session{s: s, opt: o, endpoint: endpoint}
	ss.ctx, ss.cancel = context.WithCancel(parent)
	return ss
}

// halt ends the session: its connection closes, reconnecting stops.
func (ss *session) halt() { ss.cancel() }

// serveAccepted runs one accepted connection to its end.
func (ss *session) serveAccepted(conn net.Conn) {
	s := ss.s
	defer s.wg.Done()
	defer ss.cancel()
	ss.runConn(conn, true)
	s.mu.Lock()
	if ss.pipe != nil {
		s.removePipe(ss.pipe)
	}
	s.mu.Unlock()
}

// runConn starts an engine on conn, attaches the session's pipe (making
// it if there is none) and runs the engine to the connection's end.
// started is false when the engine or the pipe could not start; again is
// false when the engine says the session must not connect again.
// acceptedConn ends the handshake early when the socket is closed (such a
// connection has nothing queued to linger for).
func (ss *session) runConn(conn net.Conn, acceptedConn bool) (started, again bool) {
	s := ss.s
	cctx, cancel := context.WithCancel(ss.ctx)
	defer cancel()
	release := closeWhenDone(cctx, conn)
	defer release()
	var unhook func() bool
	if acceptedConn {
		unhook = context.AfterFunc(s.closeCtx, cancel)
	}
	e, err := ss.startEngine(cctx, conn)
	if unhook != nil {
		unhook()
	}
	if err != nil {
		conn.Close()
		return false, true
	}
	s.mu.Lock()
	if s.closed && ss.pipe == nil {
		s.mu.Unlock()
		conn.Close()
		return false, false
	}
	s.reapInproc()
	if ss.pipe == nil {
		ss.pipe = s.attachPipe(newPipe(s, ss.opt))
		if ss.pipe == nil {
			s.mu.Unlock()
			conn.Close()
			return false, true
		}
	}
	p := ss.pipe
	id := e.peerID()
	if ss.rid != nil {
		id = ss.rid
	}
	ok := s.pol.handshaken(p, id)
	s.mu.Unlock()
	if !ok {
		conn.Close()
		return false, true
	}
	return true, e.run(p)
}

// startEngine makes the connection's engine: the policy's own (STREAM) or
// ZMTP's, which runs the handshake first.
func (ss *session) startEngine(ctx context.Context, conn net.Conn) (engine, error) {
	if m, ok := ss.s.pol.(engineMaker); ok {
		return m.startEngine(ctx, ss, conn)
	}
	return startZMTP(ctx, ss, conn)
}

// closeWhenDone closes c when ctx is done. release, called once c is no
// longer used, unhooks that and waits for a close already under way, so
// that no goroutine outlives the caller.
func closeWhenDone(ctx context.Context, c io.Closer) (release func()) {
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		c.Close()
		close(closed)
	})
	return func() {
		if !stop() {
			<-closed
		}
	}
}

// connect runs a connecting session: it dials, runs an engine until the
// connection drops, waits RECONNECT_IVL (backing off up to
// RECONNECT_IVL_MAX) and dials again, until halted, or until its closed
// socket has nothing left for it to deliver.
func (ss *session) connect() {
	s := ss.s
	defer s.wg.Done()
	defer ss.cancel()
	defer func() {
		s.mu.Lock()
		s.dropConnecter(ss)
		s.mu.Unlock()
	}()
	ivl := time.Duration(ss.opt.int(OptReconnectIvl)) * time.Millisecond
	ivlMax := time.Duration(ss.opt.int(OptReconnectIvlMax)) * time.Millisecond
	immediate := ss.opt.flag(OptImmediate)
	backoff := ivl
	next := func() bool {
		if ivl < 0 {
			return false // RECONNECT_IVL -1: never reconnect
		}
		d := backoff
		if ivlMax > ivl {
			backoff *= 2
			if backoff > ivlMax {
				backoff = ivlMax
			}
		}
		ss.event(EventConnectRetried, int(d/time.Millisecond))
		return ss.sleep(d)
	}
	for {
		if ss.finished() {
			return
		}
		conn, err := ss.addr.dial(ss.ctx, ss.opt)
		if err != nil {
			// As libzmq: the attempt was under way, then failed.
			ss.event(EventConnectDelayed, int(EINPROGRESS))
			ss.event(EventClosed, -1)
			if !next() {
				return
			}
			continue
		}
		if err := ss.tr.tune(conn, ss.opt); err != nil {
			// As libzmq: a connection that cannot be tuned is dropped
			// and tried again later.
			conn.Close()
			ss.event(EventClosed, -1)
			if !next() {
				return
			}
			continue
		}
		ss.event(EventConnected, connFD(conn))
		started, again := ss.runConn(conn, false)
		if started {
			backoff = ivl
			if !again || immediate {
				s.mu.Lock()
				s.removePipe(ss.pipe)
				ss.pipe = nil
				s.mu.Unlock()
			}
		}
		if !again || !next() {
			return
		}
	}
}

// finished reports whether the session should give up: halted, past
// LINGER, or its socket closed with nothing queued.
func (ss *session) finished() bool {
	if ss.ctx.Err() != nil {
		return true
	}
	select {
	case <-ss.s.closing:
		return ss.nothingQueued()
	default:
		return false
	}
}

// nothingQueued reports whether the session's pipe holds no output.
func (ss *session) nothingQueued() bool {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	return ss.pipe == nil || ss.pipe.out.len() == 0
}

// sleep waits d or until the session must give up; false means give up.
func (ss *session) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	closing := ss.s.closing
	for {
		select {
		case <-t.C:
			return !ss.finished()
		case <-ss.ctx.Done():
			return false
		case <-closing:
			if ss.nothingQueued() {
				return false
			}
			closing = nil
		}
	}
}

// The session is its engines' engineHost.

func (ss *session) options() *options        { return ss.opt }
func (ss *session) socketType() SocketType   { return ss.s.typ }
func (ss *session) closing() <-chan struct{} { return ss.s.closing }
func (ss *session) takesSubscriptions() bool { return ss.s.inbound != nil }

func (ss *session) event(ev, value int) { ss.s.event(ev, value, ss.endpoint) }

func (ss *session) lingerDeadline() (time.Time, bool) {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	return ss.s.lingerDeadline()
}

func (ss *session) zap(req wire.ZAPRequest, deadline time.Time) ([][]byte, bool, error) {
	return ss.s.ctx.zap(req, deadline)
}

// deliver moves batch into the pipe, waiting for room; once the socket is
// closed it drops input instead. PUB and XPUB take their input at once,
// under the socket's lock, so that subscriptions apply even when nobody
// calls Recv.
func (ss *session) deliver(p *pipe, batch []pool.Msg) {
	s := ss.s
	if s.inbound != nil {
		s.mu.Lock()
		s.inbound.inbound(p, batch)
		s.mu.Unlock()
		clear(batch)
		return
	}
	all := batch
	for len(batch) > 0 && !ss.discarding {
		k := p.in.pushBatch(batch)
		batch = batch[k:]
		if len(batch) == 0 {
			break
		}
		select {
		case <-p.inSpace:
		case <-s.closing:
			// Nobody will read any more, but the writer may still be
			// lingering: keep reading (so the peer can go on, and the
			// writer can finish) and drop what arrives, as libzmq does.
			ss.discarding = true
		}
	}
	if ss.discarding {
		for i := range batch {
			batch[i].Release()
		}
	}
	clear(all)
}

// mapNetError turns a listen or dial error into libzmq's errno.
func mapNetError(err error) error {
	var se syscall.Errno
	if errors.As(err, &se) {
		return Errno(se)
	}
	return EINVAL
}
