package core

// options holds a socket's settings. Fields read on hot paths are plain
// fields; options that are only stored and reported live in ints.
type options struct {
	sndhwm, rcvhwm   int
	sndtimeo         int
	rcvtimeo         int
	linger           int
	reconnectIvl     int
	reconnectIvlMax  int
	backlog          int
	handshakeIvl     int
	maxmsgsize       int64
	routingID        []byte
	connectRid       []byte
	lastEndpoint     string
	routerMandatory  bool
	routerHandover   bool
	immediate        bool
	ipv6             bool
	reqRelaxed       bool
	reqCorrelate     bool
	heartbeatIvl     int
	heartbeatTTL     int
	heartbeatTimeout int
	sec              security
	ints             map[Option]int
	bytes            map[Option][]byte
}

// storedInts are options kept in options.ints and reported, with
// libzmq's defaults. Those read only when a pipe or a connection is made
// (CONFLATE, the TCP ones) live here too; the rest are not acted on.
var storedInts = map[Option]int{
	OptAffinity: 0, OptRate: 100, OptRecoveryIvl: 10000, OptSndbuf: -1, OptRcvbuf: -1,
	OptMulticastHops: 1, OptTCPKeepalive: -1, OptTCPKeepaliveCnt: -1, OptTCPKeepaliveIdle: -1,
	OptTCPKeepaliveIntvl: -1, OptTos: 0, OptConnectTimeout: 0, OptTCPMaxrt: 0,
	OptMulticastMaxtpdu: 1500, OptConflate: 0, OptProbeRouter: 0, OptXpubVerbose: 0,
	OptXpubVerboser: 0, OptXpubNodrop: 0, OptXpubManual: 0, OptInvertMatching: 0,
	OptStreamNotify: 1, OptRouterRaw: 0, OptPlainServer: 0, OptCurveServer: 0,
	OptGssapiServer: 0, OptGssapiPlaintext: 0, OptUseFd: -1,
}

// storedBytes are string-valued options kept and reported.
var storedBytes = map[Option]bool{
	OptZapDomain: true, OptSocksProxy: true, OptBindToDevice: true, OptPlainUsername: true,
	OptPlainPassword: true, OptCurvePublickey: true, OptCurveSecretkey: true,
	OptCurveServerkey: true, OptGssapiPrincipal: true, OptGssapiSvcPrinc: true,
	OptXpubWelcomeMsg: true,
}

func defaultOptions() options {
	o := options{
		sndhwm: 1000, rcvhwm: 1000, sndtimeo: -1, rcvtimeo: -1, linger: -1,
		reconnectIvl: 100, backlog: 100, handshakeIvl: 30000, maxmsgsize: -1,
		heartbeatTimeout: -1,
		ints:             make(map[Option]int),
		bytes:            make(map[Option][]byte),
	}
	for k, v := range storedInts {
		o.ints[k] = v
	}
	return o
}

// validInt checks a value for an option kept in ints as libzmq 4.3 does;
// options it does not list take any value.
func validInt(opt Option, v int) bool {
	switch opt {
	case OptConflate:
		return v == 0 || v == 1
	case OptTCPKeepalive:
		return v >= -1 && v <= 1
	case OptSndbuf, OptRcvbuf, OptTCPKeepaliveCnt, OptTCPKeepaliveIdle, OptTCPKeepaliveIntvl:
		return v >= -1
	case OptTos, OptConnectTimeout, OptTCPMaxrt:
		return v >= 0
	}
	return true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SetInt sets an integer or boolean option.
func (s *Socket) SetInt(opt Option, v int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ENOTSOCK
	}
	o := &s.opt
	nonNeg := func(dst *int) error {
		if v < 0 {
			return EINVAL
		}
		*dst = v
		return nil
	}
	atLeast := func(dst *int, min int) error {
		if v < min {
			return EINVAL
		}
		*dst = v
		return nil
	}
	switch opt {
	case OptSndhwm:
		return nonNeg(&o.sndhwm)
	case OptRcvhwm:
		return nonNeg(&o.rcvhwm)
	case OptSndtimeo:
		return atLeast(&o.sndtimeo, -1)
	case OptRcvtimeo:
		return atLeast(&o.rcvtimeo, -1)
	case OptLinger:
		return atLeast(&o.linger, -1)
	case OptReconnectIvl:
		return atLeast(&o.reconnectIvl, -1)
	case OptReconnectIvlMax:
		return nonNeg(&o.reconnectIvlMax)
	case OptBacklog:
		return nonNeg(&o.backlog)
	case OptHandshakeIvl:
		return nonNeg(&o.handshakeIvl)
	case OptMaxmsgsize:
		if v < -1 {
			return EINVAL
		}
		o.maxmsgsize = int64(v)
	case OptRouterMandatory:
		o.routerMandatory = v != 0
	case OptRouterHandover:
		o.routerHandover = v != 0
	case OptImmediate:
		o.immediate = v != 0
	case OptIPv6:
		o.ipv6 = v != 0
	case OptReqRelaxed:
		o.reqRelaxed = v != 0
	case OptReqCorrelate:
		o.reqCorrelate = v != 0
	case OptHeartbeatIvl:
		return nonNeg(&o.heartbeatIvl)
	case OptHeartbeatTTL:
		if v < 0 || v > 6553599 {
			return EINVAL
		}
		o.heartbeatTTL = v
	case OptHeartbeatTimeout:
		return atLeast(&o.heartbeatTimeout, -1)
	case OptStreamNotify:
		if s.typ != STREAM || v != 0 && v != 1 {
			return EINVAL // as libzmq 4.3: a STREAM option, 0 or 1
		}
		o.ints[opt] = v
	default:
		if _, ok := storedInts[opt]; ok {
			if !validInt(opt, v) {
				return EINVAL
			}
			o.ints[opt] = v
			o.noteSecurityInt(opt, v)
			if w, ok := s.pol.(optionWatcher); ok {
				w.optionChanged(opt)
			}
			return nil
		}
		return EINVAL
	}
	return nil
}

// GetInt reads an integer or boolean option.
func (s *Socket) GetInt(opt Option) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ENOTSOCK
	}
	o := &s.opt
	switch opt {
	case OptType:
		return int(s.typ), nil
	case OptRcvmore:
		return boolInt(s.curIdx < s.current.Len()), nil
	case OptEvents:
		return s.events(), nil
	case OptSndhwm:
		return o.sndhwm, nil
	case OptRcvhwm:
		return o.rcvhwm, nil
	case OptSndtimeo:
		return o.sndtimeo, nil
	case OptRcvtimeo:
		return o.rcvtimeo, nil
	case OptLinger:
		return o.linger, nil
	case OptReconnectIvl:
		return o.reconnectIvl, nil
	case OptReconnectIvlMax:
		return o.reconnectIvlMax, nil
	case OptBacklog:
		return o.backlog, nil
	case OptHandshakeIvl:
		return o.handshakeIvl, nil
	case OptMaxmsgsize:
		return int(o.maxmsgsize), nil
	case OptRouterMandatory:
		return boolInt(o.routerMandatory), nil
	case OptRouterHandover:
		return boolInt(o.routerHandover), nil
	case OptImmediate:
		return boolInt(o.immediate), nil
	case OptIPv6:
		return boolInt(o.ipv6), nil
	case OptReqRelaxed:
		return boolInt(o.reqRelaxed), nil
	case OptReqCorrelate:
		return boolInt(o.reqCorrelate), nil
	case OptHeartbeatIvl:
		return o.heartbeatIvl, nil
	case OptHeartbeatTTL:
		return o.heartbeatTTL, nil
	case OptHeartbeatTimeout:
		return o.heartbeatTimeout, nil
	case OptThreadSafe:
		return 0, nil
	}
	if v, ok := o.securityInt(opt); ok {
		return v, nil
	}
	if v, ok := o.ints[opt]; ok {
		return v, nil
	}
	return 0, EINVAL
}

// SetBytes sets a binary or string option.
func (s *Socket) SetBytes(opt Option, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ENOTSOCK
	}
	switch opt {
	case OptRoutingID:
		if len(v) < 1 || len(v) > 255 {
			return EINVAL
		}
		s.opt.routingID = append([]byte(nil), v...)
	case OptConnectRoutingID:
		if len(v) < 1 || len(v) > 255 || s.typ != ROUTER && s.typ != STREAM {
			return EINVAL
		}
		s.opt.connectRid = append([]byte(nil), v...)
	case OptSubscribe, OptUnsubscribe:
		ss, ok := s.pol.(subscriptionSetter)
		if !ok {
			return EINVAL
		}
		return ss.setSubscription(v, opt == OptSubscribe)
	default:
		if !storedBytes[opt] {
			return EINVAL
		}
		if err := checkSecurityBytes(opt, v); err != nil {
			return err
		}
		if opt == OptBindToDevice && (len(v) == 0 || len(v) > maxDeviceName) {
			return EINVAL // as libzmq: a name of 1 to 16 bytes
		}
		s.opt.bytes[opt] = append([]byte(nil), v...)
		s.opt.noteSecurityBytes(opt, v)
	}
	return nil
}

// GetBytes reads a binary or string option.
func (s *Socket) GetBytes(opt Option) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ENOTSOCK
	}
	switch opt {
	case OptRoutingID:
		return append([]byte(nil), s.opt.routingID...), nil
	case OptLastEndpoint:
		return []byte(s.opt.lastEndpoint), nil
	}
	if !storedBytes[opt] {
		return nil, EINVAL
	}
	return append([]byte(nil), s.opt.bytes[opt]...), nil
}
