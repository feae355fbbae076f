package core

import (
	"sync"
	"sync/atomic"

	"github.com/monocoque-go/monocoque/pool"
)

// The inproc transport links two sockets of one Context directly: no
// engine, no goroutine, no encoding. A connection is an inprocLink: two
// queues, each the outbound queue of one socket's pipe and the inbound
// queue of the other's, so a message is moved once, by the sender, into
// the queue the receiver reads.
//
// Like libzmq (4.0 and later), a Connect to a name nobody has bound yet is
// accepted: the connecting side's pipe exists at once, messages queue on it
// (up to its own SNDHWM), and the link completes when the name is bound.
// Once both sides are attached, each direction's high-water mark is the
// sender's SNDHWM plus the receiver's RCVHWM (0, no limit, if either is 0).
//
// Ending a link never needs both sockets' locks at once. The side that ends
// it (Disconnect, Close, a refusal) removes its own pipe; what it had queued
// stays readable by the peer, whose pipe is marked dead and put on the
// peer's reap list. The peer drops it from its pipe set the next time it
// runs an API call or attaches a pipe, and its routing forgets it once its
// input is drained.

// inprocBinding is one name bound by a socket.
type inprocBinding struct {
	s    *Socket
	name string
}

// inprocState is a socket's inproc bookkeeping. Fields are guarded by the
// socket's mu unless noted.
type inprocState struct {
	binds    []*inprocBinding
	connects []*inprocLink // links made by Connect, for Disconnect

	// Pipes whose peer ended the link, to be removed under mu.
	reapMu sync.Mutex
	reap   []*pipe
	nReap  atomic.Int32
	spare  []*pipe // the other reap list, reused (guarded by the socket's mu)
}

// inprocLink is one inproc connection.
type inprocLink struct {
	ctx      *Context
	name     string // the bound name
	endpoint string // as given to Connect
	conn     *Socket
	connPipe *pipe
	toBind   *queue // conn → bind
	toConn   *queue // bind → conn

	// The connecting side's settings, taken at Connect.
	connID     []byte // its ROUTING_ID, announced to the binder
	connRid    []byte // its CONNECT_ROUTING_ID: its own name for the binder
	connSndhwm int
	connRcvhwm int

	// bindID is the binder's ROUTING_ID, set when it attaches.
	bindID []byte
	// connP and bindP are connPipe and bindPipe for the queues' hooks,
	// which run without locks; nil until set.
	connP, bindP atomic.Pointer[pipe]

	// mu guards the fields below and the high-water marks; the queues'
	// own locks are taken under it (setHWMs).
	mu         sync.Mutex
	bindPipe   *pipe // nil while pending
	bindSndhwm int   // the binder's, from when it attached
	bindRcvhwm int
	connEnded  bool
	bindEnded  bool
}

// The queues' hooks: each tells the pipe at the other end of a queue that
// it became readable or writable. A side not attached yet is told nothing;
// it looks at its queues when it attaches.

func (l *inprocLink) connReadable() {
	if p := l.connP.Load(); p != nil {
		p.s.pipeReadable(p)
	}
}

func (l *inprocLink) connWritable() {
	if p := l.connP.Load(); p != nil {
		p.s.pipeWritable(p)
	}
}

func (l *inprocLink) bindReadable() {
	if p := l.bindP.Load(); p != nil {
		p.s.pipeReadable(p)
	}
}

func (l *inprocLink) bindWritable() {
	if p := l.bindP.Load(); p != nil {
		p.s.pipeWritable(p)
	}
}

// inprocHWM is libzmq's limit for one direction of an inproc pipe.
func inprocHWM(sndhwm, rcvhwm int) int {
	if sndhwm <= 0 || rcvhwm <= 0 {
		return 0
	}
	return sndhwm + rcvhwm
}

// setHWMs records new high-water marks of p's socket (SetInt) and applies
// them to the link's queues. The caller holds p's socket's mu.
func (l *inprocLink) setHWMs(p *pipe, sndhwm, rcvhwm int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p == l.connPipe {
		l.connSndhwm, l.connRcvhwm = sndhwm, rcvhwm
	} else {
		l.bindSndhwm, l.bindRcvhwm = sndhwm, rcvhwm
	}
	l.applyHWMsLocked()
}

// applyHWMsLocked sets each direction's limit: the sender's SNDHWM plus
// the receiver's RCVHWM, or the connecting side's own while pending. The
// caller holds l.mu.
func (l *inprocLink) applyHWMsLocked() {
	if l.bindPipe == nil {
		l.toBind.setHWM(l.connSndhwm)
		l.toConn.setHWM(l.connRcvhwm)
		return
	}
	l.toBind.setHWM(inprocHWM(l.connSndhwm, l.bindRcvhwm))
	l.toConn.setHWM(inprocHWM(l.bindSndhwm, l.connRcvhwm))
}

// setConflate makes q conflating when on is set.
func setConflate(q *queue, on bool) {
	if on {
		q.setConflate()
	}
}

// addInprocPipe makes s's end of l and offers it to the policy; nil means
// refused (a PAIR that already has its peer). The caller holds s.mu.
func (s *Socket) addInprocPipe(l *inprocLink, in, out *queue) *pipe {
	return s.attachPipe(&pipe{s: s, in: in, out: out, link: l})
}

// connectInproc is Connect for "inproc://name". It is called with s.mu
// held and returns with it released.
func (s *Socket) connectInproc(name, endpoint string) error {
	s.reapInproc()
	l := &inprocLink{
		ctx:        s.ctx,
		name:       name,
		endpoint:   endpoint,
		conn:       s,
		connID:     append([]byte(nil), s.opt.bytes[OptRoutingID]...),
		connRid:    s.opt.bytes[OptConnectRoutingID],
		connSndhwm: s.opt.int(OptSndhwm),
		connRcvhwm: s.opt.int(OptRcvhwm),
	}
	s.opt.bytes[OptConnectRoutingID] = nil
	s.lastEndpoint = endpoint
	// Until the name is bound the limits are this side's alone.
	l.toBind = newQueue(s.opt.int(OptSndhwm), l.bindReadable, l.connWritable)
	l.toConn = newQueue(s.opt.int(OptRcvhwm), l.connReadable, l.bindWritable)
	if in, out := s.opt.conflateQueues(s.typ); in || out {
		setConflate(l.toConn, in)
		setConflate(l.toBind, out)
	}
	p := s.addInprocPipe(l, l.toConn, l.toBind)
	if p == nil {
		s.mu.Unlock()
		return nil // PAIR already has its peer; libzmq accepts and ignores
	}
	l.connPipe = p
	l.connP.Store(p)
	s.inproc.connects = append(s.inproc.connects, l)
	s.mu.Unlock()
	s.ctx.inprocConnect(l)
	return nil
}

// inprocConnect attaches l to the socket bound to its name, or leaves it
// pending until one binds. It holds no lock on entry.
func (c *Context) inprocConnect(l *inprocLink) {
	for {
		c.inprocMu.Lock()
		b := c.inprocBound[l.name]
		if b == nil {
			l.mu.Lock()
			drop := l.connEnded && l.toBind.len() == 0
			l.mu.Unlock()
			if !drop {
				if c.inprocPending == nil {
					c.inprocPending = make(map[string][]*inprocLink)
				}
				c.inprocPending[l.name] = append(c.inprocPending[l.name], l)
			}
			c.inprocMu.Unlock()
			return
		}
		c.inprocMu.Unlock()
		s := b.s
		s.mu.Lock()
		if s.closed || !s.hasInprocBinding(b) {
			// Unbound meanwhile: look again.
			s.mu.Unlock()
			continue
		}
		finish := s.attachInproc(l)
		s.mu.Unlock()
		if finish {
			l.finishConnect()
		}
		return
	}
}

// dropPending forgets a pending link whose connecting side ended with
// nothing queued.
func (c *Context) dropPending(l *inprocLink) {
	c.inprocMu.Lock()
	defer c.inprocMu.Unlock()
	list := c.inprocPending[l.name]
	for i, x := range list {
		if x == l {
			list = append(list[:i], list[i+1:]...)
			if len(list) == 0 {
				delete(c.inprocPending, l.name)
			} else {
				c.inprocPending[l.name] = list
			}
			return
		}
	}
}

func (s *Socket) hasInprocBinding(b *inprocBinding) bool {
	for _, x := range s.inproc.binds {
		if x == b {
			return true
		}
	}
	return false
}

// attachInproc attaches the binding side s to l. The caller holds s.mu.
// It returns true when the connecting side must be told the binder's
// routing id with finishConnect (after s.mu is released).
func (s *Socket) attachInproc(l *inprocLink) bool {
	s.reapInproc()
	l.mu.Lock()
	if l.connEnded && l.toBind.len() == 0 {
		// The connecting side went away and left nothing to read.
		l.bindEnded = true
		l.mu.Unlock()
		return false
	}
	p := &pipe{s: s, in: l.toBind, out: l.toConn, link: l}
	l.bindPipe = p
	connEnded := l.connEnded
	l.bindSndhwm, l.bindRcvhwm = s.opt.int(OptSndhwm), s.opt.int(OptRcvhwm)
	l.applyHWMsLocked()
	l.mu.Unlock()

	l.bindID = append([]byte(nil), s.opt.bytes[OptRoutingID]...)
	// Each side's CONFLATE applies to the queues it reads or writes
	// (libzmq heeds only the connecting side's on inproc).
	if in, out := s.opt.conflateQueues(s.typ); in || out {
		setConflate(l.toBind, in)
		setConflate(l.toConn, out)
	}
	l.bindP.Store(p)
	if !s.pol.attach(p) {
		// PAIR already has its peer: the connection is refused.
		l.end(p)
		return false
	}
	p.attached = true
	s.pipes[p] = struct{}{}
	if !s.pol.handshaken(p, l.connID) {
		// ROUTER: the peer's routing id is taken.
		s.removePipe(p)
		return false
	}
	if connEnded {
		// Only the messages the closed side left are to be read.
		p.dead.Store(true)
		s.scheduleReap(p)
	}
	s.notifyIn() // input may have queued while pending
	s.notifyOut()
	return !connEnded
}

// finishConnect tells the connecting side the binder's routing id (its
// CONNECT_ROUTING_ID, when it set one, takes precedence). No lock is held.
func (l *inprocLink) finishConnect() {
	s := l.conn
	p := l.connPipe
	s.mu.Lock()
	if _, ok := s.pipes[p]; ok && !s.closed {
		id := l.connRid
		if id == nil {
			id = l.bindID
		}
		if !s.pol.handshaken(p, id) {
			s.removePipe(p)
		}
	}
	s.mu.Unlock()
	s.notifyIn()
	s.notifyOut()
}

// end records that p's socket is done with the link; p has just been
// removed from that socket. What p's socket queued stays readable by the
// peer; the peer's pipe is marked dead and handed to the peer for reaping.
// The caller holds p's socket's mu.
func (l *inprocLink) end(p *pipe) {
	l.mu.Lock()
	var peer *pipe
	peerEnded := false
	if p == l.connPipe {
		l.connEnded = true
		peer, peerEnded = l.bindPipe, l.bindEnded
	} else {
		l.bindEnded = true
		peer, peerEnded = l.connPipe, l.connEnded
	}
	l.mu.Unlock()
	s := p.s
	if p == l.connPipe {
		for i, x := range s.inproc.connects {
			if x == l {
				s.inproc.connects = append(s.inproc.connects[:i], s.inproc.connects[i+1:]...)
				break
			}
		}
		if peer == nil {
			// Still pending. Queued messages wait for the binder, as in
			// libzmq; with none, the link is simply forgotten.
			if l.toBind.len() == 0 {
				l.ctx.dropPending(l)
			}
			return
		}
	}
	if peerEnded {
		return
	}
	peer.dead.Store(true)
	peer.s.scheduleReap(peer)
	peer.s.notifyIn()
	peer.s.notifyOut()
}

// scheduleReap puts p, a dead inproc pipe, on its socket's reap list. No
// lock is needed.
func (s *Socket) scheduleReap(p *pipe) {
	s.inproc.reapMu.Lock()
	s.inproc.reap = append(s.inproc.reap, p)
	s.inproc.nReap.Add(1)
	s.inproc.reapMu.Unlock()
}

// reapInproc removes the inproc pipes whose peers ended their links. The
// caller holds s.mu.
func (s *Socket) reapInproc() {
	if s.inproc.nReap.Load() == 0 {
		return
	}
	s.inproc.reapMu.Lock()
	list := s.inproc.reap
	s.inproc.reap = s.inproc.spare[:0]
	s.inproc.nReap.Store(0)
	s.inproc.reapMu.Unlock()
	defer func() {
		clear(list)
		s.inproc.spare = list[:0]
	}()
	for _, p := range list {
		if _, ok := s.pipes[p]; !ok {
			continue
		}
		if p.in.len() > 0 {
			// Input the peer sent before it went stays readable, and the
			// pipe stays where it is until that is read (a REQ still takes
			// its reply from it), as libzmq reads up to the delimiter.
			s.scheduleReap(p)
			continue
		}
		s.removePipe(p)
	}
}

// bindInproc is Bind for "inproc://name". It is called with s.mu held and
// returns with it released.
func (s *Socket) bindInproc(name, endpoint string) error {
	c := s.ctx
	b := &inprocBinding{s: s, name: name}
	c.inprocMu.Lock()
	if _, ok := c.inprocBound[b.name]; ok {
		c.inprocMu.Unlock()
		s.mu.Unlock()
		return EADDRINUSE
	}
	if c.inprocBound == nil {
		c.inprocBound = make(map[string]*inprocBinding)
	}
	c.inprocBound[b.name] = b
	pending := c.inprocPending[b.name]
	delete(c.inprocPending, b.name)
	c.inprocMu.Unlock()
	s.inproc.binds = append(s.inproc.binds, b)
	s.lastEndpoint = endpoint
	var finish []*inprocLink
	for _, l := range pending {
		if s.attachInproc(l) {
			finish = append(finish, l)
		}
	}
	s.mu.Unlock()
	for _, l := range finish {
		l.finishConnect()
	}
	return nil
}

// unregister forgets a bound name. The caller holds b.s.mu.
func (c *Context) unregister(b *inprocBinding) {
	c.inprocMu.Lock()
	if c.inprocBound[b.name] == b {
		delete(c.inprocBound, b.name)
	}
	c.inprocMu.Unlock()
}

// unbindInproc is Unbind for "inproc://name". As in libzmq 4.3, the
// connections already made through the name stay up; only new Connects
// stop finding it. The caller holds s.mu.
func (s *Socket) unbindInproc(name string) error {
	for i, b := range s.inproc.binds {
		if b.name == name {
			s.inproc.binds = append(s.inproc.binds[:i], s.inproc.binds[i+1:]...)
			s.ctx.unregister(b)
			return nil
		}
	}
	return ENOENT
}

// disconnectInproc is Disconnect for an inproc endpoint: every link made by
// Connect with that endpoint ends. The caller holds s.mu.
func (s *Socket) disconnectInproc(endpoint string) error {
	var links []*inprocLink
	for _, l := range s.inproc.connects {
		if l.endpoint == endpoint {
			links = append(links, l)
		}
	}
	if len(links) == 0 {
		return ENOENT
	}
	for _, l := range links {
		if _, ok := s.pipes[l.connPipe]; ok {
			s.removePipe(l.connPipe)
		}
	}
	return nil
}

// closeInproc unbinds s's names and ends its inproc links; what it queued
// stays readable by its peers, what they queued for it is dropped. The
// caller holds s.mu and has marked s closed.
func (s *Socket) closeInproc() {
	for _, b := range s.inproc.binds {
		s.ctx.unregister(b)
	}
	s.inproc.binds = nil
	for p := range s.pipes {
		if p.link != nil {
			s.removePipe(p)
			p.in.drop()
		}
	}
	s.inproc.reapMu.Lock()
	s.inproc.reap = nil
	s.inproc.nReap.Store(0)
	s.inproc.reapMu.Unlock()
}

// appendCopy appends a copy of f to m: the one copy Send makes. Normally the
// copy comes from the pool, and goes back to it once an engine has written
// it. A message an inproc peer receives is handed to that peer's user, who
// keeps it: for a socket with no tcp or ipc endpoints, frames are copied
// into memory of their own size instead, so that what a receiver keeps
// holds nothing else alive. The caller holds s.mu.
func (s *Socket) appendCopy(m *pool.Msg, f []byte) {
	if len(s.binds) != 0 || len(s.connects) != 0 {
		m.AppendPooled(pool.Clone(f))
		return
	}
	m.Append(append([]byte(nil), f...))
}
