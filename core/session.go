package core

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"
)

// listener accepts connections on one bound endpoint (tcp or ipc). Each
// accepted connection gets an engine and, once its handshake is done, a pipe
// that ends with the connection.
type listener struct {
	s        *Socket
	ln       net.Listener
	endpoint string // resolved, as LAST_ENDPOINT reports it
	asGiven  string
	stopCh   chan struct{}
	once     sync.Once
	// closed ends handshakes still under way when the listener closes:
	// such connections have nothing queued to linger for.
	closed chan struct{}
	tcp    tcpTuning // the socket's TCP options when it was bound
	// cleanup, when set, runs once after the listening socket is closed
	// (it removes the directory made for an ipc://* endpoint).
	cleanup   func()
	closeOnce sync.Once
}

// listen binds ep for s. The caller holds s.mu.
func listen(s *Socket, ep endpoint, asGiven string) (*listener, error) {
	l := &listener{s: s, asGiven: asGiven, stopCh: make(chan struct{}), closed: make(chan struct{}), tcp: s.opt.tcpTuning()}
	switch ep.transport {
	case "ipc":
		ln, resolved, cleanup, err := listenIPC(ep.path)
		if err != nil {
			return nil, err
		}
		l.ln, l.endpoint, l.cleanup = ln, resolved, cleanup
	default:
		network, addr, err := ep.listenAddr(s.opt.flag(OptIPv6))
		if err != nil {
			return nil, err
		}
		ln, err := l.tcp.listen(network, addr)
		if err != nil {
			return nil, mapNetError(err)
		}
		l.ln, l.endpoint = ln, tcpEndpointString(ln.Addr())
	}
	s.wg.Add(1)
	go l.acceptLoop()
	return l, nil
}

// closeListener stops accepting; connections already accepted go on.
func (l *listener) closeListener() {
	l.closeOnce.Do(func() {
		close(l.closed)
		l.ln.Close()
		if l.cleanup != nil {
			l.cleanup()
		}
	})
}

// stop stops accepting and ends the connections this listener accepted.
func (l *listener) stop() {
	l.once.Do(func() { close(l.stopCh) })
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
			select {
			case <-l.stopCh:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		if err := l.tcp.tune(conn); err != nil {
			// As libzmq: a connection that cannot be tuned is dropped.
			conn.Close()
			l.s.event(EventAcceptFailed, errnoValue(err), l.endpoint)
			continue
		}
		l.s.event(EventAccepted, connFD(conn), l.endpoint)
		l.s.wg.Add(1)
		go l.serve(conn)
	}
}

// serve runs one accepted connection to its end.
func (l *listener) serve(conn net.Conn) {
	s := l.s
	defer s.wg.Done()
	e, err := startEngine(s, conn, l.endpoint, l.closed)
	if err != nil {
		conn.Close()
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		conn.Close()
		return
	}
	s.reapInproc()
	p := s.addPipe()
	if p == nil {
		s.mu.Unlock()
		conn.Close()
		return
	}
	if !s.pol.handshaken(p, e.peerID) {
		s.removePipe(p)
		s.mu.Unlock()
		conn.Close()
		return
	}
	s.mu.Unlock()
	e.run(p, l.stopCh)
	s.mu.Lock()
	s.removePipe(p)
	s.mu.Unlock()
}

// connecter keeps one connected endpoint connected: it dials, runs an
// engine until the connection drops, waits RECONNECT_IVL (backing off up to
// RECONNECT_IVL_MAX) and dials again, until stopped or until its closed
// socket has nothing left to deliver.
type connecter struct {
	s       *Socket
	ep      endpoint
	asGiven string
	rid     []byte    // CONNECT_ROUTING_ID for this peer
	pipe    *Pipe     // nil while IMMEDIATE and not connected
	tcp     tcpTuning // the socket's TCP options at Connect
	stop    chan struct{}
	once    sync.Once
}

func (c *connecter) halt() { c.once.Do(func() { close(c.stop) }) }

// finished reports whether the connecter should give up: stopped, killed,
// or closed with nothing queued. It may block for nothing.
func (c *connecter) finished() bool {
	select {
	case <-c.stop:
		return true
	case <-c.s.killed:
		return true
	case <-c.s.closing:
		c.s.mu.Lock()
		empty := c.pipe == nil || c.pipe.out.len() == 0
		c.s.mu.Unlock()
		return empty
	default:
		return false
	}
}

// sleep waits d or until the connecter must give up; false means give up.
func (c *connecter) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return !c.finished()
	case <-c.stop:
		return false
	case <-c.s.killed:
		return false
	case <-c.s.closing:
		if c.finished() {
			return false
		}
		select {
		case <-t.C:
			return true
		case <-c.stop:
		case <-c.s.killed:
		}
		return false
	}
}

func (c *connecter) run() {
	s := c.s
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		s.dropConnecter(c)
		s.mu.Unlock()
	}()
	s.mu.Lock()
	ivl := time.Duration(s.opt.int(OptReconnectIvl)) * time.Millisecond
	ivlMax := time.Duration(s.opt.int(OptReconnectIvlMax)) * time.Millisecond
	ipv6 := s.opt.flag(OptIPv6)
	immediate := s.opt.flag(OptImmediate)
	s.mu.Unlock()
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
		s.event(EventConnectRetried, int(d/time.Millisecond), c.asGiven)
		return c.sleep(d)
	}
	network, addr := c.ep.dialAddr(ipv6)
	for {
		if c.finished() {
			return
		}
		conn, err := c.dial(network, addr)
		if err != nil {
			// As libzmq: the attempt was under way, then failed.
			s.event(EventConnectDelayed, int(EINPROGRESS), c.asGiven)
			s.event(EventClosed, -1, c.asGiven)
			if !next() {
				return
			}
			continue
		}
		if err := c.tcp.tune(conn); err != nil {
			// As libzmq: a connection that cannot be tuned is dropped
			// and tried again later.
			conn.Close()
			s.event(EventClosed, -1, c.asGiven)
			if !next() {
				return
			}
			continue
		}
		s.event(EventConnected, connFD(conn), c.asGiven)
		e, err := startEngine(s, conn, c.asGiven, c.stop)
		if err != nil {
			conn.Close()
			if !next() {
				return
			}
			continue
		}
		s.mu.Lock()
		s.reapInproc()
		if c.pipe == nil {
			if s.closed {
				s.mu.Unlock()
				conn.Close()
				return
			}
			c.pipe = s.addPipe()
			if c.pipe == nil {
				s.mu.Unlock()
				conn.Close()
				if !next() {
					return
				}
				continue
			}
		}
		p := c.pipe
		id := e.peerID
		if c.rid != nil {
			id = c.rid
		}
		ok := s.pol.handshaken(p, id)
		s.mu.Unlock()
		if !ok {
			conn.Close()
			if !next() {
				return
			}
			continue
		}
		backoff = ivl
		e.run(p, c.stop)
		if e.hungUp.Load() {
			// A STREAM socket's user closed this connection: as in
			// libzmq, that ends the connecting too.
			s.mu.Lock()
			s.removePipe(p)
			c.pipe = nil
			s.mu.Unlock()
			return
		}
		if immediate {
			s.mu.Lock()
			s.removePipe(p)
			c.pipe = nil
			s.mu.Unlock()
		}
		if !next() {
			return
		}
	}
}

// dial connects, giving up early when the connecter must stop.
func (c *connecter) dial(network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-c.stop:
			cancel()
		case <-c.s.killed:
			cancel()
		}
	}()
	if isTCP(network) {
		return c.tcp.dial(ctx, network, addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// mapNetError turns a listen or dial error into libzmq's errno.
func mapNetError(err error) error {
	var se syscall.Errno
	if errors.As(err, &se) {
		return Errno(se)
	}
	return EINVAL
}
