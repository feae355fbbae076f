package core

import (
	"sync"
	"sync/atomic"
)

// Context owns sockets. Term ends every blocking call on them with ETERM and
// waits until each socket is closed and has finished lingering.
type Context struct {
	termCh   chan struct{}
	termOnce sync.Once
	isTerm   atomic.Bool

	mu      sync.Mutex
	sockets map[*Socket]struct{}
	live    sync.WaitGroup // sockets not yet done lingering
	ints    map[int]int
	// internal counts the context's own sockets in sockets (never
	// closed by the user; Term closes them).
	internal int

	// The inproc names bound in this context, and the connections made to
	// names not bound yet (see inproc.go). inprocMu is taken under a
	// socket's mu, never the other way round.
	inprocMu      sync.Mutex
	inprocBound   map[string]*inprocBinding
	inprocPending map[string][]*inprocLink
	// zapc carries ZAP requests to the handler bound in this context.
	zapc zapClient
}

// NewContext returns a new context.
func NewContext() *Context {
	return &Context{
		zapc:    zapClient{slots: make(chan struct{}, zapMaxPending)},
		termCh:  make(chan struct{}),
		sockets: make(map[*Socket]struct{}),
		ints: map[int]int{
			CtxIOThreads: 1, CtxMaxSockets: 1023, CtxMaxMsgsz: 1<<31 - 1,
			CtxIPv6: 0, CtxBlocky: 1, CtxThreadSchedPolicy: -1, CtxThreadPriority: -1,
		},
	}
}

func (c *Context) terminated() bool { return c.isTerm.Load() }

// NewSocket makes a socket of type t.
func (c *Context) NewSocket(t SocketType) (*Socket, error) { return c.newSocket(t, false) }

// newSocket makes a socket; an internal one (the ZAP client's) does not
// count against MAX_SOCKETS.
func (c *Context) newSocket(t SocketType, internal bool) (*Socket, error) {
	if c.terminated() {
		return nil, ETERM
	}
	s, err := newSocket(c, t)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.terminated() {
		return nil, ETERM
	}
	if !internal && len(c.sockets)-c.internal >= c.ints[CtxMaxSockets] {
		return nil, EMFILE
	}
	if internal {
		c.internal++
		s.internal = true
	}
	s.opt.ints[OptIPv6] = boolInt(c.ints[CtxIPv6] != 0)
	c.sockets[s] = struct{}{}
	c.live.Add(1)
	return s, nil
}

// forget drops a closed socket from the open set.
func (c *Context) forget(s *Socket) {
	c.mu.Lock()
	if _, ok := c.sockets[s]; ok && s.internal {
		c.internal--
	}
	delete(c.sockets, s)
	c.mu.Unlock()
}

// socketDone records that a closed socket finished lingering.
func (c *Context) socketDone() { c.live.Done() }

// Term ends the context: blocked and later calls on its sockets fail with
// ETERM, and Term returns once every socket has been closed and has
// delivered (or, past LINGER, dropped) its queued messages.
func (c *Context) Term() error {
	c.termOnce.Do(func() {
		c.isTerm.Store(true)
		close(c.termCh)
		c.mu.Lock()
		for s := range c.sockets {
			s.pokeWatchers()
		}
		c.mu.Unlock()
		c.zapc.close()
	})
	c.live.Wait()
	return nil
}

// SetInt sets a context option.
func (c *Context) SetInt(opt, v int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	// As libzmq: every option takes a value of 0 or more, MAX_SOCKETS one
	// of 1 or more.
	if _, ok := c.ints[opt]; !ok || v < 0 || opt == CtxMaxSockets && v < 1 {
		return EINVAL
	}
	c.ints[opt] = v
	return nil
}

// GetInt reads a context option.
func (c *Context) GetInt(opt int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if opt == CtxSocketLimit {
		return 65535, nil
	}
	v, ok := c.ints[opt]
	if !ok {
		return 0, EINVAL
	}
	return v, nil
}
