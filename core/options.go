package core

import "math"

// Socket options are one table of descriptors (optTable): each row says
// what kind of value an option takes, its default, which values are valid,
// which socket types take it and when a change takes effect. SetInt,
// GetInt, SetBytes and GetBytes are generic over the table, so adding an
// option is one row (plus, where the option does something, the code that
// reads it).

// optCount bounds option numbers (libzmq's stable options end at 92; the
// draft ones stay below 128).
const optCount = 128

// options holds a socket's settings, indexed by option number. A Bind or
// Connect copies it (a snapshot: see optWhen), so a listener, a connecter
// and their connections see the options as they were then.
type options struct {
	ints  [optCount]int
	bytes [optCount][]byte
	// sec is the mechanism and role the security options chose so far.
	sec security
}

// int returns an integer option.
func (o *options) int(opt Option) int { return o.ints[opt] }

// int64Max returns MAXMSGSIZE (-1: no limit).
func (o *options) int64Max() int64 { return int64(o.ints[OptMaxmsgsize]) }

// flag returns a boolean option.
func (o *options) flag(opt Option) bool { return o.ints[opt] != 0 }

// clone returns a snapshot of o for a listener or a connecter.
func (o *options) clone() *options {
	c := *o // byte values are never written in place, only replaced
	return &c
}

// optKind is the type of an option's value.
type optKind uint8

const (
	optInt   optKind = iota + 1 // an integer
	optBool                     // an integer kept as 0 or 1
	optBytes                    // a byte string
)

// optWhen says when a changed option takes effect, as in libzmq 4.3.
type optWhen uint8

const (
	// whenSnapshot: Bind and Connect copy it for the listener or the
	// connecter and every connection they make; later changes apply to
	// later endpoints only.
	whenSnapshot optWhen = iota + 1
	// whenLive: the socket reads it at each call (timeouts, LINGER at
	// Close, the routing options of a socket type).
	whenLive
	// whenPipes: a snapshot like whenSnapshot, and also pushed to the
	// pipes that exist when it is set (the high-water marks, as libzmq
	// 4.2 and later do).
	whenPipes
	// whenNextConnect: taken, and cleared, by the next Connect.
	whenNextConnect
	// whenStored: kept and reported; nothing here acts on it (multicast,
	// GSSAPI, VMCI options).
	whenStored
	// whenRead: read-only, computed when read.
	whenRead
)

// intRange is the valid range of an integer option's values.
type intRange struct{ min, max int }

var (
	anyInt   = intRange{math.MinInt, math.MaxInt}
	nonNeg   = intRange{0, math.MaxInt}
	positive = intRange{1, math.MaxInt}
	minusOne = intRange{-1, math.MaxInt} // -1 meaning "none" or "forever"
	zeroOne  = intRange{0, 1}
)

// The socket types that take the options of one type (a PUB is an XPUB
// to libzmq).
var (
	routerTypes = []SocketType{ROUTER}
	reqTypes    = []SocketType{REQ}
	xpubTypes   = []SocketType{XPUB, PUB}
)

// optDesc describes one option.
type optDesc struct {
	name  string
	kind  optKind
	def   int      // default of an integer option
	valid intRange // valid integer values
	when  optWhen
	// types, when set, are the socket types that take the option; others
	// get EINVAL, as from libzmq.
	types []SocketType
	// check validates a byte-string value.
	check func(v []byte) error
	// set, when given, replaces storing the value (SUBSCRIBE).
	set func(s *Socket, v []byte) error
	// changed runs after the value is stored, with the socket's mu held.
	changed func(s *Socket, opt Option)
	// get computes a value that is not stored (TYPE, EVENTS...).
	get func(s *Socket) int
	// getBytes computes a byte-string value (LAST_ENDPOINT).
	getBytes func(s *Socket) []byte
	// writeOnly options cannot be read back.
	writeOnly bool
}

// optTable is every option monocoque knows, with libzmq 4.3's defaults
// and checks. docs/ARCHITECTURE.md lists when each takes effect.
var optTable = [optCount]optDesc{
	// Queues and blocking calls.
	OptSndhwm:     {name: "SNDHWM", kind: optInt, def: 1000, valid: nonNeg, when: whenPipes, changed: (*Socket).pushHWMs},
	OptRcvhwm:     {name: "RCVHWM", kind: optInt, def: 1000, valid: nonNeg, when: whenPipes, changed: (*Socket).pushHWMs},
	OptSndtimeo:   {name: "SNDTIMEO", kind: optInt, def: -1, valid: minusOne, when: whenLive},
	OptRcvtimeo:   {name: "RCVTIMEO", kind: optInt, def: -1, valid: minusOne, when: whenLive},
	OptLinger:     {name: "LINGER", kind: optInt, def: -1, valid: minusOne, when: whenLive},
	OptConflate:   {name: "CONFLATE", kind: optBool, valid: zeroOne, when: whenSnapshot},
	OptImmediate:  {name: "IMMEDIATE", kind: optBool, valid: anyInt, when: whenSnapshot},
	OptMaxmsgsize: {name: "MAXMSGSIZE", kind: optInt, def: -1, valid: anyInt, when: whenSnapshot},

	// Connections.
	OptReconnectIvl:     {name: "RECONNECT_IVL", kind: optInt, def: 100, valid: minusOne, when: whenSnapshot},
	OptReconnectIvlMax:  {name: "RECONNECT_IVL_MAX", kind: optInt, valid: nonNeg, when: whenSnapshot},
	OptHandshakeIvl:     {name: "HANDSHAKE_IVL", kind: optInt, def: 30000, valid: nonNeg, when: whenSnapshot},
	OptHeartbeatIvl:     {name: "HEARTBEAT_IVL", kind: optInt, valid: nonNeg, when: whenSnapshot},
	OptHeartbeatTTL:     {name: "HEARTBEAT_TTL", kind: optInt, valid: intRange{-99, 6553599}, when: whenSnapshot, changed: wholeDeciseconds},
	OptHeartbeatTimeout: {name: "HEARTBEAT_TIMEOUT", kind: optInt, def: -1, valid: nonNeg, when: whenSnapshot},
	OptIPv6:             {name: "IPV6", kind: optBool, valid: anyInt, when: whenSnapshot},
	OptRoutingID:        {name: "ROUTING_ID", kind: optBytes, when: whenSnapshot, check: checkRoutingID},
	OptConnectRoutingID: {name: "CONNECT_ROUTING_ID", kind: optBytes, when: whenNextConnect, check: checkNotEmpty, types: []SocketType{ROUTER, STREAM}, writeOnly: true},
	OptSocksProxy:       {name: "SOCKS_PROXY", kind: optBytes, when: whenSnapshot},

	// TCP tuning (tcpopts.go).
	OptSndbuf:            {name: "SNDBUF", kind: optInt, def: -1, valid: minusOne, when: whenSnapshot},
	OptRcvbuf:            {name: "RCVBUF", kind: optInt, def: -1, valid: minusOne, when: whenSnapshot},
	OptBacklog:           {name: "BACKLOG", kind: optInt, def: 100, valid: nonNeg, when: whenSnapshot},
	OptTCPKeepalive:      {name: "TCP_KEEPALIVE", kind: optInt, def: -1, valid: intRange{-1, 1}, when: whenSnapshot},
	OptTCPKeepaliveCnt:   {name: "TCP_KEEPALIVE_CNT", kind: optInt, def: -1, valid: minusOne, when: whenSnapshot},
	OptTCPKeepaliveIdle:  {name: "TCP_KEEPALIVE_IDLE", kind: optInt, def: -1, valid: minusOne, when: whenSnapshot},
	OptTCPKeepaliveIntvl: {name: "TCP_KEEPALIVE_INTVL", kind: optInt, def: -1, valid: minusOne, when: whenSnapshot},
	OptTos:               {name: "TOS", kind: optInt, valid: nonNeg, when: whenSnapshot},
	OptConnectTimeout:    {name: "CONNECT_TIMEOUT", kind: optInt, valid: nonNeg, when: whenSnapshot},
	OptTCPMaxrt:          {name: "TCP_MAXRT", kind: optInt, valid: nonNeg, when: whenSnapshot},
	OptBindToDevice:      {name: "BINDTODEVICE", kind: optBytes, when: whenSnapshot, check: checkDeviceName},

	// Security (security.go): the last of these set picks the mechanism.
	OptMechanism:      {name: "MECHANISM", kind: optInt, when: whenRead, get: func(s *Socket) int { return s.opt.sec.mechanism }},
	OptPlainServer:    {name: "PLAIN_SERVER", kind: optBool, valid: zeroOne, when: whenSnapshot, changed: (*Socket).noteSecurity, get: getPlainServer},
	OptPlainUsername:  {name: "PLAIN_USERNAME", kind: optBytes, when: whenSnapshot, check: checkPlainCredential, changed: (*Socket).noteSecurity},
	OptPlainPassword:  {name: "PLAIN_PASSWORD", kind: optBytes, when: whenSnapshot, check: checkPlainCredential, changed: (*Socket).noteSecurity},
	OptCurveServer:    {name: "CURVE_SERVER", kind: optBool, valid: zeroOne, when: whenSnapshot, changed: (*Socket).noteSecurity, get: getCurveServer},
	OptCurvePublickey: {name: "CURVE_PUBLICKEY", kind: optBytes, when: whenSnapshot, check: checkCurveKey, changed: (*Socket).noteSecurity},
	OptCurveSecretkey: {name: "CURVE_SECRETKEY", kind: optBytes, when: whenSnapshot, check: checkCurveKey, changed: (*Socket).noteSecurity},
	OptCurveServerkey: {name: "CURVE_SERVERKEY", kind: optBytes, when: whenSnapshot, check: checkCurveKey, changed: (*Socket).noteSecurity},
	OptZapDomain:      {name: "ZAP_DOMAIN", kind: optBytes, when: whenSnapshot, check: checkShortString},

	// Routing of particular socket types, read by their policies.
	OptRouterMandatory: {name: "ROUTER_MANDATORY", kind: optBool, valid: nonNeg, when: whenLive, types: routerTypes},
	OptRouterHandover:  {name: "ROUTER_HANDOVER", kind: optBool, valid: nonNeg, when: whenLive, types: routerTypes},
	OptRouterRaw:       {name: "ROUTER_RAW", kind: optBool, valid: nonNeg, when: whenStored, types: routerTypes},
	OptProbeRouter:     {name: "PROBE_ROUTER", kind: optBool, valid: nonNeg, when: whenStored, types: []SocketType{ROUTER, DEALER, REQ}},
	OptReqRelaxed:      {name: "REQ_RELAXED", kind: optBool, valid: nonNeg, when: whenLive, types: reqTypes},
	OptReqCorrelate:    {name: "REQ_CORRELATE", kind: optBool, valid: nonNeg, when: whenLive, types: reqTypes},
	OptSubscribe:       {name: "SUBSCRIBE", kind: optBytes, when: whenPipes, set: setSubscription(true), writeOnly: true},
	OptUnsubscribe:     {name: "UNSUBSCRIBE", kind: optBytes, when: whenPipes, set: setSubscription(false), writeOnly: true},
	OptXpubVerbose:     {name: "XPUB_VERBOSE", kind: optBool, valid: nonNeg, when: whenLive, types: xpubTypes, changed: policyOptionChanged},
	OptXpubVerboser:    {name: "XPUB_VERBOSER", kind: optBool, valid: nonNeg, when: whenLive, types: xpubTypes, changed: policyOptionChanged},
	OptXpubNodrop:      {name: "XPUB_NODROP", kind: optBool, valid: nonNeg, when: whenLive, types: xpubTypes, changed: policyOptionChanged},
	OptXpubManual:      {name: "XPUB_MANUAL", kind: optBool, valid: nonNeg, when: whenLive, types: xpubTypes, changed: policyOptionChanged},
	OptXpubWelcomeMsg:  {name: "XPUB_WELCOME_MSG", kind: optBytes, when: whenLive, types: xpubTypes},
	OptInvertMatching:  {name: "INVERT_MATCHING", kind: optBool, valid: anyInt, when: whenLive, changed: policyOptionChanged},
	OptStreamNotify:    {name: "STREAM_NOTIFY", kind: optBool, def: 1, valid: zeroOne, when: whenSnapshot, types: []SocketType{STREAM}},

	// State, read only.
	OptType:         {name: "TYPE", kind: optInt, when: whenRead, get: func(s *Socket) int { return int(s.typ) }},
	OptRcvmore:      {name: "RCVMORE", kind: optInt, when: whenRead, get: func(s *Socket) int { return boolInt(s.curIdx < s.current.Len()) }},
	OptEvents:       {name: "EVENTS", kind: optInt, when: whenRead, get: (*Socket).events},
	OptThreadSafe:   {name: "THREAD_SAFE", kind: optInt, when: whenRead, get: func(*Socket) int { return 0 }},
	OptLastEndpoint: {name: "LAST_ENDPOINT", kind: optBytes, when: whenRead, getBytes: func(s *Socket) []byte { return []byte(s.lastEndpoint) }},

	// Kept and reported only: transports and features monocoque lacks.
	OptAffinity:         {name: "AFFINITY", kind: optInt, valid: anyInt, when: whenStored},
	OptRate:             {name: "RATE", kind: optInt, def: 100, valid: positive, when: whenStored},
	OptRecoveryIvl:      {name: "RECOVERY_IVL", kind: optInt, def: 10000, valid: nonNeg, when: whenStored},
	OptMulticastHops:    {name: "MULTICAST_HOPS", kind: optInt, def: 1, valid: positive, when: whenStored},
	OptMulticastMaxtpdu: {name: "MULTICAST_MAXTPDU", kind: optInt, def: 1500, valid: positive, when: whenStored},
	OptGssapiServer:     {name: "GSSAPI_SERVER", kind: optBool, valid: anyInt, when: whenStored},
	OptGssapiPlaintext:  {name: "GSSAPI_PLAINTEXT", kind: optBool, valid: anyInt, when: whenStored},
	OptGssapiPrincipal:  {name: "GSSAPI_PRINCIPAL", kind: optBytes, when: whenStored},
	OptGssapiSvcPrinc:   {name: "GSSAPI_SERVICE_PRINCIPAL", kind: optBytes, when: whenStored},
	OptUseFd:            {name: "USE_FD", kind: optInt, def: -1, valid: minusOne, when: whenStored},
}

// defaultOptions returns the options of a new socket.
func defaultOptions() options {
	var o options
	for i := range optTable {
		o.ints[i] = optTable[i].def
	}
	return o
}

// describe returns the descriptor of opt, or nil for an unknown option.
func describe(opt Option) *optDesc {
	if opt < 0 || opt >= optCount || optTable[opt].kind == 0 {
		return nil
	}
	return &optTable[opt]
}

// takes reports whether sockets of type t take the option.
func (d *optDesc) takes(t SocketType) bool {
	if d.types == nil {
		return true
	}
	for _, x := range d.types {
		if x == t {
			return true
		}
	}
	return false
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
	if err := s.errIfClosed(); err != nil {
		return err
	}
	d := describe(opt)
	if d == nil || d.kind == optBytes || d.when == whenRead || !d.takes(s.typ) {
		return EINVAL
	}
	if v < d.valid.min || v > d.valid.max {
		return EINVAL
	}
	if d.kind == optBool {
		v = boolInt(v != 0)
	}
	s.opt.ints[opt] = v
	if d.changed != nil {
		d.changed(s, opt)
	}
	return nil
}

// GetInt reads an integer or boolean option.
func (s *Socket) GetInt(opt Option) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.errIfClosed(); err != nil {
		return 0, err
	}
	d := describe(opt)
	if d == nil || d.kind == optBytes || d.writeOnly {
		return 0, EINVAL
	}
	if d.get != nil {
		return d.get(s), nil
	}
	return s.opt.ints[opt], nil
}

// SetBytes sets a binary or string option.
func (s *Socket) SetBytes(opt Option, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.errIfClosed(); err != nil {
		return err
	}
	d := describe(opt)
	if d == nil || d.kind != optBytes || d.when == whenRead || !d.takes(s.typ) {
		return EINVAL
	}
	if d.set != nil {
		return d.set(s, v)
	}
	if d.check != nil {
		if err := d.check(v); err != nil {
			return err
		}
	}
	s.opt.bytes[opt] = append([]byte(nil), v...)
	if d.changed != nil {
		d.changed(s, opt)
	}
	return nil
}

// GetBytes reads a binary or string option.
func (s *Socket) GetBytes(opt Option) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.errIfClosed(); err != nil {
		return nil, err
	}
	d := describe(opt)
	if d == nil || d.kind != optBytes || d.writeOnly {
		return nil, EINVAL
	}
	if d.getBytes != nil {
		return d.getBytes(s), nil
	}
	return append([]byte(nil), s.opt.bytes[opt]...), nil
}

// checkRoutingID accepts ids of 1 to 255 bytes, as libzmq.
func checkRoutingID(v []byte) error {
	if len(v) < 1 || len(v) > 255 {
		return EINVAL
	}
	return nil
}

// checkNotEmpty accepts any value but an empty one (CONNECT_ROUTING_ID).
func checkNotEmpty(v []byte) error {
	if len(v) == 0 {
		return EINVAL
	}
	return nil
}

// checkShortString accepts 1 to 255 bytes, as libzmq's string options that
// cannot be cleared through pebbe/zmq4 (ZAP_DOMAIN).
func checkShortString(v []byte) error { return checkRoutingID(v) }

// wholeDeciseconds keeps HEARTBEAT_TTL in the unit ZMTP's PING carries
// (tenths of a second), as libzmq does: -99 to 99 ms become 0.
func wholeDeciseconds(s *Socket, opt Option) { s.opt.ints[opt] = s.opt.ints[opt] / 100 * 100 }

// checkDeviceName accepts interface names of 1 to 16 bytes, as libzmq.
func checkDeviceName(v []byte) error {
	if len(v) == 0 || len(v) > maxDeviceName {
		return EINVAL
	}
	return nil
}

// conflateQueues reports whether a new pipe's inbound and outbound queues
// keep only the newest message (CONFLATE). libzmq conflates on DEALER,
// PULL, PUSH, PUB and SUB only; we conflate the queues that carry user
// messages, never the ones carrying subscriptions (PUB's input, SUB's
// output), which libzmq would lose when several are queued at once.
func (o *options) conflateQueues(t SocketType) (in, out bool) {
	if o.ints[OptConflate] == 0 {
		return false, false
	}
	switch t {
	case PUSH, PUB:
		return false, true
	case PULL, SUB:
		return true, false
	case DEALER:
		return true, true
	}
	return false, false
}

// policyOptionChanged tells a policy that caches options that one changed.
func policyOptionChanged(s *Socket, opt Option) {
	if w, ok := s.pol.(optionWatcher); ok {
		w.optionChanged(opt)
	}
}

// setSubscription returns the setter of SUBSCRIBE (on) or UNSUBSCRIBE.
func setSubscription(on bool) func(s *Socket, v []byte) error {
	return func(s *Socket, v []byte) error {
		ss, ok := s.pol.(subscriptionSetter)
		if !ok {
			return EINVAL
		}
		return ss.setSubscription(v, on)
	}
}

// pushHWMs gives the pipes that exist the socket's new high-water marks,
// as libzmq 4.2 and later do. The caller holds s.mu.
func (s *Socket) pushHWMs(Option) {
	snd, rcv := s.opt.int(OptSndhwm), s.opt.int(OptRcvhwm)
	for p := range s.pipes {
		if p.link != nil {
			p.link.setHWMs(p, snd, rcv)
			continue
		}
		p.out.setHWM(snd)
		p.in.setHWM(rcv)
	}
}
