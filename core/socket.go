package core

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/monocoque-go/monocoque/pool"
)

// policy is a socket type's routing: which pipe an outgoing message goes to
// and which pipe the next incoming message comes from. All methods run with
// the socket's mu held; none of them blocks. send, sendFrame and recv
// return EAGAIN when they cannot go on now, and the socket waits and
// retries. Every policy is also a msgSender or a frameSender.
type policy interface {
	// attach offers a new pipe; false refuses it (PAIR takes only one).
	attach(p *pipe) bool
	// handshaken tells the policy that p's peer (re)completed its handshake.
	// It returns false when the peer must be refused (ROUTER duplicate id).
	handshaken(p *pipe, peerID []byte) bool
	// detach removes p from routing; queued input may still be read.
	detach(p *pipe)
	recv(m *pool.Msg) error
	canSend() bool
	canRecv() bool
}

// msgSender is a policy that routes whole messages.
type msgSender interface {
	// checkFirst is called for the first frame of every outgoing message.
	checkFirst(frame []byte) error
	send(m *pool.Msg) error
}

// frameSender is a policy that takes outgoing frames one at a time
// (STREAM); a frame refused with EAGAIN is offered again when the socket
// has room.
type frameSender interface {
	sendFrame(f []byte, more bool) error
}

// connectHook is a policy that names a pipe made by Connect at once, before
// any connection (STREAM); rid is CONNECT_ROUTING_ID. false refuses it.
type connectHook interface {
	connected(p *pipe, rid []byte) bool
}

// Socket is a ZeroMQ socket: a routing policy over a set of pipes, each
// pipe fed by one connection. Its methods may be called from any goroutine.
type Socket struct {
	ctx      *Context
	typ      SocketType
	internal bool          // the context's own (ZAP client): not counted in MAX_SOCKETS
	inSig    chan struct{} // some pipe got input
	// outSig is poked when some pipe's outbound queue has room again.
	outSig chan struct{}
	// closeCtx is done once Close is called: blocked calls return and
	// engines linger; closing is its Done channel.
	closeCtx context.Context
	closeFn  context.CancelFunc
	closing  <-chan struct{}
	// life is the root of the socket's lifetime tree (listeners,
	// sessions, connections): it ends when the LINGER period after Close
	// runs out, and every connection still open is dropped with whatever
	// it had queued.
	life      context.Context
	endLife   context.CancelFunc
	killTimer *time.Timer

	// inbound is set (for good, by newSocket) when the policy consumes its
	// pipes' input as it arrives (PUB, XPUB).
	inbound inboundPolicy
	// readable and writable list the pipes whose inbound queue got input
	// and whose outbound queue got room since the socket last looked
	// (housekeep): the routing activates them, so it never scans all pipes.
	readable, writable pipeList
	inBuf              []pool.Msg // consumeQueued's batch

	mu       sync.Mutex
	closed   bool
	pol      policy
	msgs     msgSender   // pol, when it routes whole messages
	frames   frameSender // pol, when it takes frames one at a time
	opt      options
	pipes    map[*pipe]struct{}
	binds    []*listener
	connects []*session // connecting sessions (tcp, ipc)
	inproc   inprocState
	lingerTo time.Time // zero means forever; set by Close
	// lastEndpoint is what LAST_ENDPOINT reports: the last endpoint bound
	// (resolved) or connected.
	lastEndpoint string

	// outgoing multipart message being assembled by Send with SndMore
	pending pool.Msg
	// incoming message being handed out frame by frame by Recv
	current pool.Msg
	curIdx  int
	// scratch holds reusable message holders for send.
	scratch []*pool.Msg
	// timers holds stopped timers for blocking calls with a timeout.
	timers []*time.Timer

	wg sync.WaitGroup // the socket's goroutines

	// mon, when set, receives the socket's events (Monitor).
	mon *monitor

	// Pollers waiting for this socket's state to change.
	watchMu  sync.Mutex
	watchers []chan struct{}
	nWatch   atomic.Int32
}

// pipeReadable records that p's inbound queue got input, and wakes
// receivers. It takes no lock but the list's.
func (s *Socket) pipeReadable(p *pipe) {
	if !p.fqSlot.on.Load() && !p.inListed.Swap(true) {
		s.readable.add(p)
	}
	s.notifyIn()
}

// pipeWritable records that p's outbound queue has room again, and wakes
// senders.
func (s *Socket) pipeWritable(p *pipe) {
	if !p.lbSlot.on.Load() && !p.outListed.Swap(true) {
		s.writable.add(p)
	}
	s.notifyOut()
}

// housekeep applies what other goroutines recorded: inproc pipes whose
// peers left, and pipes that became readable or writable. The caller holds
// mu; every API call runs it before it routes.
func (s *Socket) housekeep() {
	s.reapInproc()
	if list := s.readable.take(); list != nil {
		for _, p := range list {
			p.inListed.Store(false)
			if p.fq != nil {
				p.fq.activate(p)
			} else if s.inbound != nil {
				s.consumeQueued(p)
			}
		}
		s.readable.done(list)
	}
	if list := s.writable.take(); list != nil {
		for _, p := range list {
			p.outListed.Store(false)
			if p.lb != nil {
				p.lb.activate(p)
			}
		}
		s.writable.done(list)
	}
}

// consumeQueued hands the input queued on p (by an inproc peer) to a PUB
// or XPUB policy. The caller holds mu.
func (s *Socket) consumeQueued(p *pipe) {
	if s.inBuf == nil {
		s.inBuf = make([]pool.Msg, 0, 16)
	}
	for {
		batch := p.in.popAll(s.inBuf[:0], cap(s.inBuf))
		if len(batch) == 0 {
			return
		}
		s.inbound.inbound(p, batch)
		clear(batch)
	}
}

// notifyIn tells receivers (and pollers) that some pipe got input.
func (s *Socket) notifyIn() {
	poke(s.inSig)
	if s.nWatch.Load() > 0 {
		s.pokeWatchers()
	}
}

// notifyOut tells senders (and pollers) that some pipe has room.
func (s *Socket) notifyOut() {
	poke(s.outSig)
	if s.nWatch.Load() > 0 {
		s.pokeWatchers()
	}
}

func (s *Socket) pokeWatchers() {
	s.watchMu.Lock()
	for _, c := range s.watchers {
		poke(c)
	}
	s.watchMu.Unlock()
}

// Watch registers c to be poked (without blocking) whenever the socket may
// have become readable or writable, or was closed or its context
// terminated. Pollers use it to sleep until something happens; c should
// have a buffer of one.
func (s *Socket) Watch(c chan struct{}) {
	s.watchMu.Lock()
	s.watchers = append(s.watchers, c)
	s.nWatch.Add(1)
	s.watchMu.Unlock()
}

// Unwatch removes a channel given to Watch.
func (s *Socket) Unwatch(c chan struct{}) {
	s.watchMu.Lock()
	for i, x := range s.watchers {
		if x == c {
			s.watchers = append(s.watchers[:i], s.watchers[i+1:]...)
			s.nWatch.Add(-1)
			break
		}
	}
	s.watchMu.Unlock()
}

func newSocket(ctx *Context, t SocketType) (*Socket, error) {
	s := &Socket{
		ctx:    ctx,
		typ:    t,
		inSig:  make(chan struct{}, 1),
		outSig: make(chan struct{}, 1),
		pipes:  make(map[*pipe]struct{}),
		opt:    defaultOptions(),
	}
	s.closeCtx, s.closeFn = context.WithCancel(context.Background())
	s.closing = s.closeCtx.Done()
	s.life, s.endLife = context.WithCancel(context.Background())
	switch t {
	case PAIR:
		s.pol = &pairPolicy{}
	case PUSH:
		s.pol = &pushPolicy{}
	case PULL:
		s.pol = &pullPolicy{}
	case DEALER:
		s.pol = &dealerPolicy{}
	case REQ:
		s.pol = &reqPolicy{s: s}
	case REP:
		s.pol = &repPolicy{}
	case ROUTER:
		s.pol = newRouterPolicy(s)
	case PUB, XPUB:
		x := newXpubPolicy(s, t == PUB)
		s.pol, s.inbound = x, x
	case SUB, XSUB:
		s.pol = newXsubPolicy(s, t == SUB)
	case STREAM:
		s.pol = newStreamPolicy(s)
	default:
		return nil, EINVAL
	}
	if fs, ok := s.pol.(frameSender); ok {
		s.frames = fs
	} else {
		s.msgs = s.pol.(msgSender)
	}
	return s, nil
}

// Type returns the socket's type.
func (s *Socket) Type() SocketType { return s.typ }

// Context returns the context that made the socket.
func (s *Socket) Context() *Context { return s.ctx }

// String describes the socket for logs.
func (s *Socket) String() string { return fmt.Sprintf("Socket(%s,%p)", s.typ, s) }

// errIfDead returns the error for a call on a closed socket or a terminated
// context. The caller holds mu.
func (s *Socket) errIfDead() error {
	if err := s.errIfClosed(); err != nil {
		return err
	}
	s.housekeep()
	return nil
}

// errIfClosed is errIfDead without the housekeeping, for option calls:
// ENOTSOCK on a closed socket, ETERM once the context is terminated. The
// caller holds mu.
func (s *Socket) errIfClosed() error {
	if s.closed {
		return ENOTSOCK
	}
	if s.ctx.terminated() {
		return ETERM
	}
	return nil
}

// wait runs try until it stops returning EAGAIN, blocking between tries on
// sig for at most timeoutMs (-1 forever, 0 never). It is called and returns
// with mu held.
func (s *Socket) wait(flags Flag, timeoutMs int, sig chan struct{}, try func() error) error {
	err := try()
	if err != EAGAIN || flags&DontWait != 0 || timeoutMs == 0 {
		return err
	}
	var timeout <-chan time.Time
	if timeoutMs > 0 {
		t := s.takeTimer(time.Duration(timeoutMs) * time.Millisecond)
		defer s.dropTimer(t) // runs with mu held, like wait's return
		timeout = t.C
	}
	for {
		s.mu.Unlock()
		select {
		case <-sig:
		case <-timeout:
			s.mu.Lock()
			// One last try: the timer may have raced a wake-up.
			return try()
		case <-s.closing:
			s.mu.Lock()
			return ENOTSOCK
		case <-s.ctx.termCh:
			s.mu.Lock()
			return ETERM
		}
		s.mu.Lock()
		if err := s.errIfDead(); err != nil {
			return err
		}
		if err = try(); err != EAGAIN {
			if err == nil && sig == s.outSig && s.pol.canSend() {
				// One wake-up was consumed, but there is still room:
				// pass it on to any other sender waiting on this socket.
				poke(sig)
			}
			return err
		}
	}
}

// Send queues one frame. With SndMore the frame waits for the rest of its
// message; the message is routed as a whole when its last frame is sent.
// The data is copied: the caller may reuse it at once.
func (s *Socket) Send(frame []byte, flags Flag) error {
	return s.send(nil, frame, flags)
}

// SendMsg sends frames as one message (or, with SndMore, as the next parts
// of one). Frames are copied.
func (s *Socket) SendMsg(frames [][]byte, flags Flag) error {
	if len(frames) == 0 {
		return EINVAL
	}
	return s.send(frames[:len(frames)-1], frames[len(frames)-1], flags)
}

// send queues the frames head..., last as one step, so that concurrent
// senders never interleave frames.
func (s *Socket) send(head [][]byte, last []byte, flags Flag) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.errIfDead(); err != nil {
		return err
	}
	if s.frames != nil {
		return s.sendFrames(head, last, flags)
	}
	// As libzmq, a message is admitted (or refused: EFSM, EHOSTUNREACH,
	// EAGAIN after DONTWAIT or SNDTIMEO) on its first frame; once admitted,
	// its later frames never fail, so that a retry never duplicates or
	// misroutes frames. A message given whole in this call is simply
	// checked and sent under the same wait.
	first := last
	if len(head) > 0 {
		first = head[0]
	}
	starting := s.pending.Len() == 0
	whole := starting && flags&SndMore == 0
	if starting && !whole {
		err := s.wait(flags, s.opt.int(OptSndtimeo), s.outSig, func() error {
			if err := s.msgs.checkFirst(first); err != nil {
				return err
			}
			if !s.pol.canSend() {
				return EAGAIN
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Take the message out of s.pending so that another goroutine's frames
	// cannot join it while this one waits.
	m := s.takeScratch()
	defer s.dropScratch(m)
	*m = s.pending
	s.pending = pool.Msg{}
	for _, f := range head {
		s.appendCopy(m, f)
	}
	s.appendCopy(m, last)
	if flags&SndMore != 0 {
		s.pending = *m
		*m = pool.Msg{}
		return nil
	}
	err := s.wait(flags, s.opt.int(OptSndtimeo), s.outSig, func() error {
		if whole {
			if err := s.msgs.checkFirst(first); err != nil {
				return err
			}
		}
		return s.msgs.send(m)
	})
	if err != nil {
		m.Release()
		if whole || err == ETERM || err == ENOTSOCK {
			return err
		}
		// The peer went away (or another sender took the room) after
		// the message was admitted: libzmq drops such a message.
	}
	return nil
}

// sendFrames hands frames one at a time to a frameSender policy, waiting
// on each as flags and SNDTIMEO allow. The caller holds s.mu.
func (s *Socket) sendFrames(head [][]byte, last []byte, flags Flag) error {
	for i := 0; i <= len(head); i++ {
		f, more := last, flags&SndMore != 0
		if i < len(head) {
			f, more = head[i], true
		}
		err := s.wait(flags, s.opt.int(OptSndtimeo), s.outSig, func() error {
			return s.frames.sendFrame(f, more)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// takeTimer returns a running timer for d; timers are reused so that a
// blocking call with a timeout allocates nothing. The caller holds mu.
func (s *Socket) takeTimer(d time.Duration) *time.Timer {
	if n := len(s.timers); n > 0 {
		t := s.timers[n-1]
		s.timers = s.timers[:n-1]
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

// dropTimer stops t and keeps it for reuse. The caller holds mu.
func (s *Socket) dropTimer(t *time.Timer) {
	t.Stop()
	s.timers = append(s.timers, t)
}

// takeScratch returns a message holder for one send; holders are reused so
// that sending allocates nothing. The caller holds mu.
func (s *Socket) takeScratch() *pool.Msg {
	if n := len(s.scratch); n > 0 {
		m := s.scratch[n-1]
		s.scratch = s.scratch[:n-1]
		return m
	}
	return new(pool.Msg)
}

// dropScratch gives a holder back. The caller holds mu.
func (s *Socket) dropScratch(m *pool.Msg) {
	*m = pool.Msg{}
	s.scratch = append(s.scratch, m)
}

// Recv returns the next frame. The frame is the caller's to keep.
func (s *Socket) Recv(flags Flag) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fill(flags); err != nil {
		return nil, err
	}
	return s.nextFrame(), nil
}

// RecvMsg returns the rest of the current message, or the next whole one.
func (s *Socket) RecvMsg(flags Flag) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fill(flags); err != nil {
		return nil, err
	}
	out := make([][]byte, 0, s.current.Len()-s.curIdx)
	for s.curIdx < s.current.Len() {
		out = append(out, s.nextFrame())
	}
	return out, nil
}

// fill makes sure s.current has an unread frame, waiting as flags and
// RCVTIMEO allow. The caller holds mu.
func (s *Socket) fill(flags Flag) error {
	if err := s.errIfDead(); err != nil {
		return err
	}
	return s.wait(flags, s.opt.int(OptRcvtimeo), s.inSig, func() error {
		if s.curIdx < s.current.Len() {
			return nil // another goroutine's message still has frames
		}
		s.current.Reset()
		s.curIdx = 0
		return s.pol.recv(&s.current)
	})
}

// nextFrame hands out the next unread frame of s.current.
func (s *Socket) nextFrame() []byte {
	f := s.current.Frame(s.curIdx)
	s.curIdx++
	if f == nil {
		f = []byte{}
	}
	return f
}

// RcvMore reports whether the last frame Recv returned has more after it.
func (s *Socket) RcvMore() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.curIdx < s.current.Len()
}

// events returns the PollIn/PollOut state. The caller holds mu.
func (s *Socket) events() int {
	s.housekeep()
	ev := 0
	if s.curIdx < s.current.Len() || s.pol.canRecv() {
		ev |= PollIn
	}
	if s.pol.canSend() {
		ev |= PollOut
	}
	return ev
}

// Events returns the PollIn/PollOut readiness bits.
func (s *Socket) Events() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events()
}

// attachPipe offers p to the policy and, if taken, adds it to the socket.
// The caller holds mu.
func (s *Socket) attachPipe(p *pipe) *pipe {
	if !s.pol.attach(p) {
		return nil
	}
	p.attached = true
	s.pipes[p] = struct{}{}
	// A sender may be waiting for any pipe at all.
	s.notifyOut()
	return p
}

// removePipe detaches p for good: its queued output is dropped, its queued
// input stays readable until drained. The caller holds mu.
func (s *Socket) removePipe(p *pipe) {
	if _, ok := s.pipes[p]; !ok {
		return
	}
	delete(s.pipes, p)
	p.dead.Store(true)
	if p.attached {
		s.pol.detach(p)
		p.attached = false
	}
	if p.link != nil {
		p.link.end(p) // what p queued stays readable by the inproc peer
	} else {
		p.out.drop()
	}
	s.notifyIn()
	s.notifyOut()
	p.wakeWriter()
}

// Close closes the socket. Messages already queued keep going out in the
// background for up to the LINGER period; the context's Term waits for them.
func (s *Socket) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ENOTSOCK
	}
	s.closed = true
	s.closeFn()
	s.closeInproc()
	s.pokeWatchers()
	switch {
	case s.opt.int(OptLinger) == 0:
		s.kill()
	case s.opt.int(OptLinger) > 0:
		d := time.Duration(s.opt.int(OptLinger)) * time.Millisecond
		s.lingerTo = time.Now().Add(d)
		s.killTimer = time.AfterFunc(d, s.kill)
	}
	binds := s.binds
	s.binds = nil
	for _, l := range binds {
		l.closeListener()
	}
	for p := range s.pipes {
		p.wakeWriter()
	}
	// Connecters with nothing to deliver stop now (even mid-dial or
	// mid-handshake); the others go on until their queue is flushed or
	// LINGER runs out.
	for _, ss := range s.connects {
		if ss.pipe == nil || ss.pipe.out.len() == 0 {
			ss.halt()
		}
	}
	s.pending.Release()
	mon := s.stopMonitorLocked()
	s.mu.Unlock()
	if mon != nil {
		for _, l := range binds {
			mon.send(EventClosed, -1, l.endpoint)
		}
		mon.stop()
	}
	s.ctx.forget(s)
	go func() {
		s.wg.Wait()
		if s.killTimer != nil {
			s.killTimer.Stop()
		}
		s.kill()
		s.mu.Lock()
		for p := range s.pipes {
			p.in.drop()
			p.out.drop()
		}
		s.mu.Unlock()
		s.ctx.socketDone()
	}()
	return nil
}

// kill drops every remaining connection at once.
func (s *Socket) kill() { s.endLife() }

// lingerDeadline returns when queued output must be given up after Close,
// and whether there is such a limit. The caller holds mu.
func (s *Socket) lingerDeadline() (time.Time, bool) {
	if !s.closed {
		return time.Time{}, false
	}
	return s.lingerTo, !s.lingerTo.IsZero()
}
