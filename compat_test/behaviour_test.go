package compat

import (
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"

	mq "github.com/monocoque-go/monocoque/zmq"
)

// sockOps is the socket method set the probes use, with the package's flag
// type as a parameter.
type sockOps[F ~int] interface {
	Bind(string) error
	Unbind(string) error
	Connect(string) error
	Close() error
	GetLastEndpoint() (string, error)
	SetLinger(time.Duration) error
	SetRcvtimeo(time.Duration) error
	SetSndtimeo(time.Duration) error
	SetRouterMandatory(int) error
	Send(string, F) (int, error)
	Recv(F) (string, error)
}

// lib is one implementation as the probes see it.
type lib[C any, T, F ~int, S sockOps[F]] struct {
	name       string
	newContext func() (*C, error)
	term       func(*C) error
	newSocket  func(*C, T) (S, error)
	asErrno    func(error) uintptr
	closedErr  error // ErrorSocketClosed

	push, pull, req, rep, router T
	dontwait, sndmore            F
}

var pebbeLib = lib[lz.Context, lz.Type, lz.Flag, *lz.Socket]{
	name:       "libzmq",
	newContext: lz.NewContext,
	term:       (*lz.Context).Term,
	newSocket:  (*lz.Context).NewSocket,
	asErrno:    func(err error) uintptr { return uintptr(lz.AsErrno(err)) },
	closedErr:  lz.ErrorSocketClosed,
	push:       lz.PUSH, pull: lz.PULL, req: lz.REQ, rep: lz.REP, router: lz.ROUTER,
	dontwait: lz.DONTWAIT, sndmore: lz.SNDMORE,
}

var ourLib = lib[mq.Context, mq.Type, mq.Flag, *mq.Socket]{
	name:       "monocoque",
	newContext: mq.NewContext,
	term:       (*mq.Context).Term,
	newSocket:  (*mq.Context).NewSocket,
	asErrno:    func(err error) uintptr { return uintptr(mq.AsErrno(err)) },
	closedErr:  mq.ErrorSocketClosed,
	push:       mq.PUSH, pull: mq.PULL, req: mq.REQ, rep: mq.REP, router: mq.ROUTER,
	dontwait: mq.DONTWAIT, sndmore: mq.SNDMORE,
}

// outcome is what a probe observed: the errno of the call under test (0
// for success or a non-Errno error) and whether the error was
// ErrorSocketClosed.
type outcome struct {
	errno  uintptr
	closed bool
}

func (o outcome) String() string {
	switch {
	case o.closed:
		return "ErrorSocketClosed"
	case o.errno == 0:
		return "success"
	}
	return fmt.Sprintf("errno %d (%v)", o.errno, lz.Errno(o.errno))
}

// session gives a probe sockets on a fresh context and cleans them up.
type session[C any, T, F ~int, S sockOps[F]] struct {
	t     *testing.T
	lib   lib[C, T, F, S]
	socks []S
	ctx   *C
}

func (s *session[C, T, F, S]) socket(typ T) S {
	s.t.Helper()
	sock, err := s.lib.newSocket(s.ctx, typ)
	if err != nil {
		s.t.Fatalf("%s: NewSocket: %v", s.lib.name, err)
	}
	s.check(sock.SetLinger(0))
	s.check(sock.SetRcvtimeo(2 * time.Second))
	s.check(sock.SetSndtimeo(2 * time.Second))
	s.socks = append(s.socks, sock)
	return sock
}

// bind binds sock to an ephemeral loopback port and returns the endpoint.
func (s *session[C, T, F, S]) bind(sock S) string {
	s.t.Helper()
	s.check(sock.Bind("tcp://127.0.0.1:*"))
	ep, err := sock.GetLastEndpoint()
	s.check(err)
	return ep
}

func (s *session[C, T, F, S]) check(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("%s: %v", s.lib.name, err)
	}
}

func (s *session[C, T, F, S]) outcome(err error) outcome {
	if err == nil {
		return outcome{}
	}
	return outcome{errno: s.lib.asErrno(err), closed: errors.Is(err, s.lib.closedErr)}
}

// run creates a session, runs the probe in it and tears it down.
func run[C any, T, F ~int, S sockOps[F]](t *testing.T, l lib[C, T, F, S], probe func(*session[C, T, F, S]) outcome) outcome {
	t.Helper()
	ctx, err := l.newContext()
	if err != nil {
		t.Fatalf("%s: NewContext: %v", l.name, err)
	}
	s := &session[C, T, F, S]{t: t, lib: l, ctx: ctx}
	defer func() {
		for _, sock := range s.socks {
			sock.Close()
		}
		done := make(chan error, 1)
		go func() { done <- l.term(ctx) }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: Term: %v", l.name, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: Term did not return", l.name)
		}
	}()
	return probe(s)
}

// probes returns the outcome of one behaviour on pebbe/libzmq and on ours.
type probes struct {
	name string
	want outcome
	run  func(t *testing.T) (libzmq, ours outcome)
}

// both instantiates a generic probe for the two implementations.
func both(t *testing.T,
	lzProbe func(*session[lz.Context, lz.Type, lz.Flag, *lz.Socket]) outcome,
	mqProbe func(*session[mq.Context, mq.Type, mq.Flag, *mq.Socket]) outcome,
) (outcome, outcome) {
	t.Helper()
	return run(t, pebbeLib, lzProbe), run(t, ourLib, mqProbe)
}

func errno(e syscall.Errno) outcome { return outcome{errno: uintptr(e)} }

// TestErrorBehaviour checks that the error cases programs branch on give
// the same result on both implementations, and the one libzmq documents.
func TestErrorBehaviour(t *testing.T) {
	cases := []probes{
		{"Recv DONTWAIT on an empty PULL", errno(syscall.EAGAIN), func(t *testing.T) (outcome, outcome) {
			return both(t, recvDontwaitEmpty, recvDontwaitEmpty)
		}},
		{"Recv past RCVTIMEO", errno(syscall.EAGAIN), func(t *testing.T) (outcome, outcome) {
			return both(t, recvTimeout, recvTimeout)
		}},
		{"Send DONTWAIT on a PUSH without peers", errno(syscall.EAGAIN), func(t *testing.T) (outcome, outcome) {
			return both(t, sendDontwaitNoPeer, sendDontwaitNoPeer)
		}},
		{"REQ Recv before Send", outcome{errno: uintptr(lz.EFSM)}, func(t *testing.T) (outcome, outcome) {
			return both(t, reqRecvFirst, reqRecvFirst)
		}},
		{"REQ Send twice", outcome{errno: uintptr(lz.EFSM)}, func(t *testing.T) (outcome, outcome) {
			return both(t, reqSendTwice, reqSendTwice)
		}},
		{"ROUTER_MANDATORY Send to an unknown peer", errno(syscall.EHOSTUNREACH), func(t *testing.T) (outcome, outcome) {
			return both(t, routerUnknownPeer, routerUnknownPeer)
		}},
		{"Bind to a port in use", errno(syscall.EADDRINUSE), func(t *testing.T) (outcome, outcome) {
			return both(t, bindInUse, bindInUse)
		}},
		{"Bind with an unknown transport", errno(syscall.EPROTONOSUPPORT), func(t *testing.T) (outcome, outcome) {
			return both(t, bindBadTransport, bindBadTransport)
		}},
		{"Unbind an endpoint already unbound", errno(syscall.ENOENT), func(t *testing.T) (outcome, outcome) {
			return both(t, unbindUnknown, unbindUnknown)
		}},
		{"Connect to a port nobody listens on", outcome{}, func(t *testing.T) (outcome, outcome) {
			return both(t, connectNobody, connectNobody)
		}},
		{"Send on a closed socket", outcome{closed: true}, func(t *testing.T) (outcome, outcome) {
			return both(t, sendClosed, sendClosed)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lib, our := c.run(t)
			if lib != c.want {
				t.Errorf("libzmq gave %v, expected %v: the probe is wrong", lib, c.want)
			}
			if our != lib {
				t.Errorf("monocoque gave %v, libzmq %v", our, lib)
			}
		})
	}
}

func recvDontwaitEmpty[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	pull := s.socket(s.lib.pull)
	s.bind(pull)
	_, err := pull.Recv(s.lib.dontwait)
	return s.outcome(err)
}

func recvTimeout[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	const timeout = 100 * time.Millisecond
	pull := s.socket(s.lib.pull)
	s.bind(pull)
	s.check(pull.SetRcvtimeo(timeout))
	start := time.Now()
	_, err := pull.Recv(0)
	if took := time.Since(start); took < timeout*9/10 || took > 20*timeout {
		s.t.Errorf("%s: Recv with RCVTIMEO %v returned after %v", s.lib.name, timeout, took)
	}
	return s.outcome(err)
}

func sendDontwaitNoPeer[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	push := s.socket(s.lib.push)
	s.bind(push)
	_, err := push.Send("nobody hears this", s.lib.dontwait)
	return s.outcome(err)
}

func reqRecvFirst[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	req := s.socket(s.lib.req)
	s.bind(req)
	_, err := req.Recv(s.lib.dontwait)
	return s.outcome(err)
}

func reqSendTwice[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	rep := s.socket(s.lib.rep)
	req := s.socket(s.lib.req)
	s.check(req.Connect(s.bind(rep)))
	if _, err := req.Send("first", 0); err != nil {
		s.t.Fatalf("%s: first Send: %v", s.lib.name, err)
	}
	_, err := req.Send("second", s.lib.dontwait)
	return s.outcome(err)
}

func routerUnknownPeer[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	router := s.socket(s.lib.router)
	s.bind(router)
	s.check(router.SetRouterMandatory(1))
	// The routing id frame is checked when it is sent with SNDMORE (a lone
	// frame is not a message a ROUTER can route).
	_, err := router.Send("no-such-peer", s.lib.sndmore)
	return s.outcome(err)
}

func bindInUse[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	ep := s.bind(s.socket(s.lib.pull))
	return s.outcome(s.socket(s.lib.pull).Bind(ep))
}

func bindBadTransport[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	return s.outcome(s.socket(s.lib.pull).Bind("carrier-pigeon://127.0.0.1:5555"))
}

func unbindUnknown[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	pull := s.socket(s.lib.pull)
	ep := s.bind(pull)
	s.check(pull.Unbind(ep))
	return s.outcome(pull.Unbind(ep))
}

func connectNobody[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	// Find a free port, then leave it free: Connect must still succeed,
	// since connecting happens in the background and is retried.
	probe := s.socket(s.lib.pull)
	ep := s.bind(probe)
	s.check(probe.Unbind(ep))
	return s.outcome(s.socket(s.lib.push).Connect(ep))
}

func sendClosed[C any, T, F ~int, S sockOps[F]](s *session[C, T, F, S]) outcome {
	sock, err := s.lib.newSocket(s.ctx, s.lib.push)
	s.check(err)
	s.check(sock.SetLinger(0))
	s.check(sock.Close())
	_, err = sock.Send("too late", s.lib.dontwait)
	return s.outcome(err)
}
