package core

// Endpoints: Bind and Connect start a listener or a connecting session for
// tcp and ipc (session.go), or an inproc binding or link (inproc.go);
// Unbind and Disconnect end whichever matches, as libzmq's term_endpoint.

// Bind listens on endpoint (tcp, ipc) or registers an inproc name. The
// listener works with the socket's options as they are now.
func (s *Socket) Bind(endpoint string) error {
	tr, a, done, err := s.openEndpoint(endpoint, true)
	if done {
		return err
	}
	defer s.mu.Unlock()
	l, err := listen(s, tr, a)
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
	tr, a, done, err := s.openEndpoint(endpoint, false)
	if done {
		return err
	}
	defer s.mu.Unlock()
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

// openEndpoint is what Bind and Connect share. It checks the socket and
// the endpoint; an inproc endpoint it binds or connects at once, and an
// error ends the call: both with done set and mu released. Otherwise it
// returns the transport and address with mu held.
func (s *Socket) openEndpoint(endpoint string, bind bool) (tr transport, a address, done bool, err error) {
	s.mu.Lock()
	if err = s.errIfDead(); err != nil {
		s.mu.Unlock()
		return nil, nil, true, err
	}
	scheme, addr, err := splitEndpoint(endpoint)
	if err == nil {
		err = checkScheme(scheme, s.typ)
	}
	if err == nil && scheme == "inproc" {
		var name string
		if name, err = parseInproc(addr); err == nil {
			if bind {
				return nil, nil, true, s.bindInproc(name, endpoint) // releases mu
			}
			return nil, nil, true, s.connectInproc(name, endpoint) // releases mu
		}
	}
	if err == nil {
		tr, a, err = resolveEndpoint(scheme, addr, bind)
	}
	if err != nil {
		s.mu.Unlock()
		return nil, nil, true, err
	}
	return tr, a, false, nil
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
	if err == nil {
		err = checkScheme(scheme, s.typ)
	}
	if err != nil {
		return err
	}
	if scheme == "inproc" {
		if s.unbindInproc(addr) == nil {
			return nil
		}
		return s.disconnectInproc(endpoint)
	}
	// As libzmq: a listener is known by its resolved endpoint (what
	// LAST_ENDPOINT reports; so not by "tcp://*:5555"), a connection by
	// the endpoint given to Connect, and a tcp endpoint that matches
	// neither is tried again with its host resolved.
	key := endpoint
	if !s.hasEndpoint(key) {
		if r, ok := transports[scheme].(resolver); ok {
			key = scheme + "://" + r.resolve(addr, s.opt.flag(OptIPv6))
		}
	}
	found := false
	binds := s.binds[:0]
	for _, l := range s.binds {
		if l.endpoint == key {
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
		if ss.endpoint == key {
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

// hasEndpoint reports whether a listener or a connecting session goes by
// key. The caller holds mu.
func (s *Socket) hasEndpoint(key string) bool {
	for _, l := range s.binds {
		if l.endpoint == key {
			return true
		}
	}
	for _, ss := range s.connects {
		if ss.endpoint == key {
			return true
		}
	}
	return false
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
