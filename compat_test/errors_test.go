package compat

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"syscall"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"

	mq "github.com/monocoque-go/monocoque/zmq"
)

// This file audits the errors both packages return for input a program can
// get wrong: every case runs on pebbe/zmq4 (libzmq) and on monocoque's zmq
// package, each on a fresh context, and the two results must be the same:
// nil, the same error value (ErrorSocketClosed...) or the same errno, and
// for sends the same byte count. A failure reads "monocoque gave X, libzmq
// Y"; "the case is wrong" means libzmq itself did not give what the case
// expects of it.

// zsock is the part of the Socket method set whose signatures use no type
// of the package itself, so that *lz.Socket and *mq.Socket both have it.
// The methods taking or returning Flag, Type, State, Event or Mechanism go
// through the closures of impl.
type zsock interface {
	Bind(string) error
	Unbind(string) error
	Connect(string) error
	Disconnect(string) error
	Close() error
	SendMessage(...interface{}) (int, error)
	SendMessageDontwait(...interface{}) (int, error)

	SetAffinity(uint64) error
	SetBacklog(int) error
	SetConflate(bool) error
	SetConnectRid(string) error
	SetConnectTimeout(time.Duration) error
	SetCurvePublickey(string) error
	SetCurveSecretkey(string) error
	SetCurveServer(int) error
	SetCurveServerkey(string) error
	SetHandshakeIvl(time.Duration) error
	SetHeartbeatIvl(time.Duration) error
	SetHeartbeatTimeout(time.Duration) error
	SetHeartbeatTtl(time.Duration) error
	SetIdentity(string) error
	SetImmediate(bool) error
	SetInvertMatching(int) error
	SetIpv6(bool) error
	SetLinger(time.Duration) error
	SetMaxmsgsize(int64) error
	SetMulticastHops(int) error
	SetMulticastMaxtpdu(int) error
	SetPlainPassword(string) error
	SetPlainServer(int) error
	SetPlainUsername(string) error
	SetProbeRouter(int) error
	SetRate(int) error
	SetRcvbuf(int) error
	SetRcvhwm(int) error
	SetRcvtimeo(time.Duration) error
	SetReconnectIvl(time.Duration) error
	SetReconnectIvlMax(time.Duration) error
	SetRecoveryIvl(time.Duration) error
	SetReqCorrelate(int) error
	SetReqRelaxed(int) error
	SetRouterHandover(bool) error
	SetRouterMandatory(int) error
	SetRouterRaw(int) error
	SetSndbuf(int) error
	SetSndhwm(int) error
	SetSndtimeo(time.Duration) error
	SetSocksProxy(string) error
	SetStreamNotify(int) error
	SetSubscribe(string) error
	SetTcpAcceptFilter(string) error
	SetTcpKeepalive(int) error
	SetTcpKeepaliveCnt(int) error
	SetTcpKeepaliveIdle(int) error
	SetTcpKeepaliveIntvl(int) error
	SetTcpMaxrt(time.Duration) error
	SetTos(int) error
	SetUnsubscribe(string) error
	SetUseFd(int) error
	SetVmciBufferSize(uint64) error
	SetVmciConnectTimeout(time.Duration) error
	SetXpubManual(int) error
	SetXpubNodrop(bool) error
	SetXpubVerbose(int) error
	SetXpubVerboser(int) error
	SetXpubWelcomeMsg(string) error
	SetZapDomain(string) error

	GetAffinity() (uint64, error)
	GetCurvePublickeyRaw() (string, error)
	GetCurvePublickeykeyZ85() (string, error)
	GetCurveServerkeyZ85() (string, error)
	GetIdentity() (string, error)
	GetImmediate() (bool, error)
	GetInvertMatching() (int, error)
	GetLastEndpoint() (string, error)
	GetLinger() (time.Duration, error)
	GetMaxmsgsize() (int64, error)
	GetPlainUsername() (string, error)
	GetRcvmore() (bool, error)
	GetSndhwm() (int, error)
	GetThreadSafe() (bool, error)
	GetVmciBufferSize() (uint64, error)
	GetVmciConnectTimeout() (time.Duration, error)
	Getusefd() (int, error)
}

// zctx is the Context method set with no type of the package itself.
type zctx interface {
	Term() error
	SetIoThreads(int) error
	SetMaxSockets(int) error
	SetMaxMsgsz(int) error
	SetThreadSchedPolicy(int) error
	SetThreadPriority(int) error
	SetIpv6(bool) error
	GetIoThreads() (int, error)
	GetMaxSockets() (int, error)
}

// zpoller is a Poller seen through closures.
type zpoller struct {
	add            func(zsock) int
	update         func(id int) error
	updateBySocket func(zsock) error
	remove         func(id int) error
	removeBySocket func(zsock) error
	poll           func(all bool) error // with a zero timeout
}

// impl is one implementation of pebbe's API as the audit sees it. Socket
// types and flags are passed as ints: TestConstants checks that both
// packages give them the same values.
type impl struct {
	name       string
	newContext func() (zctx, error)
	newSocket  func(zctx, int) (zsock, error)
	send       func(s zsock, data string, flags int) (int, error)
	recv       func(s zsock, flags int) error
	recvMsg    func(s zsock, flags int) error
	recvMeta   func(s zsock, flags int) error
	recvEvent  func(s zsock, flags int) error
	monitor    func(s zsock, addr string, events int) error
	getType    func(s zsock) error
	getEvents  func(s zsock) error
	getMech    func(s zsock) error
	context    func(s zsock) error
	newPoller  func() zpoller
	proxy      func(front, back, capture zsock) error
	steerable  func(front, back, capture, control zsock) error
	asErrno    func(error) uintptr
	// named are the package's error values, each returned as is.
	named map[string]error
}

// Socket types, flags and the like, with the values both packages use.
const (
	tPAIR     = int(lz.PAIR)
	tPUB      = int(lz.PUB)
	tSUB      = int(lz.SUB)
	tREQ      = int(lz.REQ)
	tREP      = int(lz.REP)
	tDEALER   = int(lz.DEALER)
	tROUTER   = int(lz.ROUTER)
	tPULL     = int(lz.PULL)
	tPUSH     = int(lz.PUSH)
	tXPUB     = int(lz.XPUB)
	tXSUB     = int(lz.XSUB)
	tSTREAM   = int(lz.STREAM)
	fDONTWAIT = int(lz.DONTWAIT)
	fSNDMORE  = int(lz.SNDMORE)
	evALL     = int(lz.EVENT_ALL)
)

var lzImpl = &impl{
	name:       "libzmq",
	newContext: func() (zctx, error) { return lz.NewContext() },
	newSocket: func(c zctx, t int) (zsock, error) {
		return c.(*lz.Context).NewSocket(lz.Type(t))
	},
	send: func(s zsock, data string, flags int) (int, error) {
		return s.(*lz.Socket).Send(data, lz.Flag(flags))
	},
	recv: func(s zsock, flags int) error {
		_, err := s.(*lz.Socket).Recv(lz.Flag(flags))
		return err
	},
	recvMsg: func(s zsock, flags int) error {
		_, err := s.(*lz.Socket).RecvMessage(lz.Flag(flags))
		return err
	},
	recvMeta: func(s zsock, flags int) error {
		_, _, err := s.(*lz.Socket).RecvBytesWithMetadata(lz.Flag(flags), "Socket-Type")
		return err
	},
	recvEvent: func(s zsock, flags int) error {
		_, _, _, err := s.(*lz.Socket).RecvEvent(lz.Flag(flags))
		return err
	},
	monitor: func(s zsock, addr string, events int) error {
		return s.(*lz.Socket).Monitor(addr, lz.Event(events))
	},
	getType: func(s zsock) error {
		_, err := s.(*lz.Socket).GetType()
		return err
	},
	getEvents: func(s zsock) error {
		_, err := s.(*lz.Socket).GetEvents()
		return err
	},
	getMech: func(s zsock) error {
		_, err := s.(*lz.Socket).GetMechanism()
		return err
	},
	context: func(s zsock) error {
		_, err := s.(*lz.Socket).Context()
		return err
	},
	newPoller: func() zpoller {
		p := lz.NewPoller()
		return zpoller{
			add:    func(s zsock) int { return p.Add(s.(*lz.Socket), lz.POLLIN) },
			update: func(id int) error { _, err := p.Update(id, lz.POLLIN); return err },
			updateBySocket: func(s zsock) error {
				_, err := p.UpdateBySocket(s.(*lz.Socket), lz.POLLIN)
				return err
			},
			remove:         p.Remove,
			removeBySocket: func(s zsock) error { return p.RemoveBySocket(s.(*lz.Socket)) },
			poll: func(all bool) error {
				if all {
					_, err := p.PollAll(0)
					return err
				}
				_, err := p.Poll(0)
				return err
			},
		}
	},
	proxy: func(front, back, capture zsock) error {
		return lz.Proxy(lzSock(front), lzSock(back), lzSock(capture))
	},
	steerable: func(front, back, capture, control zsock) error {
		return lz.ProxySteerable(lzSock(front), lzSock(back), lzSock(capture), lzSock(control))
	},
	asErrno: func(err error) uintptr { return uintptr(lz.AsErrno(err)) },
	named: map[string]error{
		"ErrorContextClosed":         lz.ErrorContextClosed,
		"ErrorSocketClosed":          lz.ErrorSocketClosed,
		"ErrorMoreExpected":          lz.ErrorMoreExpected,
		"ErrorNoSocket":              lz.ErrorNoSocket,
		"ErrorNotImplemented405":     lz.ErrorNotImplemented405,
		"ErrorNotImplemented41":      lz.ErrorNotImplemented41,
		"ErrorNotImplemented42":      lz.ErrorNotImplemented42,
		"ErrorNotImplementedWindows": lz.ErrorNotImplementedWindows,
	},
}

var mqImpl = &impl{
	name:       "monocoque",
	newContext: func() (zctx, error) { return mq.NewContext() },
	newSocket: func(c zctx, t int) (zsock, error) {
		return c.(*mq.Context).NewSocket(mq.Type(t))
	},
	send: func(s zsock, data string, flags int) (int, error) {
		return s.(*mq.Socket).Send(data, mq.Flag(flags))
	},
	recv: func(s zsock, flags int) error {
		_, err := s.(*mq.Socket).Recv(mq.Flag(flags))
		return err
	},
	recvMsg: func(s zsock, flags int) error {
		_, err := s.(*mq.Socket).RecvMessage(mq.Flag(flags))
		return err
	},
	recvMeta: func(s zsock, flags int) error {
		_, _, err := s.(*mq.Socket).RecvBytesWithMetadata(mq.Flag(flags), "Socket-Type")
		return err
	},
	recvEvent: func(s zsock, flags int) error {
		_, _, _, err := s.(*mq.Socket).RecvEvent(mq.Flag(flags))
		return err
	},
	monitor: func(s zsock, addr string, events int) error {
		return s.(*mq.Socket).Monitor(addr, mq.Event(events))
	},
	getType: func(s zsock) error {
		_, err := s.(*mq.Socket).GetType()
		return err
	},
	getEvents: func(s zsock) error {
		_, err := s.(*mq.Socket).GetEvents()
		return err
	},
	getMech: func(s zsock) error {
		_, err := s.(*mq.Socket).GetMechanism()
		return err
	},
	context: func(s zsock) error {
		_, err := s.(*mq.Socket).Context()
		return err
	},
	newPoller: func() zpoller {
		p := mq.NewPoller()
		return zpoller{
			add:    func(s zsock) int { return p.Add(s.(*mq.Socket), mq.POLLIN) },
			update: func(id int) error { _, err := p.Update(id, mq.POLLIN); return err },
			updateBySocket: func(s zsock) error {
				_, err := p.UpdateBySocket(s.(*mq.Socket), mq.POLLIN)
				return err
			},
			remove:         p.Remove,
			removeBySocket: func(s zsock) error { return p.RemoveBySocket(s.(*mq.Socket)) },
			poll: func(all bool) error {
				if all {
					_, err := p.PollAll(0)
					return err
				}
				_, err := p.Poll(0)
				return err
			},
		}
	},
	proxy: func(front, back, capture zsock) error {
		return mq.Proxy(mqSock(front), mqSock(back), mqSock(capture))
	},
	steerable: func(front, back, capture, control zsock) error {
		return mq.ProxySteerable(mqSock(front), mqSock(back), mqSock(capture), mqSock(control))
	},
	asErrno: func(err error) uintptr { return uintptr(mq.AsErrno(err)) },
	named: map[string]error{
		"ErrorContextClosed":         mq.ErrorContextClosed,
		"ErrorSocketClosed":          mq.ErrorSocketClosed,
		"ErrorMoreExpected":          mq.ErrorMoreExpected,
		"ErrorNoSocket":              mq.ErrorNoSocket,
		"ErrorNotImplemented405":     mq.ErrorNotImplemented405,
		"ErrorNotImplemented41":      mq.ErrorNotImplemented41,
		"ErrorNotImplemented42":      mq.ErrorNotImplemented42,
		"ErrorNotImplementedWindows": mq.ErrorNotImplementedWindows,
	},
}

// lzSock and mqSock turn a nil zsock into a nil *Socket (an optional
// capture or control socket).
func lzSock(s zsock) *lz.Socket {
	if s == nil {
		return nil
	}
	return s.(*lz.Socket)
}

func mqSock(s zsock) *mq.Socket {
	if s == nil {
		return nil
	}
	return s.(*mq.Socket)
}

// Results, as describe gives them.
const (
	success       = "success"
	sockClosed    = "ErrorSocketClosed"
	ctxClosed     = "ErrorContextClosed"
	noSocket      = "ErrorNoSocket"
	eINVAL        = "EINVAL"
	eAGAIN        = "EAGAIN"
	eNOENT        = "ENOENT"
	eNOTSUP       = "ENOTSUP"
	ePROTO        = "EPROTONOSUPPORT"
	eNOCOMPAT     = "ENOCOMPATPROTO"
	eHOSTUNREACH  = "EHOSTUNREACH"
	eFSM          = "EFSM"
	eTERM         = "ETERM"
	eMFILE        = "EMFILE"
	eNAMETOOLONG  = "ENAMETOOLONG"
	eNODEV        = "ENODEV"
	eADDRNOTAVAIL = "EADDRNOTAVAIL"
)

var errnoNames = map[uintptr]string{
	uintptr(syscall.EINVAL):          eINVAL,
	uintptr(syscall.EAGAIN):          eAGAIN,
	uintptr(syscall.ENOENT):          eNOENT,
	uintptr(syscall.ENOTSUP):         eNOTSUP,
	uintptr(syscall.EPROTONOSUPPORT): ePROTO,
	uintptr(syscall.EHOSTUNREACH):    eHOSTUNREACH,
	uintptr(syscall.EMFILE):          eMFILE,
	uintptr(syscall.ENAMETOOLONG):    eNAMETOOLONG,
	uintptr(syscall.ENODEV):          eNODEV,
	uintptr(syscall.EADDRNOTAVAIL):   eADDRNOTAVAIL,
	uintptr(syscall.EADDRINUSE):      "EADDRINUSE",
	uintptr(syscall.EACCES):          "EACCES",
	uintptr(syscall.ENOTSOCK):        "ENOTSOCK",
	uintptr(syscall.EFAULT):          "EFAULT",
	uintptr(lz.EFSM):                 eFSM,
	uintptr(lz.ETERM):                eTERM,
	uintptr(lz.ENOCOMPATPROTO):       eNOCOMPAT,
	uintptr(lz.EMTHREAD):             "EMTHREAD",
}

// describe names an error: "success", the name of one of the package's
// error values, the name of an errno, or the error's type and text.
func (im *impl) describe(err error) string {
	if err == nil {
		return success
	}
	for name, v := range im.named {
		if errors.Is(err, v) {
			return name
		}
	}
	if n := im.asErrno(err); n != 0 {
		if name, ok := errnoNames[n]; ok {
			return name
		}
		return fmt.Sprintf("errno %d (%v)", n, lz.Errno(n))
	}
	return fmt.Sprintf("%T %q", err, err)
}

// env is what a case runs in: a fresh context of one implementation.
type env struct {
	t     *testing.T
	im    *impl
	ctx   zctx
	socks []zsock
	// term is set once the case has started terminating the context.
	term chan error
	// notes are the values the case saw besides the error (bytes sent).
	notes []string
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: setup: %v", e.im.name, err)
	}
}

// sock makes a socket that drops its queue when closed.
func (e *env) sock(typ int) zsock {
	e.t.Helper()
	s, err := e.im.newSocket(e.ctx, typ)
	e.must(err)
	e.socks = append(e.socks, s)
	e.must(s.SetLinger(0))
	return s
}

// closed makes a socket and closes it.
func (e *env) closed(typ int) zsock {
	e.t.Helper()
	s := e.sock(typ)
	e.must(s.Close())
	return s
}

// bind binds s to an ephemeral loopback port and returns the endpoint.
func (e *env) bind(s zsock) string {
	e.t.Helper()
	e.must(s.Bind("tcp://127.0.0.1:*"))
	ep, err := s.GetLastEndpoint()
	e.must(err)
	return ep
}

// pair binds a socket of type server and connects one of type client to it
// over inproc.
func (e *env) pair(server, client int) (zsock, zsock) {
	e.t.Helper()
	srv, cli := e.sock(server), e.sock(client)
	e.must(srv.Bind("inproc://audit-pair"))
	e.must(cli.Connect("inproc://audit-pair"))
	return srv, cli
}

// terminating makes a socket and starts terminating the context, and
// returns once the socket has seen the termination (libzmq reports it
// only after the socket processed its stop command: GetEvents makes it).
func (e *env) terminating(typ int) zsock {
	e.t.Helper()
	s := e.sock(typ)
	canary := e.sock(tPULL)
	e.term = make(chan error, 1)
	go func() { e.term <- e.ctx.Term() }()
	canarySaw := 0
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		if e.im.describe(e.im.getEvents(s)) == eTERM {
			return s
		}
		if e.im.describe(e.im.recv(canary, fDONTWAIT)) == eTERM {
			// The context is terminating; give the socket a moment
			// to see it, in case it reports it some other way.
			if canarySaw++; canarySaw > 20 {
				return s
			}
		}
		time.Sleep(time.Millisecond)
	}
	e.t.Errorf("%s: sockets never saw the context terminate", e.im.name)
	return s
}

// send sends and notes the count Send returned.
func (e *env) send(s zsock, data string, flags int) error {
	n, err := e.im.send(s, data, flags)
	e.notes = append(e.notes, fmt.Sprintf("n=%d", n))
	return err
}

// sendMessage is SendMessage (or SendMessageDontwait), noting the count.
func (e *env) sendMessage(s zsock, dontwait bool, parts ...interface{}) error {
	f := s.SendMessage
	if dontwait {
		f = s.SendMessageDontwait
	}
	n, err := f(parts...)
	e.notes = append(e.notes, fmt.Sprintf("n=%d", n))
	return err
}

// result is what a case gave on one implementation.
type result struct {
	err   string // describe's name of the error
	notes string
}

func (r result) String() string {
	if r.notes == "" {
		return r.err
	}
	return r.err + " (" + r.notes + ")"
}

// runOn runs the case on a fresh context of im and tears it down.
func (c auditCase) runOn(t *testing.T, im *impl) result {
	t.Helper()
	ctx, err := im.newContext()
	if err != nil {
		t.Fatalf("%s: NewContext: %v", im.name, err)
	}
	e := &env{t: t, im: im, ctx: ctx}
	defer func() {
		for _, s := range e.socks {
			s.Close()
		}
		if e.term == nil {
			e.term = make(chan error, 1)
			go func() { e.term <- ctx.Term() }()
		}
		select {
		case err := <-e.term:
			if err != nil {
				t.Errorf("%s: Term: %v", im.name, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: Term did not return", im.name)
		}
	}()
	err = c.run(e)
	return result{err: im.describe(err), notes: strings.Join(e.notes, ", ")}
}

// auditCase is one call with input a program can get wrong.
type auditCase struct {
	name string
	// want is libzmq 4.3's result, as its source and manual give it: a
	// check on the case itself, which shows a case that tests something
	// else than its name says. "" leaves it unchecked (the result depends
	// on how libzmq was built, or is an accident of its code).
	want string
	run  func(e *env) error
}

// TestErrorAudit runs every case on both implementations and compares the
// results.
func TestErrorAudit(t *testing.T) {
	var cases []auditCase
	for _, group := range [][]auditCase{
		socketCases(), closedCases(), termCases(), endpointCases(), unbindCases(),
		setCases(), getCases(), sendRecvCases(), monitorCases(), contextCases(),
		pollerProxyCases(),
	} {
		cases = append(cases, group...)
	}
	seen := make(map[string]bool)
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			lib := c.runOn(t, lzImpl)
			our := c.runOn(t, mqImpl)
			if c.want != "" && lib.err != c.want {
				t.Errorf("libzmq gave %v, expected %v: the case is wrong", lib, c.want)
			}
			if our != lib {
				t.Errorf("monocoque gave %v, libzmq %v", our, lib)
			}
		})
	}
}

func socketCases() []auditCase {
	newSocket := func(typ int) func(e *env) error {
		return func(e *env) error {
			s, err := e.im.newSocket(e.ctx, typ)
			if err == nil {
				e.socks = append(e.socks, s)
			}
			return err
		}
	}
	return []auditCase{
		{"NewSocket type -1", eINVAL, newSocket(-1)},
		{"NewSocket type 100", eINVAL, newSocket(100)},
		{"Close of a socket NewSocket refused", eINVAL, func(e *env) error {
			s, err := e.im.newSocket(e.ctx, 100)
			if err == nil {
				e.t.Fatalf("%s: NewSocket(100) succeeded", e.im.name)
			}
			return s.Close()
		}},
		{"Bind on a socket NewSocket refused", sockClosed, func(e *env) error {
			s, _ := e.im.newSocket(e.ctx, 100)
			return s.Bind("inproc://refused")
		}},
		{"NewSocket past MAX_SOCKETS", eMFILE, func(e *env) error {
			e.must(e.ctx.SetMaxSockets(1))
			e.sock(tPUSH)
			return newSocket(tPULL)(e)
		}},
	}
}

// closedCases: every family of calls on a closed socket.
func closedCases() []auditCase {
	on := func(typ int, f func(e *env, s zsock) error) func(e *env) error {
		return func(e *env) error { return f(e, e.closed(typ)) }
	}
	type call struct {
		name string
		f    func(e *env, s zsock) error
	}
	calls := []call{
		{"Close", func(e *env, s zsock) error { return s.Close() }},
		{"Bind", func(e *env, s zsock) error { return s.Bind("tcp://127.0.0.1:*") }},
		{"Bind malformed", func(e *env, s zsock) error { return s.Bind("nonsense") }},
		{"Connect", func(e *env, s zsock) error { return s.Connect("tcp://127.0.0.1:5555") }},
		{"Unbind", func(e *env, s zsock) error { return s.Unbind("tcp://127.0.0.1:5555") }},
		{"Disconnect", func(e *env, s zsock) error { return s.Disconnect("tcp://127.0.0.1:5555") }},
		{"Send", func(e *env, s zsock) error { return e.send(s, "x", fDONTWAIT) }},
		{"SendMessage", func(e *env, s zsock) error { return e.sendMessage(s, false, "a", "b") }},
		{"Recv", func(e *env, s zsock) error { return e.im.recv(s, fDONTWAIT) }},
		{"RecvMessage", func(e *env, s zsock) error { return e.im.recvMsg(s, fDONTWAIT) }},
		{"RecvBytesWithMetadata", func(e *env, s zsock) error { return e.im.recvMeta(s, fDONTWAIT) }},
		{"RecvEvent", func(e *env, s zsock) error { return e.im.recvEvent(s, fDONTWAIT) }},
		{"Monitor", func(e *env, s zsock) error { return e.im.monitor(s, "inproc://mon", evALL) }},
		{"Context", func(e *env, s zsock) error { return e.im.context(s) }},
		{"GetType", func(e *env, s zsock) error { return e.im.getType(s) }},
		{"GetEvents", func(e *env, s zsock) error { return e.im.getEvents(s) }},
		{"GetMechanism", func(e *env, s zsock) error { return e.im.getMech(s) }},
		{"SetSndhwm (int)", func(e *env, s zsock) error { return s.SetSndhwm(10) }},
		{"SetSndhwm out of range", func(e *env, s zsock) error { return s.SetSndhwm(-1) }},
		{"SetAffinity (uint64)", func(e *env, s zsock) error { return s.SetAffinity(1) }},
		{"SetMaxmsgsize (int64)", func(e *env, s zsock) error { return s.SetMaxmsgsize(100) }},
		{"SetImmediate (bool)", func(e *env, s zsock) error { return s.SetImmediate(true) }},
		{"SetConflate (bool)", func(e *env, s zsock) error { return s.SetConflate(true) }},
		{"SetLinger (duration)", func(e *env, s zsock) error { return s.SetLinger(time.Second) }},
		{"SetHeartbeatTtl (duration)", func(e *env, s zsock) error { return s.SetHeartbeatTtl(time.Second) }},
		{"SetIdentity (string)", func(e *env, s zsock) error { return s.SetIdentity("id") }},
		{"SetSubscribe (string)", func(e *env, s zsock) error { return s.SetSubscribe("") }},
		{"SetPlainUsername empty (null string)", func(e *env, s zsock) error { return s.SetPlainUsername("") }},
		{"SetConnectRid empty (null string)", func(e *env, s zsock) error { return s.SetConnectRid("") }},
		{"SetTcpAcceptFilter empty (null string)", func(e *env, s zsock) error { return s.SetTcpAcceptFilter("") }},
		{"SetCurvePublickey (key)", func(e *env, s zsock) error { return s.SetCurvePublickey(strings.Repeat("k", 32)) }},
		{"SetCurvePublickey wrong length", func(e *env, s zsock) error { return s.SetCurvePublickey("short") }},
		{"SetVmciBufferSize (uint64)", func(e *env, s zsock) error { return s.SetVmciBufferSize(1) }},
		{"GetSndhwm (int)", func(e *env, s zsock) error { _, err := s.GetSndhwm(); return err }},
		{"GetAffinity (uint64)", func(e *env, s zsock) error { _, err := s.GetAffinity(); return err }},
		{"GetMaxmsgsize (int64)", func(e *env, s zsock) error { _, err := s.GetMaxmsgsize(); return err }},
		{"GetImmediate (bool)", func(e *env, s zsock) error { _, err := s.GetImmediate(); return err }},
		{"GetRcvmore (bool)", func(e *env, s zsock) error { _, err := s.GetRcvmore(); return err }},
		{"GetLinger (duration)", func(e *env, s zsock) error { _, err := s.GetLinger(); return err }},
		{"GetIdentity (string)", func(e *env, s zsock) error { _, err := s.GetIdentity(); return err }},
		{"GetLastEndpoint (string)", func(e *env, s zsock) error { _, err := s.GetLastEndpoint(); return err }},
		{"GetCurvePublickeyRaw (key)", func(e *env, s zsock) error { _, err := s.GetCurvePublickeyRaw(); return err }},
		{"GetCurvePublickeykeyZ85 (key)", func(e *env, s zsock) error { _, err := s.GetCurvePublickeykeyZ85(); return err }},
		{"GetVmciBufferSize (uint64)", func(e *env, s zsock) error { _, err := s.GetVmciBufferSize(); return err }},
		{"Getusefd", func(e *env, s zsock) error { _, err := s.Getusefd(); return err }},
	}
	var cases []auditCase
	for _, c := range calls {
		want := sockClosed
		if c.name == "Close" {
			want = success
		}
		cases = append(cases, auditCase{"closed socket: " + c.name, want, on(tPUSH, c.f)})
	}
	return cases
}

// termCases: calls on a socket whose context is being terminated.
func termCases() []auditCase {
	on := func(typ int, f func(e *env, s zsock) error) func(e *env) error {
		return func(e *env) error { return f(e, e.terminating(typ)) }
	}
	type call struct {
		name string
		typ  int
		want string
		f    func(e *env, s zsock) error
	}
	calls := []call{
		{"Bind", tPULL, eTERM, func(e *env, s zsock) error { return s.Bind("tcp://127.0.0.1:*") }},
		{"Connect", tPULL, eTERM, func(e *env, s zsock) error { return s.Connect("tcp://127.0.0.1:5555") }},
		{"Unbind", tPULL, eTERM, func(e *env, s zsock) error { return s.Unbind("tcp://127.0.0.1:5555") }},
		{"Disconnect", tPULL, eTERM, func(e *env, s zsock) error { return s.Disconnect("tcp://127.0.0.1:5555") }},
		{"Send", tPUSH, eTERM, func(e *env, s zsock) error { return e.send(s, "x", fDONTWAIT) }},
		{"Send blocking", tPUSH, eTERM, func(e *env, s zsock) error { return e.send(s, "x", 0) }},
		{"Recv", tPULL, eTERM, func(e *env, s zsock) error { return e.im.recv(s, fDONTWAIT) }},
		{"Recv blocking", tPULL, eTERM, func(e *env, s zsock) error { return e.im.recv(s, 0) }},
		{"Monitor", tPULL, eTERM, func(e *env, s zsock) error { return e.im.monitor(s, "inproc://mon", evALL) }},
		{"SetSndhwm (int)", tPULL, eTERM, func(e *env, s zsock) error { return s.SetSndhwm(10) }},
		{"SetImmediate (bool)", tPULL, eTERM, func(e *env, s zsock) error { return s.SetImmediate(true) }},
		{"SetLinger (duration)", tPULL, eTERM, func(e *env, s zsock) error { return s.SetLinger(time.Second) }},
		{"SetIdentity (string)", tPULL, eTERM, func(e *env, s zsock) error { return s.SetIdentity("id") }},
		{"GetSndhwm (int)", tPULL, eTERM, func(e *env, s zsock) error { _, err := s.GetSndhwm(); return err }},
		{"GetRcvmore (bool)", tPULL, eTERM, func(e *env, s zsock) error { _, err := s.GetRcvmore(); return err }},
		{"GetLinger (duration)", tPULL, eTERM, func(e *env, s zsock) error { _, err := s.GetLinger(); return err }},
		{"GetIdentity (string)", tPULL, eTERM, func(e *env, s zsock) error { _, err := s.GetIdentity(); return err }},
		{"GetType", tPULL, eTERM, func(e *env, s zsock) error { return e.im.getType(s) }},
		{"Poll", tPULL, eTERM, func(e *env, s zsock) error {
			p := e.im.newPoller()
			p.add(s)
			return p.poll(false)
		}},
		{"Close", tPULL, success, func(e *env, s zsock) error { return s.Close() }},
	}
	var cases []auditCase
	for _, c := range calls {
		cases = append(cases, auditCase{"terminated context: " + c.name, c.want, on(c.typ, c.f)})
	}
	return cases
}

// longIPC is an ipc path longer than a sockaddr_un holds (108 bytes).
var longIPC = "ipc:///tmp/" + strings.Repeat("x", 120)

// endpointCases: Bind, Connect, Unbind and Disconnect of malformed
// endpoints, on a PULL socket with nothing bound or connected.
func endpointCases() []auditCase {
	type input struct {
		what, ep              string
		bind, connect, unbind string // libzmq's results; unbind for Disconnect too
	}
	inputs := []input{
		{"empty", "", eINVAL, eINVAL, eINVAL},
		{"no ://", "127.0.0.1:5555", eINVAL, eINVAL, eINVAL},
		{"empty transport", "://127.0.0.1:5555", eINVAL, eINVAL, eINVAL},
		{"unknown transport", "carrier-pigeon://127.0.0.1:5555", ePROTO, ePROTO, ePROTO},
		{"unknown transport, empty address", "carrier-pigeon://", eINVAL, eINVAL, eINVAL},
		{"udp on a PULL", "udp://127.0.0.1:5555", eNOCOMPAT, eNOCOMPAT, eNOCOMPAT},
		{"tcp empty address", "tcp://", eINVAL, eINVAL, eINVAL},
		{"tcp without port", "tcp://127.0.0.1", eINVAL, eINVAL, eNOENT},
		{"tcp empty port", "tcp://127.0.0.1:", eINVAL, eINVAL, eNOENT},
		{"tcp non-numeric port", "tcp://127.0.0.1:abc", eINVAL, eINVAL, eNOENT},
		{"tcp service name as port", "tcp://127.0.0.1:http", eINVAL, eINVAL, eNOENT},
		{"tcp port out of range", "tcp://127.0.0.1:65536", eINVAL, success, eNOENT},
		{"tcp empty host", "tcp://:5555", "", success, eNOENT},
		{"tcp host with spaces", "tcp://in val id:1234", eNODEV, eINVAL, eNOENT},
		{"tcp host with illegal characters", "tcp://bad!host:1234", eNODEV, eINVAL, eNOENT},
		{"tcp host name", "tcp://localhost:5555", eNODEV, success, eNOENT},
		{"tcp address not on this host", "tcp://192.0.2.1:5555", eADDRNOTAVAIL, success, eNOENT},
		{"tcp wildcard host", "tcp://*:5555", "", eINVAL, eNOENT},
		{"tcp wildcard port", "tcp://127.0.0.1:*", "", eINVAL, eNOENT},
		{"ipc empty path", "ipc://", eINVAL, eINVAL, eINVAL},
		{"ipc empty abstract name", "ipc://@", eINVAL, eINVAL, eNOENT},
		{"ipc path too long", longIPC, eNAMETOOLONG, eNAMETOOLONG, eNOENT},
		{"inproc empty name", "inproc://", eINVAL, eINVAL, eINVAL},
	}
	var cases []auditCase
	for _, in := range inputs {
		in := in
		show := in.ep
		if len(show) > 40 {
			show = fmt.Sprintf("%s... (%d bytes)", show[:16], len(show))
		}
		op := func(f func(s zsock, ep string) error) func(e *env) error {
			return func(e *env) error { return f(e.sock(tPULL), in.ep) }
		}
		if in.bind != "" {
			cases = append(cases, auditCase{fmt.Sprintf("Bind %s %q", in.what, show), in.bind,
				op(zsock.Bind)})
		}
		cases = append(cases,
			auditCase{fmt.Sprintf("Connect %s %q", in.what, show), in.connect, op(zsock.Connect)},
			auditCase{fmt.Sprintf("Unbind %s %q", in.what, show), in.unbind, op(zsock.Unbind)},
			auditCase{fmt.Sprintf("Disconnect %s %q", in.what, show), in.unbind, op(zsock.Disconnect)},
		)
	}
	return cases
}

// unbindCases: Unbind and Disconnect of endpoints in every state.
func unbindCases() []auditCase {
	return []auditCase{
		{"Unbind tcp never bound", eNOENT, func(e *env) error {
			return e.sock(tPULL).Unbind("tcp://127.0.0.1:5555")
		}},
		{"Disconnect tcp never connected", eNOENT, func(e *env) error {
			return e.sock(tPULL).Disconnect("tcp://127.0.0.1:5555")
		}},
		{"Unbind inproc never bound", eNOENT, func(e *env) error {
			return e.sock(tPULL).Unbind("inproc://never")
		}},
		{"Disconnect inproc never connected", eNOENT, func(e *env) error {
			return e.sock(tPULL).Disconnect("inproc://never")
		}},
		{"Unbind ipc never bound", eNOENT, func(e *env) error {
			return e.sock(tPULL).Unbind("ipc:///tmp/monocoque-audit-never-bound")
		}},
		{"Disconnect ipc never connected", eNOENT, func(e *env) error {
			return e.sock(tPULL).Disconnect("ipc:///tmp/monocoque-audit-never-bound")
		}},
		{"Unbind tcp twice", eNOENT, func(e *env) error {
			s := e.sock(tPULL)
			ep := e.bind(s)
			e.must(s.Unbind(ep))
			return s.Unbind(ep)
		}},
		{"Disconnect tcp twice", eNOENT, func(e *env) error {
			s := e.sock(tPUSH)
			e.must(s.Connect("tcp://127.0.0.1:5555"))
			e.must(s.Disconnect("tcp://127.0.0.1:5555"))
			return s.Disconnect("tcp://127.0.0.1:5555")
		}},
		{"Unbind the wildcard endpoint given to Bind", eNOENT, func(e *env) error {
			s := e.sock(tPULL)
			e.bind(s)
			return s.Unbind("tcp://127.0.0.1:*")
		}},
		{"Unbind by host name of a bound address", success, func(e *env) error {
			s := e.sock(tPULL)
			ep := e.bind(s)
			return s.Unbind(strings.Replace(ep, "127.0.0.1", "localhost", 1))
		}},
		{"Unbind of a Connect-ed tcp endpoint", success, func(e *env) error {
			s := e.sock(tPUSH)
			e.must(s.Connect("tcp://127.0.0.1:5555"))
			return s.Unbind("tcp://127.0.0.1:5555")
		}},
		{"Disconnect of a Bind-ed tcp endpoint", success, func(e *env) error {
			s := e.sock(tPULL)
			return s.Disconnect(e.bind(s))
		}},
		{"Unbind of a Connect-ed inproc endpoint", success, func(e *env) error {
			e.must(e.sock(tPULL).Bind("inproc://audit"))
			s := e.sock(tPUSH)
			e.must(s.Connect("inproc://audit"))
			return s.Unbind("inproc://audit")
		}},
		{"Disconnect of a Bind-ed inproc endpoint", success, func(e *env) error {
			s := e.sock(tPULL)
			e.must(s.Bind("inproc://audit"))
			return s.Disconnect("inproc://audit")
		}},
		{"Unbind of an inproc endpoint another socket bound", eNOENT, func(e *env) error {
			e.must(e.sock(tPULL).Bind("inproc://audit"))
			return e.sock(tPULL).Unbind("inproc://audit")
		}},
		{"Bind ipc in a missing directory", eNOENT, func(e *env) error {
			return e.sock(tPULL).Bind("ipc:///monocoque-audit-missing-dir/socket")
		}},
		{"Connect ipc in a missing directory", success, func(e *env) error {
			return e.sock(tPUSH).Connect("ipc:///monocoque-audit-missing-dir/socket")
		}},
		{"Bind inproc name already bound", "EADDRINUSE", func(e *env) error {
			e.must(e.sock(tPULL).Bind("inproc://audit"))
			return e.sock(tPULL).Bind("inproc://audit")
		}},
	}
}

// setCases: options set to values out of range, or on socket types that
// do not have them.
func setCases() []auditCase {
	set := func(typ int, f func(s zsock) error) func(e *env) error {
		return func(e *env) error { return f(e.sock(typ)) }
	}
	ms := time.Millisecond
	z85Key := "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7" // a valid Z85 key
	return []auditCase{
		// int options.
		{"SetSndhwm -1", eINVAL, set(tPUSH, func(s zsock) error { return s.SetSndhwm(-1) })},
		{"SetRcvhwm -1", eINVAL, set(tPULL, func(s zsock) error { return s.SetRcvhwm(-1) })},
		{"SetSndhwm 2^31 (a negative C int)", eINVAL, set(tPUSH, func(s zsock) error { return s.SetSndhwm(1 << 31) })},
		{"SetSndhwm 2^32 (a C int of 0)", success, set(tPUSH, func(s zsock) error { return s.SetSndhwm(1 << 32) })},
		{"SetBacklog -1", eINVAL, set(tPULL, func(s zsock) error { return s.SetBacklog(-1) })},
		{"SetSndbuf -2", eINVAL, set(tPUSH, func(s zsock) error { return s.SetSndbuf(-2) })},
		{"SetRcvbuf -2", eINVAL, set(tPULL, func(s zsock) error { return s.SetRcvbuf(-2) })},
		{"SetRate 0", eINVAL, set(tPUB, func(s zsock) error { return s.SetRate(0) })},
		{"SetMulticastHops 0", eINVAL, set(tPUB, func(s zsock) error { return s.SetMulticastHops(0) })},
		{"SetMulticastMaxtpdu 0", eINVAL, set(tPUB, func(s zsock) error { return s.SetMulticastMaxtpdu(0) })},
		{"SetTcpKeepalive 2", eINVAL, set(tPUSH, func(s zsock) error { return s.SetTcpKeepalive(2) })},
		{"SetTcpKeepalive -2", eINVAL, set(tPUSH, func(s zsock) error { return s.SetTcpKeepalive(-2) })},
		{"SetTcpKeepaliveCnt -2", eINVAL, set(tPUSH, func(s zsock) error { return s.SetTcpKeepaliveCnt(-2) })},
		{"SetTcpKeepaliveIdle -2", eINVAL, set(tPUSH, func(s zsock) error { return s.SetTcpKeepaliveIdle(-2) })},
		{"SetTcpKeepaliveIntvl -2", eINVAL, set(tPUSH, func(s zsock) error { return s.SetTcpKeepaliveIntvl(-2) })},
		{"SetTos -1", eINVAL, set(tPUSH, func(s zsock) error { return s.SetTos(-1) })},
		{"SetUseFd -2", eINVAL, set(tPULL, func(s zsock) error { return s.SetUseFd(-2) })},
		{"SetPlainServer 2", eINVAL, set(tPULL, func(s zsock) error { return s.SetPlainServer(2) })},
		{"SetCurveServer 2", eINVAL, set(tPULL, func(s zsock) error { return s.SetCurveServer(2) })},
		{"SetCurveServer -1", eINVAL, set(tPULL, func(s zsock) error { return s.SetCurveServer(-1) })},
		{"SetInvertMatching 5 on a PUSH", success, set(tPUSH, func(s zsock) error { return s.SetInvertMatching(5) })},

		// int64 and uint64 options.
		{"SetMaxmsgsize -2", "", set(tPULL, func(s zsock) error { return s.SetMaxmsgsize(-2) })},
		{"SetAffinity max uint64", success, set(tPULL, func(s zsock) error { return s.SetAffinity(math.MaxUint64) })},
		{"SetVmciBufferSize (no VMCI)", "", set(tPULL, func(s zsock) error { return s.SetVmciBufferSize(1) })},
		{"SetVmciConnectTimeout (no VMCI)", "", set(tPULL, func(s zsock) error { return s.SetVmciConnectTimeout(ms) })},

		// Duration options.
		{"SetSndtimeo -2ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetSndtimeo(-2 * ms) })},
		{"SetSndtimeo -1ms", success, set(tPUSH, func(s zsock) error { return s.SetSndtimeo(-ms) })},
		{"SetSndtimeo 30 days (past a C int of ms)", eINVAL, set(tPUSH, func(s zsock) error { return s.SetSndtimeo(30 * 24 * time.Hour) })},
		{"SetRcvtimeo -2ms", eINVAL, set(tPULL, func(s zsock) error { return s.SetRcvtimeo(-2 * ms) })},
		{"SetLinger -2ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetLinger(-2 * ms) })},
		{"SetReconnectIvl -2ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetReconnectIvl(-2 * ms) })},
		{"SetReconnectIvlMax -1ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetReconnectIvlMax(-ms) })},
		{"SetRecoveryIvl -1ms", eINVAL, set(tPUB, func(s zsock) error { return s.SetRecoveryIvl(-ms) })},
		{"SetHandshakeIvl -1ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetHandshakeIvl(-ms) })},
		{"SetConnectTimeout -1ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetConnectTimeout(-ms) })},
		{"SetTcpMaxrt -1ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetTcpMaxrt(-ms) })},
		{"SetHeartbeatIvl -1ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetHeartbeatIvl(-ms) })},
		{"SetHeartbeatTimeout -1ms", "", set(tPUSH, func(s zsock) error { return s.SetHeartbeatTimeout(-ms) })},
		{"SetHeartbeatTimeout -2ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetHeartbeatTimeout(-2 * ms) })},
		{"SetHeartbeatTtl 6553600ms (too big)", eINVAL, set(tPUSH, func(s zsock) error { return s.SetHeartbeatTtl(6553600 * ms) })},
		{"SetHeartbeatTtl 6553599ms (the largest)", success, set(tPUSH, func(s zsock) error { return s.SetHeartbeatTtl(6553599 * ms) })},
		{"SetHeartbeatTtl -100ms", eINVAL, set(tPUSH, func(s zsock) error { return s.SetHeartbeatTtl(-100 * ms) })},
		{"SetHeartbeatTtl -50ms (rounds to 0 deciseconds)", "", set(tPUSH, func(s zsock) error { return s.SetHeartbeatTtl(-50 * ms) })},

		// Routing ids.
		{"SetIdentity empty", eINVAL, set(tDEALER, func(s zsock) error { return s.SetIdentity("") })},
		{"SetIdentity 256 bytes", eINVAL, set(tDEALER, func(s zsock) error { return s.SetIdentity(strings.Repeat("i", 256)) })},
		{"SetIdentity 255 bytes", success, set(tDEALER, func(s zsock) error { return s.SetIdentity(strings.Repeat("i", 255)) })},
		{"SetIdentity starting with a zero byte", "", set(tDEALER, func(s zsock) error { return s.SetIdentity("\x00id") })},
		{"SetConnectRid on a DEALER", eINVAL, set(tDEALER, func(s zsock) error { return s.SetConnectRid("peer") })},
		{"SetConnectRid on a PUSH", eINVAL, set(tPUSH, func(s zsock) error { return s.SetConnectRid("peer") })},
		{"SetConnectRid empty on a ROUTER", eINVAL, set(tROUTER, func(s zsock) error { return s.SetConnectRid("") })},
		{"SetConnectRid 256 bytes on a ROUTER", "", set(tROUTER, func(s zsock) error { return s.SetConnectRid(strings.Repeat("r", 256)) })},
		{"SetConnectRid on a STREAM", success, set(tSTREAM, func(s zsock) error { return s.SetConnectRid("peer") })},

		// CURVE keys.
		{"SetCurvePublickey 31 bytes", eINVAL, set(tDEALER, func(s zsock) error { return s.SetCurvePublickey(strings.Repeat("k", 31)) })},
		{"SetCurvePublickey 33 bytes", eINVAL, set(tDEALER, func(s zsock) error { return s.SetCurvePublickey(strings.Repeat("k", 33)) })},
		{"SetCurvePublickey empty", eINVAL, set(tDEALER, func(s zsock) error { return s.SetCurvePublickey("") })},
		{"SetCurveSecretkey 39 Z85 characters", eINVAL, set(tDEALER, func(s zsock) error { return s.SetCurveSecretkey(z85Key[:39]) })},
		{"SetCurveSecretkey 41 Z85 characters", eINVAL, set(tDEALER, func(s zsock) error { return s.SetCurveSecretkey(z85Key + "0") })},
		{"SetCurveSecretkey 40 Z85 characters and a NUL", success, set(tDEALER, func(s zsock) error { return s.SetCurveSecretkey(z85Key + "\x00") })},
		{"SetCurveServerkey 40 characters not Z85", eINVAL, set(tDEALER, func(s zsock) error { return s.SetCurveServerkey(strings.Repeat(" ", 40)) })},
		{"SetCurveServerkey 40 Z85 characters", success, set(tDEALER, func(s zsock) error { return s.SetCurveServerkey(z85Key) })},

		// Other string options.
		{"SetPlainUsername 256 bytes", eINVAL, set(tDEALER, func(s zsock) error { return s.SetPlainUsername(strings.Repeat("u", 256)) })},
		{"SetPlainPassword 256 bytes", eINVAL, set(tDEALER, func(s zsock) error { return s.SetPlainPassword(strings.Repeat("p", 256)) })},
		{"SetZapDomain 256 bytes", eINVAL, set(tDEALER, func(s zsock) error { return s.SetZapDomain(strings.Repeat("d", 256)) })},
		{"SetZapDomain empty", eINVAL, set(tDEALER, func(s zsock) error { return s.SetZapDomain("") })},
		{"SetSocksProxy 300 bytes", success, set(tDEALER, func(s zsock) error { return s.SetSocksProxy(strings.Repeat("s", 300)) })},
		{"SetTcpAcceptFilter not an address", eINVAL, set(tPULL, func(s zsock) error { return s.SetTcpAcceptFilter("not an address") })},
		{"SetTcpAcceptFilter empty (clear)", success, set(tPULL, func(s zsock) error { return s.SetTcpAcceptFilter("") })},

		// Socket-type-specific options on other types, or out of range.
		{"SetSubscribe on a PUB", eINVAL, set(tPUB, func(s zsock) error { return s.SetSubscribe("x") })},
		{"SetSubscribe on a PUSH", eINVAL, set(tPUSH, func(s zsock) error { return s.SetSubscribe("") })},
		{"SetSubscribe on an XSUB", "", set(tXSUB, func(s zsock) error { return s.SetSubscribe("x") })},
		{"SetUnsubscribe on a PULL", eINVAL, set(tPULL, func(s zsock) error { return s.SetUnsubscribe("x") })},
		{"SetUnsubscribe never subscribed on a SUB", success, set(tSUB, func(s zsock) error { return s.SetUnsubscribe("x") })},
		{"SetRouterMandatory on a DEALER", eINVAL, set(tDEALER, func(s zsock) error { return s.SetRouterMandatory(1) })},
		{"SetRouterMandatory on a PUSH", eINVAL, set(tPUSH, func(s zsock) error { return s.SetRouterMandatory(1) })},
		{"SetRouterMandatory -1 on a ROUTER", eINVAL, set(tROUTER, func(s zsock) error { return s.SetRouterMandatory(-1) })},
		{"SetRouterMandatory 2 on a ROUTER", success, set(tROUTER, func(s zsock) error { return s.SetRouterMandatory(2) })},
		{"SetRouterHandover on a DEALER", eINVAL, set(tDEALER, func(s zsock) error { return s.SetRouterHandover(true) })},
		{"SetRouterRaw on a DEALER", eINVAL, set(tDEALER, func(s zsock) error { return s.SetRouterRaw(1) })},
		{"SetRouterRaw -1 on a ROUTER", eINVAL, set(tROUTER, func(s zsock) error { return s.SetRouterRaw(-1) })},
		{"SetProbeRouter on a PUSH", eINVAL, set(tPUSH, func(s zsock) error { return s.SetProbeRouter(1) })},
		{"SetProbeRouter on a DEALER", success, set(tDEALER, func(s zsock) error { return s.SetProbeRouter(1) })},
		{"SetProbeRouter -1 on a DEALER", eINVAL, set(tDEALER, func(s zsock) error { return s.SetProbeRouter(-1) })},
		{"SetReqRelaxed on a DEALER", eINVAL, set(tDEALER, func(s zsock) error { return s.SetReqRelaxed(1) })},
		{"SetReqRelaxed -1 on a REQ", eINVAL, set(tREQ, func(s zsock) error { return s.SetReqRelaxed(-1) })},
		{"SetReqCorrelate on a REP", eINVAL, set(tREP, func(s zsock) error { return s.SetReqCorrelate(1) })},
		{"SetStreamNotify on a ROUTER", eINVAL, set(tROUTER, func(s zsock) error { return s.SetStreamNotify(1) })},
		{"SetStreamNotify 2 on a STREAM", eINVAL, set(tSTREAM, func(s zsock) error { return s.SetStreamNotify(2) })},
		// A PUB is an XPUB in libzmq: it takes the XPUB options.
		{"SetXpubVerbose on a PUB", success, set(tPUB, func(s zsock) error { return s.SetXpubVerbose(1) })},
		{"SetXpubVerbose on a SUB", eINVAL, set(tSUB, func(s zsock) error { return s.SetXpubVerbose(1) })},
		{"SetXpubVerbose -1 on an XPUB", eINVAL, set(tXPUB, func(s zsock) error { return s.SetXpubVerbose(-1) })},
		{"SetXpubVerboser on a SUB", eINVAL, set(tSUB, func(s zsock) error { return s.SetXpubVerboser(1) })},
		{"SetXpubVerboser on a PUSH", eINVAL, set(tPUSH, func(s zsock) error { return s.SetXpubVerboser(1) })},
		{"SetXpubNodrop on a PUSH", eINVAL, set(tPUSH, func(s zsock) error { return s.SetXpubNodrop(true) })},
		{"SetXpubManual on an XSUB", eINVAL, set(tXSUB, func(s zsock) error { return s.SetXpubManual(1) })},
		{"SetXpubManual -1 on an XPUB", eINVAL, set(tXPUB, func(s zsock) error { return s.SetXpubManual(-1) })},
		{"SetXpubWelcomeMsg on a DEALER", eINVAL, set(tDEALER, func(s zsock) error { return s.SetXpubWelcomeMsg("hi") })},
		{"SetXpubWelcomeMsg empty on a SUB", eINVAL, set(tSUB, func(s zsock) error { return s.SetXpubWelcomeMsg("") })},
		{"SetXpubWelcomeMsg empty on an XPUB", success, set(tXPUB, func(s zsock) error { return s.SetXpubWelcomeMsg("") })},
	}
}

// getCases: options read on socket types they do not concern, or not
// available.
func getCases() []auditCase {
	get := func(typ int, f func(s zsock) error) func(e *env) error {
		return func(e *env) error { return f(e.sock(typ)) }
	}
	return []auditCase{
		{"GetInvertMatching on a PUSH", success, get(tPUSH, func(s zsock) error { _, err := s.GetInvertMatching(); return err })},
		{"GetRcvmore on a PUSH", success, get(tPUSH, func(s zsock) error { _, err := s.GetRcvmore(); return err })},
		{"GetIdentity on a PUB", success, get(tPUB, func(s zsock) error { _, err := s.GetIdentity(); return err })},
		{"GetPlainUsername without PLAIN", success, get(tPUB, func(s zsock) error { _, err := s.GetPlainUsername(); return err })},
		{"GetCurveServerkeyZ85 without CURVE", success, get(tPUSH, func(s zsock) error { _, err := s.GetCurveServerkeyZ85(); return err })},
		{"GetThreadSafe", success, get(tPUSH, func(s zsock) error { _, err := s.GetThreadSafe(); return err })},
		{"Getusefd", success, get(tPULL, func(s zsock) error { _, err := s.Getusefd(); return err })},
		{"GetVmciBufferSize (no VMCI)", "", get(tPULL, func(s zsock) error { _, err := s.GetVmciBufferSize(); return err })},
		{"GetVmciConnectTimeout (no VMCI)", "", get(tPULL, func(s zsock) error { _, err := s.GetVmciConnectTimeout(); return err })},
	}
}

// sendRecvCases: sending and receiving where the socket type or its state
// does not allow it.
func sendRecvCases() []auditCase {
	sendOn := func(typ, flags int) func(e *env) error {
		return func(e *env) error { return e.send(e.sock(typ), "x", flags) }
	}
	recvOn := func(typ, flags int) func(e *env) error {
		return func(e *env) error { return e.im.recv(e.sock(typ), flags) }
	}
	return []auditCase{
		{"Send on a PULL", eNOTSUP, sendOn(tPULL, fDONTWAIT)},
		{"Send on a SUB", eNOTSUP, sendOn(tSUB, fDONTWAIT)},
		{"Send SNDMORE on a SUB", eNOTSUP, sendOn(tSUB, fDONTWAIT|fSNDMORE)},
		{"Send SNDMORE on a PULL", eNOTSUP, sendOn(tPULL, fDONTWAIT|fSNDMORE)},
		{"Recv on a PUSH", eNOTSUP, recvOn(tPUSH, fDONTWAIT)},
		{"Recv on a PUB", eNOTSUP, recvOn(tPUB, fDONTWAIT)},
		{"Recv blocking on a PUSH", eNOTSUP, recvOn(tPUSH, 0)},
		{"RecvMessage on a PUSH", eNOTSUP, func(e *env) error { return e.im.recvMsg(e.sock(tPUSH), fDONTWAIT) }},
		{"SendMessage on a PULL", eNOTSUP, func(e *env) error { return e.sendMessage(e.sock(tPULL), true, "a", "b") }},
		{"SendMessage with no parts", success, func(e *env) error { return e.sendMessage(e.sock(tPUSH), true) }},
		{"SendMessageDontwait with no peer", eAGAIN, func(e *env) error { return e.sendMessage(e.sock(tPUSH), true, "a", "b") }},
		{"REQ Send twice", eFSM, func(e *env) error {
			_, req := e.pair(tREP, tREQ)
			e.must(e.send(req, "first", 0))
			return e.send(req, "second", fDONTWAIT)
		}},
		{"REQ Recv before Send", eFSM, recvOn(tREQ, fDONTWAIT)},
		{"REQ Recv after a partial request", eFSM, func(e *env) error {
			_, req := e.pair(tREP, tREQ)
			e.must(e.send(req, "part", fSNDMORE))
			return e.im.recv(req, fDONTWAIT)
		}},
		{"REQ Recv with no reply yet", eAGAIN, func(e *env) error {
			_, req := e.pair(tREP, tREQ)
			e.must(e.send(req, "ping", 0))
			return e.im.recv(req, fDONTWAIT)
		}},
		{"REP Send before Recv", eFSM, sendOn(tREP, fDONTWAIT)},
		{"REP Send SNDMORE before Recv", eFSM, sendOn(tREP, fDONTWAIT|fSNDMORE)},
		{"ROUTER_MANDATORY Send to an unknown peer", eHOSTUNREACH, func(e *env) error {
			s := e.sock(tROUTER)
			e.must(s.SetRouterMandatory(1))
			return e.send(s, "nobody", fSNDMORE)
		}},
		{"ROUTER_MANDATORY Send DONTWAIT to an unknown peer", eHOSTUNREACH, func(e *env) error {
			s := e.sock(tROUTER)
			e.must(s.SetRouterMandatory(1))
			return e.send(s, "nobody", fSNDMORE|fDONTWAIT)
		}},
		{"ROUTER Send to an unknown peer (dropped)", success, func(e *env) error {
			s := e.sock(tROUTER)
			e.must(e.send(s, "nobody", fSNDMORE))
			return e.send(s, "body", 0)
		}},
		{"STREAM Send to an unknown peer", eHOSTUNREACH, sendOn(tSTREAM, fSNDMORE|fDONTWAIT)},
		{"Send DONTWAIT on a PUSH with no peer", eAGAIN, sendOn(tPUSH, fDONTWAIT)},
		{"Send DONTWAIT on a DEALER with no peer", eAGAIN, sendOn(tDEALER, fDONTWAIT)},
		{"Send DONTWAIT on a PAIR with no peer", eAGAIN, sendOn(tPAIR, fDONTWAIT)},
		{"Send DONTWAIT on a REQ with no peer", eAGAIN, sendOn(tREQ, fDONTWAIT)},
		{"Send DONTWAIT on a PUB with no subscriber", success, sendOn(tPUB, fDONTWAIT)},
		{"Send SNDMORE DONTWAIT on a PUB with no subscriber", success, sendOn(tPUB, fDONTWAIT|fSNDMORE)},
		{"Recv DONTWAIT on an empty PULL", eAGAIN, recvOn(tPULL, fDONTWAIT)},
		{"Recv DONTWAIT on an empty SUB", eAGAIN, recvOn(tSUB, fDONTWAIT)},
		{"Recv DONTWAIT on an empty ROUTER", eAGAIN, recvOn(tROUTER, fDONTWAIT)},
		{"Recv DONTWAIT on an empty REP", eAGAIN, recvOn(tREP, fDONTWAIT)},
		{"Recv DONTWAIT on an empty STREAM", eAGAIN, recvOn(tSTREAM, fDONTWAIT)},
		{"RecvMessage DONTWAIT on an empty PULL", eAGAIN, func(e *env) error { return e.im.recvMsg(e.sock(tPULL), fDONTWAIT) }},
		{"RecvEvent DONTWAIT on an empty PULL", eAGAIN, func(e *env) error { return e.im.recvEvent(e.sock(tPULL), fDONTWAIT) }},
		{"Recv past RCVTIMEO", eAGAIN, func(e *env) error {
			s := e.sock(tPULL)
			e.must(s.SetRcvtimeo(5 * time.Millisecond))
			return e.im.recv(s, 0)
		}},
		{"Send past SNDTIMEO", eAGAIN, func(e *env) error {
			s := e.sock(tPUSH)
			e.must(s.SetSndtimeo(5 * time.Millisecond))
			return e.send(s, "x", 0)
		}},
	}
}

// monitorCases: Monitor with addresses it does not take.
func monitorCases() []auditCase {
	mon := func(addr string, events int) func(e *env) error {
		return func(e *env) error { return e.im.monitor(e.sock(tPULL), addr, events) }
	}
	return []auditCase{
		{"Monitor on tcp", ePROTO, mon("tcp://127.0.0.1:5555", evALL)},
		{"Monitor on an unknown transport", ePROTO, mon("carrier-pigeon://x", evALL)},
		{"Monitor on a malformed address", eINVAL, mon("nonsense", evALL)},
		{"Monitor on inproc with an empty name", eINVAL, mon("inproc://", evALL)},
		{"Monitor stop when not monitoring", success, mon("", evALL)},
		{"Monitor with an unknown event bit", eINVAL, mon("inproc://mon", 1<<16)},
		{"Monitor with events -1", eINVAL, mon("inproc://mon", -1)},
		{"Monitor stop with an unknown event bit", "", mon("", 1<<16)},
		{"Monitor on tcp with an unknown event bit", "", mon("tcp://127.0.0.1:5555", 1<<16)},
		{"Monitor with a malformed address and an unknown event bit", "", mon("nonsense", 1<<16)},
		{"Monitor twice on the same address", "", func(e *env) error {
			e.must(e.im.monitor(e.sock(tPULL), "inproc://mon", evALL))
			return e.im.monitor(e.sock(tPULL), "inproc://mon", evALL)
		}},
	}
}

// contextCases: context options out of range, and a terminated context.
func contextCases() []auditCase {
	afterTerm := func(f func(e *env, c zctx) error) func(e *env) error {
		return func(e *env) error {
			e.must(e.ctx.Term())
			e.term = make(chan error, 1)
			e.term <- nil
			return f(e, e.ctx)
		}
	}
	return []auditCase{
		{"SetIoThreads -1", eINVAL, func(e *env) error { return e.ctx.SetIoThreads(-1) }},
		{"SetMaxSockets 0", eINVAL, func(e *env) error { return e.ctx.SetMaxSockets(0) }},
		{"SetMaxSockets -1", eINVAL, func(e *env) error { return e.ctx.SetMaxSockets(-1) }},
		{"SetMaxMsgsz -1", eINVAL, func(e *env) error { return e.ctx.SetMaxMsgsz(-1) }},
		{"SetMaxSockets 2^32 (a C int of 0)", eINVAL, func(e *env) error { return e.ctx.SetMaxSockets(1 << 32) }},
		{"SetThreadSchedPolicy -1", "", func(e *env) error { return e.ctx.SetThreadSchedPolicy(-1) }},
		{"SetThreadSchedPolicy -2", eINVAL, func(e *env) error { return e.ctx.SetThreadSchedPolicy(-2) }},
		{"SetThreadPriority -1", "", func(e *env) error { return e.ctx.SetThreadPriority(-1) }},
		{"SetThreadPriority -2", eINVAL, func(e *env) error { return e.ctx.SetThreadPriority(-2) }},
		{"terminated context: NewSocket", ctxClosed, afterTerm(func(e *env, c zctx) error {
			_, err := e.im.newSocket(c, tPUSH)
			return err
		})},
		{"terminated context: SetIoThreads", ctxClosed, afterTerm(func(_ *env, c zctx) error { return c.SetIoThreads(2) })},
		{"terminated context: SetIpv6", ctxClosed, afterTerm(func(_ *env, c zctx) error { return c.SetIpv6(true) })},
		{"terminated context: GetIoThreads", ctxClosed, afterTerm(func(_ *env, c zctx) error { _, err := c.GetIoThreads(); return err })},
		{"terminated context: GetMaxSockets", ctxClosed, afterTerm(func(_ *env, c zctx) error { _, err := c.GetMaxSockets(); return err })},
		{"terminated context: Term again", success, afterTerm(func(_ *env, c zctx) error { return c.Term() })},
	}
}

// pollerProxyCases: Poller and Proxy with closed sockets or unknown ids.
func pollerProxyCases() []auditCase {
	return []auditCase{
		{"Poll with a closed socket", sockClosed, func(e *env) error {
			p := e.im.newPoller()
			p.add(e.sock(tPULL))
			p.add(e.closed(tPULL))
			return p.poll(false)
		}},
		{"PollAll with a closed socket", sockClosed, func(e *env) error {
			p := e.im.newPoller()
			p.add(e.closed(tPULL))
			return p.poll(true)
		}},
		{"Poll with no socket", success, func(e *env) error { return e.im.newPoller().poll(false) }},
		{"Poller Update of an unknown id", noSocket, func(e *env) error {
			p := e.im.newPoller()
			p.add(e.sock(tPULL))
			return p.update(1)
		}},
		{"Poller Update of id -1", noSocket, func(e *env) error { return e.im.newPoller().update(-1) }},
		{"Poller UpdateBySocket of a socket not added", noSocket, func(e *env) error {
			return e.im.newPoller().updateBySocket(e.sock(tPULL))
		}},
		{"Poller Remove of an unknown id", noSocket, func(e *env) error {
			p := e.im.newPoller()
			p.add(e.sock(tPULL))
			return p.remove(1)
		}},
		{"Poller RemoveBySocket of a socket not added", noSocket, func(e *env) error {
			return e.im.newPoller().removeBySocket(e.sock(tPULL))
		}},
		{"Proxy with a closed frontend", sockClosed, func(e *env) error {
			return e.im.proxy(e.closed(tROUTER), e.sock(tDEALER), nil)
		}},
		{"Proxy with a closed backend", sockClosed, func(e *env) error {
			return e.im.proxy(e.sock(tROUTER), e.closed(tDEALER), nil)
		}},
		{"Proxy with a closed capture", sockClosed, func(e *env) error {
			return e.im.proxy(e.sock(tROUTER), e.sock(tDEALER), e.closed(tPUSH))
		}},
		{"ProxySteerable with a closed control", sockClosed, func(e *env) error {
			return e.im.steerable(e.sock(tROUTER), e.sock(tDEALER), nil, e.closed(tPAIR))
		}},
		{"Proxy on sockets of a terminated context", eTERM, func(e *env) error {
			back := e.sock(tDEALER)
			front := e.terminating(tROUTER)
			done := make(chan error, 1)
			go func() { done <- e.im.proxy(front, back, nil) }()
			select {
			case err := <-done:
				return err
			case <-time.After(2 * time.Second):
				// Closing the sockets (in the teardown) ends it.
				return errors.New("Proxy did not return")
			}
		}},
	}
}
