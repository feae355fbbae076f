package core

// Endpoints: Bind and Connect start a listener or a connecting session for
// tcp and ipc (session.go), or an inproc binding or link (inproc.go);
// Unbind and Disconnect end whichever matches, as libzmq's term_endpoint.

// Bind listens on endpoint (tcp, ipc) or registers an inproc name. The
// listener works with the socket's options as they are now.
func (s *Socket) Bind(endpoint string) error {
	s.mu.Lock()
	if err := s.errIfDead(); err != nil {
		s.mu.Unlock()
		return err
	}
	scheme, addr, err := splitEndpoint(endpoint)
	if err == nil && scheme == "inproc" {
		var name string
		if name, err = parseInproc(addr); err == nil {
			return s.bindInproc(name, endpoint) // releases mu
		}
	}
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	tr, a, err := resolveEndpoint(scheme, addr, true)
	if err != nil {
		return err
	}
	l, err := listen(s, tr, a, endpoint)
	if err != nil {
		s.eventLocked(EventBindFailed, errnoValue(err), endpoint)
		return err
	}
	s.binds = append(s.binds, l)
	s.lastEndpoint = l.endpoint
	s.eventLocked(EventListening, connFD(l.ln), l.endpoint)
	return nil
}

// Connect starts connecting (and reconnecting) to endpoint in the
// background, with the socket's options as they are now. Unless IMMEDIATE
// is set, messages queue for the peer at once. An inproc connection is
// made at once if the name is bound, or when it gets bound; IMMEDIATE does
// not apply to it (as in libzmq). A malformed address is refused at once.
func (s *Socket) Connect(endpoint string) error {
	s.mu.Lock()
	if err := s.errIfDead(); err != nil {
		s.mu.Unlock()
		return err
	}
	scheme, addr, err := splitEndpoint(endpoint)
	if err == nil && scheme == "inproc" {
		var name string
		if name, err = parseInproc(addr); err == nil {
			return s.connectInproc(name, endpoint) // releases mu
		}
	}
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	tr, a, err := resolveEndpoint(scheme, addr, false)
	if err != nil {
		return err
	}
	rid := s.opt.bytes[OptConnectRoutingID]
	s.opt.bytes[OptConnectRoutingID] = nil // for this Connect only
	ss := newSession(s, s.life, s.opt.clone(), endpoint)
	ss.tr, ss.addr, ss.rid = tr, a, rid
	if !ss.opt.flag(OptImmediate) {
		p := s.attachPipe(newPipe(s, ss.opt))
		if p == nil {
			ss.cancel()
			return nil // PAIR already has its peer; libzmq accepts and ignores
		}
		if h, ok := s.pol.(connectHook); ok && !h.connected(p, rid) {
			s.removePipe(p)
			ss.cancel()
			return EINVAL
		}
		ss.pipe = p
	}
	s.connects = append(s.connects, ss)
	s.lastEndpoint = endpoint
	s.wg.Add(1)
	go ss.connect()
	return nil
}

// Unbind ends an endpoint: one given to Bind (or the resolved endpoint
// LAST_ENDPOINT reported), whose listener stops and whose accepted
// connections close, or one given to Connect, as libzmq's zmq_unbind and
// zmq_disconnect both do. An inproc name is only unregistered: as in
// libzmq, the connections made through it stay up.
func (s *Socket) Unbind(endpoint string) error { return s.termEndpoint(endpoint) }

// Disconnect ends an endpoint given to Connect (or Bind; see Unbind) and
// drops its pipe. Messages already sent to an inproc peer stay readable by
// it.
func (s *Socket) Disconnect(endpoint string) error { return s.termEndpoint(endpoint) }

// termEndpoint ends every listener and connecting session of endpoint.
func (s *Socket) termEndpoint(endpoint string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.errIfDead(); err != nil {
		return err
	}
	scheme, addr, err := splitEndpoint(endpoint)
	if err != nil {
		return err
	}
	if scheme == "inproc" {
		if s.unbindInproc(addr) == nil {
			return nil
		}
		return s.disconnectInproc(endpoint)
	}
	if _, ok := transports[scheme]; !ok {
		return EPROTONOSUPPORT
	}
	found := false
	binds := s.binds[:0]
	for _, l := range s.binds {
		if l.endpoint == endpoint || l.asGiven == endpoint {
			found = true
			l.stop()
			s.eventLocked(EventClosed, -1, l.endpoint)
			continue
		}
		binds = append(binds, l)
	}
	clear(s.binds[len(binds):])
	s.binds = binds
	connects := s.connects[:0]
	for _, ss := range s.connects {
		if ss.endpoint == endpoint {
			found = true
			ss.halt()
			if ss.pipe != nil {
				s.removePipe(ss.pipe)
			}
			continue
		}
		connects = append(connects, ss)
	}
	clear(s.connects[len(connects):])
	s.connects = connects
	if !found {
		return ENOENT
	}
	return nil
}

// dropConnecter forgets a connecting session whose goroutine ended. The
// caller holds mu.
func (s *Socket) dropConnecter(ss *session) {
	for i, x := range s.connects {
		if x == ss {
			s.connects = append(s.connects[:i], s.connects[i+1:]...)
			return
		}
	}
}
