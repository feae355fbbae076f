package core

// SocketType is a socket type, numbered as in libzmq.
type SocketType int

// Socket types.
const (
	PAIR   SocketType = 0
	PUB    SocketType = 1
	SUB    SocketType = 2
	REQ    SocketType = 3
	REP    SocketType = 4
	DEALER SocketType = 5
	ROUTER SocketType = 6
	PULL   SocketType = 7
	PUSH   SocketType = 8
	XPUB   SocketType = 9
	XSUB   SocketType = 10
	STREAM SocketType = 11
)

var socketTypeNames = [...]string{"PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM"}

// String returns the ZMTP name of the type ("REQ", "ROUTER", ...).
func (t SocketType) String() string {
	if t >= 0 && int(t) < len(socketTypeNames) {
		return socketTypeNames[t]
	}
	return "UNKNOWN"
}

// Flag modifies Send and Recv, with libzmq's values.
type Flag int

// Send and Recv flags.
const (
	DontWait Flag = 1
	SndMore  Flag = 2
)

// Poll states returned by the Events option, with libzmq's values.
const (
	PollIn  = 1
	PollOut = 2
)

// Option is a socket option number, as in libzmq.
type Option int

// Socket options, numbered as in libzmq.
const (
	OptAffinity          Option = 4
	OptRoutingID         Option = 5
	OptSubscribe         Option = 6
	OptUnsubscribe       Option = 7
	OptRate              Option = 8
	OptRecoveryIvl       Option = 9
	OptSndbuf            Option = 11
	OptRcvbuf            Option = 12
	OptRcvmore           Option = 13
	OptFd                Option = 14
	OptEvents            Option = 15
	OptType              Option = 16
	OptLinger            Option = 17
	OptReconnectIvl      Option = 18
	OptBacklog           Option = 19
	OptReconnectIvlMax   Option = 21
	OptMaxmsgsize        Option = 22
	OptSndhwm            Option = 23
	OptRcvhwm            Option = 24
	OptMulticastHops     Option = 25
	OptRcvtimeo          Option = 27
	OptSndtimeo          Option = 28
	OptLastEndpoint      Option = 32
	OptRouterMandatory   Option = 33
	OptTCPKeepalive      Option = 34
	OptTCPKeepaliveCnt   Option = 35
	OptTCPKeepaliveIdle  Option = 36
	OptTCPKeepaliveIntvl Option = 37
	OptImmediate         Option = 39
	OptXpubVerbose       Option = 40
	OptRouterRaw         Option = 41
	OptIPv6              Option = 42
	OptMechanism         Option = 43
	OptPlainServer       Option = 44
	OptPlainUsername     Option = 45
	OptPlainPassword     Option = 46
	OptCurveServer       Option = 47
	OptCurvePublickey    Option = 48
	OptCurveSecretkey    Option = 49
	OptCurveServerkey    Option = 50
	OptProbeRouter       Option = 51
	OptReqCorrelate      Option = 52
	OptReqRelaxed        Option = 53
	OptConflate          Option = 54
	OptZapDomain         Option = 55
	OptRouterHandover    Option = 56
	OptTos               Option = 57
	OptConnectRoutingID  Option = 61
	OptGssapiServer      Option = 62
	OptGssapiPrincipal   Option = 63
	OptGssapiSvcPrinc    Option = 64
	OptGssapiPlaintext   Option = 65
	OptHandshakeIvl      Option = 66
	OptSocksProxy        Option = 68
	OptXpubNodrop        Option = 69
	OptXpubManual        Option = 71
	OptXpubWelcomeMsg    Option = 72
	OptStreamNotify      Option = 73
	OptInvertMatching    Option = 74
	OptHeartbeatIvl      Option = 75
	OptHeartbeatTTL      Option = 76
	OptHeartbeatTimeout  Option = 77
	OptXpubVerboser      Option = 78
	OptConnectTimeout    Option = 79
	OptTCPMaxrt          Option = 80
	OptThreadSafe        Option = 81
	OptMulticastMaxtpdu  Option = 84
	OptVMCIBufferSize    Option = 85
	OptVMCIBufferMinSize Option = 86
	OptVMCIBufferMaxSize Option = 87
	OptVMCIConnectTimeo  Option = 88
	OptUseFd             Option = 89
	OptGssapiPrincNT     Option = 90
	OptGssapiSvcPrincNT  Option = 91
	OptBindToDevice      Option = 92
)

// Mechanism numbers returned by the OptMechanism option.
const (
	MechNull   = 0
	MechPlain  = 1
	MechCurve  = 2
	MechGssapi = 3
)

// Context option numbers, as in libzmq.
const (
	CtxIOThreads         = 1
	CtxMaxSockets        = 2
	CtxSocketLimit       = 3
	CtxThreadPriority    = 3
	CtxThreadSchedPolicy = 4
	CtxMaxMsgsz          = 5
	CtxIPv6              = 42
	CtxBlocky            = 70
)
