package core

import (
	"encoding/binary"
	"math/rand/v2"
	"sync/atomic"

	"github.com/monocoque-go/monocoque/pool"
)

// activeList is the block loadBalancer and fairQueue are built on, as
// libzmq's lb_t and fq_t: a list of pipes whose first active entries are
// the ones that may be ready (room to write, input to read), with a
// round-robin cursor over them. A pipe found not ready is swapped out; one
// that becomes ready again is swapped back in (from the socket's writable
// or readable list), so routing costs the same with 1 or 10,000 pipes.
// K says which of the pipe's slots the list uses.
type activeList[K slotKind] struct {
	pipes  []*pipe
	active int
	cur    int
}

// slot is a pipe's place in one activeList.
type slot struct {
	idx int
	// on is set while the pipe is in the active prefix; the queue hooks
	// read it to skip listing a pipe that is active already.
	on atomic.Bool
}

// slotKind picks a pipe's slot: one for its load balancer, one for its
// fair queue.
type slotKind interface{ slot(*pipe) *slot }

type (
	lbSlot struct{}
	fqSlot struct{}
)

func (lbSlot) slot(p *pipe) *slot { return &p.lbSlot }
func (fqSlot) slot(p *pipe) *slot { return &p.fqSlot }

func (l *activeList[K]) slotOf(p *pipe) *slot {
	var k K
	return k.slot(p)
}

func (l *activeList[K]) swap(i, j int) {
	l.pipes[i], l.pipes[j] = l.pipes[j], l.pipes[i]
	l.slotOf(l.pipes[i]).idx = i
	l.slotOf(l.pipes[j]).idx = j
}

// add puts p at the end, outside the active prefix.
func (l *activeList[K]) add(p *pipe) {
	l.slotOf(p).idx = len(l.pipes)
	l.pipes = append(l.pipes, p)
}

// activate moves p, which is in the list, into the active prefix.
func (l *activeList[K]) activate(p *pipe) {
	s := l.slotOf(p)
	if s.idx < l.active {
		return
	}
	s.on.Store(true)
	l.swap(s.idx, l.active)
	l.active++
}

// current returns the pipe under the cursor, or nil with none active.
func (l *activeList[K]) current() *pipe {
	if l.active == 0 {
		return nil
	}
	if l.cur >= l.active {
		l.cur = 0
	}
	return l.pipes[l.cur]
}

// deactivate takes the pipe under the cursor, just found not ready, out of
// the prefix. It keeps it when it is the only one there and not gone
// (keeping it costs nothing, and spares the lists a round trip on every
// wait), or when ready reports it became ready meanwhile (its queue's hook
// saw it active and did not list it). It reports whether anything changed.
func (l *activeList[K]) deactivate(gone bool, ready func(*pipe) bool) bool {
	p := l.pipes[l.cur]
	if l.active == 1 && !gone {
		return false
	}
	s := l.slotOf(p)
	s.on.Store(false)
	if !gone && ready(p) {
		s.on.Store(true)
		return true
	}
	l.active--
	l.swap(l.cur, l.active)
	return true
}

// remove takes p off the list.
func (l *activeList[K]) remove(p *pipe) {
	s := l.slotOf(p)
	if s.idx < l.active {
		l.active--
		l.swap(s.idx, l.active)
		if l.cur >= l.active {
			l.cur = 0
		}
	}
	last := len(l.pipes) - 1
	l.swap(s.idx, last)
	l.pipes[last] = nil
	l.pipes = l.pipes[:last]
	s.on.Store(false)
}

// loadBalancer hands each outgoing message to the next pipe, in turn, that
// has room for it.
type loadBalancer struct{ activeList[lbSlot] }

func (l *loadBalancer) attach(p *pipe) {
	if p.lb == l {
		return
	}
	p.lb = l
	l.add(p)
	if p.canWrite() {
		l.activate(p)
	}
}

func (l *loadBalancer) detach(p *pipe) {
	if p.lb == l {
		l.remove(p)
		p.lb = nil
	}
}

// send queues m on the next pipe with room and returns that pipe.
func (l *loadBalancer) send(m *pool.Msg) (*pipe, error) {
	for p := l.current(); p != nil; p = l.current() {
		if p.write(m) {
			l.cur++
			return p, nil
		}
		if !l.deactivate(p.dead.Load(), (*pipe).canWrite) {
			break
		}
	}
	return nil, EAGAIN
}

func (l *loadBalancer) canSend() bool {
	for p := l.current(); p != nil; p = l.current() {
		if p.canWrite() {
			return true
		}
		if !l.deactivate(p.dead.Load(), (*pipe).canWrite) {
			break
		}
	}
	return false
}

// fairQueue takes incoming messages from its pipes in turn, so that no peer
// can starve the others.
type fairQueue struct{ activeList[fqSlot] }

func (f *fairQueue) attach(p *pipe) {
	if p.fq == f {
		return
	}
	p.fq = f
	f.add(p)
	if p.in.len() > 0 {
		f.activate(p)
	}
}

// detach forgets p unless it still holds unread input; such a pipe is
// dropped by recv once it is drained.
func (f *fairQueue) detach(p *pipe) {
	if p.fq == f && p.in.len() == 0 {
		f.remove(p)
		p.fq = nil
	}
}

// drained takes the pipe under the cursor, found empty, out of the prefix,
// and forgets it if it was detached.
func (f *fairQueue) drained(p *pipe) bool {
	gone := p.dead.Load() && !p.attached
	if !f.deactivate(gone, hasInput) {
		return false
	}
	if gone {
		f.remove(p)
		p.fq = nil
	}
	return true
}

func hasInput(p *pipe) bool { return p.in.len() > 0 }

// recv takes the next message into m and returns the pipe it came from.
func (f *fairQueue) recv(m *pool.Msg) (*pipe, error) {
	for p := f.current(); p != nil; p = f.current() {
		if p.read(m) {
			f.cur++
			return p, nil
		}
		if !f.drained(p) {
			break
		}
	}
	return nil, EAGAIN
}

func (f *fairQueue) canRecv() bool {
	for p := f.current(); p != nil; p = f.current() {
		if p.in.len() > 0 {
			return true
		}
		if !f.drained(p) {
			break
		}
	}
	return false
}

// noSend and noRecv are for socket types that only receive or only send.
type noSend struct{}

func (noSend) send(*pool.Msg) error          { return ENOTSUP }
func (noSend) checkFirst([]byte) error       { return ENOTSUP }
func (noSend) canSend() bool                 { return false }
func (noSend) handshaken(*pipe, []byte) bool { return true }

type noRecv struct{}

func (noRecv) recv(*pool.Msg) error { return ENOTSUP }
func (noRecv) canRecv() bool        { return false }

// lbfq is the routing shared by DEALER-like sockets: load-balanced output,
// fair-queued input.
type lbfq struct {
	lb loadBalancer
	fq fairQueue
}

func (d *lbfq) attach(p *pipe) bool {
	d.lb.attach(p)
	d.fq.attach(p)
	return true
}

func (d *lbfq) detach(p *pipe) {
	d.lb.detach(p)
	d.fq.detach(p)
}

func (d *lbfq) handshaken(*pipe, []byte) bool { return true }
func (d *lbfq) checkFirst([]byte) error       { return nil }

func (d *lbfq) send(m *pool.Msg) error {
	_, err := d.lb.send(m)
	return err
}

func (d *lbfq) recv(m *pool.Msg) error {
	_, err := d.fq.recv(m)
	return err
}

func (d *lbfq) canSend() bool { return d.lb.canSend() }
func (d *lbfq) canRecv() bool { return d.fq.canRecv() }

// dealerPolicy: DEALER.
type dealerPolicy struct{ lbfq }

// pairPolicy: PAIR talks to exactly one peer; later pipes are refused.
type pairPolicy struct {
	lbfq
	peer *pipe
}

func (pp *pairPolicy) attach(p *pipe) bool {
	if pp.peer != nil {
		return false
	}
	pp.peer = p
	return pp.lbfq.attach(p)
}

func (pp *pairPolicy) detach(p *pipe) {
	if pp.peer == p {
		pp.peer = nil
	}
	pp.lbfq.detach(p)
}

// pushPolicy: PUSH sends only.
type pushPolicy struct {
	lb loadBalancer
	noRecv
}

func (pp *pushPolicy) attach(p *pipe) bool           { pp.lb.attach(p); return true }
func (pp *pushPolicy) detach(p *pipe)                { pp.lb.detach(p) }
func (pp *pushPolicy) handshaken(*pipe, []byte) bool { return true }
func (pp *pushPolicy) checkFirst([]byte) error       { return nil }
func (pp *pushPolicy) canSend() bool                 { return pp.lb.canSend() }
func (pp *pushPolicy) send(m *pool.Msg) error        { _, err := pp.lb.send(m); return err }

// pullPolicy: PULL receives only.
type pullPolicy struct {
	fq fairQueue
	noSend
}

func (pp *pullPolicy) attach(p *pipe) bool    { pp.fq.attach(p); return true }
func (pp *pullPolicy) detach(p *pipe)         { pp.fq.detach(p) }
func (pp *pullPolicy) canRecv() bool          { return pp.fq.canRecv() }
func (pp *pullPolicy) recv(m *pool.Msg) error { _, err := pp.fq.recv(m); return err }

// reqPolicy: REQ alternates send and receive, adds the empty delimiter and
// accepts a reply only from the pipe the request went to.
type reqPolicy struct {
	lbfq
	s         *Socket
	waiting   bool  // a request is out, a reply is due
	replyPipe *pipe // where the request went
	reqID     uint32
}

func (r *reqPolicy) detach(p *pipe) {
	if r.replyPipe == p {
		r.replyPipe = nil
	}
	r.lbfq.detach(p)
}

func (r *reqPolicy) checkFirst([]byte) error {
	if r.waiting && !r.s.opt.flag(OptReqRelaxed) {
		return EFSM
	}
	return nil
}

func (r *reqPolicy) send(m *pool.Msg) error {
	if r.waiting && !r.s.opt.flag(OptReqRelaxed) {
		return EFSM
	}
	m.Prepend([]byte{})
	corr := r.s.opt.flag(OptReqCorrelate)
	if corr {
		id := pool.Get(4)
		binary.BigEndian.PutUint32(id, r.reqID+1)
		m.PrependPooled(id)
	}
	p, err := r.lb.send(m)
	if err != nil {
		if corr {
			pool.Put(m.PopFront())
		}
		m.PopFront()
		return err
	}
	r.reqID++
	r.waiting = true
	r.replyPipe = p
	return nil
}

func (r *reqPolicy) recv(m *pool.Msg) error {
	if !r.waiting {
		return EFSM
	}
	for {
		p, err := r.fq.recv(m)
		if err != nil {
			return err
		}
		ok := p == r.replyPipe
		if ok && r.s.opt.flag(OptReqCorrelate) {
			id := m.PopFront()
			ok = len(id) == 4 && binary.BigEndian.Uint32(id) == r.reqID
		}
		if ok && m.Len() > 1 && len(m.Frame(0)) == 0 {
			m.PopFront()
			r.waiting = false
			r.replyPipe = nil
			return nil
		}
		m.Reset() // not the reply we wait for: drop it
	}
}

func (r *reqPolicy) canSend() bool {
	return (!r.waiting || r.s.opt.flag(OptReqRelaxed)) && r.lb.canSend()
}
func (r *reqPolicy) canRecv() bool { return r.waiting && r.fq.canRecv() }

// repPolicy: REP receives a request, remembers its envelope and sends the
// reply back along it.
type repPolicy struct {
	lbfq
	replying  bool
	replyPipe *pipe
	envelope  pool.Msg
}

func (r *repPolicy) detach(p *pipe) {
	if r.replyPipe == p {
		r.replyPipe = nil
	}
	r.lbfq.detach(p)
}

func (r *repPolicy) checkFirst([]byte) error {
	if !r.replying {
		return EFSM
	}
	return nil
}

func (r *repPolicy) recv(m *pool.Msg) error {
	if r.replying {
		return EFSM
	}
	for {
		p, err := r.fq.recv(m)
		if err != nil {
			return err
		}
		r.envelope.Reset()
		found := false
		for m.Len() > 0 {
			f := m.PopFront()
			r.envelope.Append(f)
			if len(f) == 0 {
				found = true
				break
			}
		}
		if !found || m.Len() == 0 {
			m.Reset() // malformed request: no delimiter or no body
			continue
		}
		r.replying = true
		r.replyPipe = p
		return nil
	}
}

func (r *repPolicy) send(m *pool.Msg) error {
	if !r.replying {
		return EFSM
	}
	for i := r.envelope.Len() - 1; i >= 0; i-- {
		m.Prepend(r.envelope.Frame(i))
	}
	r.envelope.Reset()
	p := r.replyPipe
	r.replying = false
	r.replyPipe = nil
	if p == nil || !p.write(m) {
		m.Release() // the requester is gone: drop the reply, as libzmq does
	}
	return nil
}

func (r *repPolicy) canSend() bool { return r.replying }
func (r *repPolicy) canRecv() bool { return !r.replying && r.fq.canRecv() }

// peerTable is the routing shared by ROUTER and STREAM: a map from routing
// id to pipe, ids generated for peers that bring none (5 bytes: a zero,
// then a counter that starts at a random value, as libzmq makes them), and
// fair-queued input from the pipes that have an id.
type peerTable struct {
	fq     fairQueue
	byID   map[string]*pipe
	nextID uint32
}

func newPeerTable() peerTable {
	return peerTable{byID: make(map[string]*pipe), nextID: rand.Uint32()}
}

// generateID returns a fresh id. It starts with a zero byte, which libzmq
// reserves for ids it makes itself.
func (t *peerTable) generateID() []byte {
	id := make([]byte, 5)
	t.nextID++
	binary.BigEndian.PutUint32(id[1:], t.nextID)
	return id
}

// name makes p routable as id and starts taking its input.
func (t *peerTable) name(p *pipe, id []byte) {
	p.id = append([]byte(nil), id...)
	p.id = p.id[:len(p.id):len(p.id)]
	p.identified = true
	t.byID[string(p.id)] = p
	t.fq.attach(p)
}

// unroute makes p's id unknown for sending; its input stays readable.
func (t *peerTable) unroute(p *pipe) {
	if p.identified && t.byID[string(p.id)] == p {
		delete(t.byID, string(p.id))
	}
}

func (t *peerTable) detach(p *pipe) {
	if p.identified {
		t.unroute(p)
		t.fq.detach(p)
	}
}

// recv takes the next message and puts its peer's id in front.
func (t *peerTable) recv(m *pool.Msg) error {
	p, err := t.fq.recv(m)
	if err != nil {
		return err
	}
	// The id frame is the user's to keep (and to scribble on): hand out a
	// copy, never the map's key.
	m.Prepend(append([]byte(nil), p.id...))
	return nil
}

func (t *peerTable) canRecv() bool { return t.fq.canRecv() }

// routerPolicy: ROUTER prefixes every incoming message with its peer's
// routing id and routes outgoing messages by their first frame.
type routerPolicy struct {
	peerTable
	s *Socket
}

func newRouterPolicy(s *Socket) *routerPolicy {
	return &routerPolicy{s: s, peerTable: newPeerTable()}
}

// attach waits for the handshake: a ROUTER pipe is routable only once its
// peer's id is known.
func (r *routerPolicy) attach(*pipe) bool { return true }

func (r *routerPolicy) handshaken(p *pipe, peerID []byte) bool {
	if p.identified {
		// A connecting pipe that reconnected keeps its place in the fair
		// queue and its first routing id, whatever the new peer
		// announces, as in libzmq.
		return true
	}
	id := peerID
	if len(id) == 0 {
		id = r.generateID()
	} else if old, ok := r.byID[string(id)]; ok {
		if !r.s.opt.flag(OptRouterHandover) {
			return false
		}
		delete(r.byID, string(id))
		old.identified = false
		r.s.removePipe(old)
	}
	r.name(p, id)
	r.s.notifyOut()
	return true
}

// checkFirst settles, on the id frame, what libzmq settles there with
// ROUTER_MANDATORY: an unknown peer is EHOSTUNREACH, a peer at its
// high-water mark EAGAIN (Send waits for it as SNDTIMEO allows).
func (r *routerPolicy) checkFirst(id []byte) error {
	if r.s.opt.flag(OptRouterMandatory) {
		p, ok := r.byID[string(id)]
		if !ok || p.dead.Load() {
			return EHOSTUNREACH
		}
		if !p.canWrite() {
			return EAGAIN
		}
	}
	return nil
}

func (r *routerPolicy) send(m *pool.Msg) error {
	p, ok := r.byID[string(m.Frame(0))]
	if !ok || p.dead.Load() {
		if r.s.opt.flag(OptRouterMandatory) {
			return EHOSTUNREACH
		}
		m.Release() // unroutable: dropped, as libzmq does
		return nil
	}
	idPooled := m.FramePooled(0)
	id := m.PopFront()
	if m.Len() > 0 && !p.write(m) {
		if r.s.opt.flag(OptRouterMandatory) {
			if idPooled {
				m.PrependPooled(id)
			} else {
				m.Prepend(id)
			}
			return EAGAIN
		}
		m.Release() // the peer is at its high-water mark: dropped
	}
	if idPooled {
		pool.Put(id)
	}
	return nil
}

func (r *routerPolicy) canSend() bool { return true }
