package core

import (
	"sync"
	"sync/atomic"

	"github.com/monocoque-go/monocoque/pool"
)

// pipe links a socket to one peer: an inbound queue filled by the peer's
// engine and drained by the socket, and an outbound queue filled by the
// socket and drained by the engine's writer. A pipe made by Connect outlives
// its connections (messages queue up while reconnecting); one made for an
// accepted connection ends with it.
type pipe struct {
	s   *Socket
	in  *queue
	out *queue

	// writer is the engine serving the pipe now (nil between connections);
	// wake tells its running writer that out has messages or that the
	// socket is closing (wakeWriter).
	writer atomic.Pointer[engineIO]
	wake   chan struct{}
	// inSpace tells the engine's reader that in has room again.
	inSpace chan struct{}

	// Fields below are guarded by the socket's mu.
	id         []byte // routing id as seen by a ROUTER socket
	identified bool   // id is known and the pipe is routable (ROUTER)
	attached   bool   // known to the routing policy

	// Routing state: the load balancer and fair queue the pipe is in, and
	// its places in their lists (routing.go).
	lb     *loadBalancer
	fq     *fairQueue
	lbSlot slot
	fqSlot slot

	// inListed and outListed are set while the pipe waits on its socket's
	// readable or writable list (pipeReadable, pipeWritable).
	inListed, outListed atomic.Bool

	// link is the inproc connection this pipe is one end of; nil for a
	// pipe fed by an engine.
	link *inprocLink

	// dead is set when no more input will arrive (the connection is gone
	// for good); the socket forgets the pipe once its inbound queue is empty.
	dead atomic.Bool
}

// newPipe makes a pipe for a connection of s with the given options (the
// session's snapshot).
func newPipe(s *Socket, o *options) *pipe {
	p := &pipe{
		s:       s,
		wake:    make(chan struct{}, 1),
		inSpace: make(chan struct{}, 1),
	}
	p.in = newQueue(o.int(OptRcvhwm), func() { s.pipeReadable(p) }, func() { poke(p.inSpace) })
	p.out = newQueue(o.int(OptSndhwm), p.wakeWriter, func() { s.pipeWritable(p) })
	in, out := o.conflateQueues(s.typ)
	if in {
		p.in.setConflate()
	}
	if out {
		p.out.setConflate()
	}
	return p
}

// wakeWriter tells the pipe's engine that there is output (or that the
// socket is closing): its writer is woken or started. Between
// connections there is no writer; the next engine looks at the queue
// when it starts.
func (p *pipe) wakeWriter() {
	if e := p.writer.Load(); e != nil {
		e.kick(p)
	} else {
		poke(p.wake)
	}
}

// canWrite reports whether the outbound queue takes another message.
func (p *pipe) canWrite() bool { return !p.dead.Load() && !p.out.full() }

// write queues m for the peer; it fails when the pipe is full or dead.
func (p *pipe) write(m *pool.Msg) bool {
	if p.dead.Load() {
		return false
	}
	return p.out.push(m, false)
}

// read takes the next inbound message.
func (p *pipe) read(m *pool.Msg) bool { return p.in.pop(m) }

// pipeList is a list of pipes that other goroutines add to and the socket
// takes under its mu: the pipes that got input or room since it last
// looked.
type pipeList struct {
	mu    sync.Mutex
	list  []*pipe
	spare []*pipe // the other list, reused (taken under the socket's mu)
	n     atomic.Int32
}

func (l *pipeList) add(p *pipe) {
	l.mu.Lock()
	l.list = append(l.list, p)
	l.n.Add(1)
	l.mu.Unlock()
}

// take returns the pipes listed so far; give the slice back with done.
func (l *pipeList) take() []*pipe {
	if l.n.Load() == 0 {
		return nil
	}
	l.mu.Lock()
	list := l.list
	l.list = l.spare[:0]
	l.n.Store(0)
	l.mu.Unlock()
	return list
}

// done recycles a slice returned by take.
func (l *pipeList) done(list []*pipe) {
	clear(list)
	l.spare = list[:0]
}
