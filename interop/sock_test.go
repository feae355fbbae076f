package interop

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"

	mq "github.com/monocoque-go/monocoque/zmq"
)

// impl names the library that implements one end of a connection.
type impl string

const (
	mono   impl = "monocoque"
	libzmq impl = "libzmq"
)

// other returns the implementation on the far end of an interop pair.
func (i impl) other() impl {
	if i == mono {
		return libzmq
	}
	return mono
}

// kind is a socket type, independent of the two packages' Type values.
type kind int

const (
	PAIR kind = iota
	PUSH
	PULL
	REQ
	REP
	DEALER
	ROUTER
	PUB
	SUB
	XPUB
	XSUB
	STREAM
)

var kinds = [...]struct {
	name string
	mq   mq.Type
	lz   lz.Type
}{
	PAIR:   {"PAIR", mq.PAIR, lz.PAIR},
	PUSH:   {"PUSH", mq.PUSH, lz.PUSH},
	PULL:   {"PULL", mq.PULL, lz.PULL},
	REQ:    {"REQ", mq.REQ, lz.REQ},
	REP:    {"REP", mq.REP, lz.REP},
	DEALER: {"DEALER", mq.DEALER, lz.DEALER},
	ROUTER: {"ROUTER", mq.ROUTER, lz.ROUTER},
	PUB:    {"PUB", mq.PUB, lz.PUB},
	SUB:    {"SUB", mq.SUB, lz.SUB},
	XPUB:   {"XPUB", mq.XPUB, lz.XPUB},
	XSUB:   {"XSUB", mq.XSUB, lz.XSUB},
	STREAM: {"STREAM", mq.STREAM, lz.STREAM},
}

func (k kind) String() string { return kinds[k].name }

// opTimeout bounds every blocking send and receive in the tests, so that a
// lost message or a stuck peer fails the test instead of hanging it.
const opTimeout = 5 * time.Second

// Errno values as both packages report them (pebbe has no EAGAIN constant;
// comparing numbers keeps the tests independent of either package's names).
const (
	eagain       = uintptr(syscall.EAGAIN)
	ehostunreach = uintptr(syscall.EHOSTUNREACH)
)

// socket is the part of the pebbe/zmq4 socket API the tests drive, with the
// package-specific Flag and Errno types taken out so that one test body can
// run against either implementation. Errors from the underlying socket are
// wrapped in *zerr, which keeps the errno.
type socket interface {
	Impl() impl
	Bind(endpoint string) error
	Connect(endpoint string) error
	LastEndpoint() (string, error)
	// Send sends a multipart message, one SendBytes call per frame with
	// SNDMORE on all but the last.
	Send(parts ...[]byte) error
	// Recv receives a whole message with RecvMessageBytes.
	Recv() ([][]byte, error)
	// RecvDontwait is Recv with DONTWAIT.
	RecvDontwait() ([][]byte, error)
	// SendStrings sends with SendMessage, RecvStrings receives with
	// RecvMessage: the variadic/string entry points of the same API.
	SendStrings(parts ...string) error
	RecvStrings() ([]string, error)
	// SendFrame and RecvFrame move one single-part message with SendBytes
	// and RecvBytes; the benchmarks use them.
	SendFrame(b []byte) error
	RecvFrame() ([]byte, error)
	SetIdentity(id string) error
	SetConnectRid(id string) error
	SetRouterMandatory(on bool) error
	SetMaxmsgsize(n int64) error
	SetReconnectIvl(d time.Duration) error
	SetRcvtimeo(d time.Duration) error
	SetSndtimeo(d time.Duration) error
	SetLinger(d time.Duration) error
	Close() error
}

// rawSocket is the method set shared by *lz.Socket and *mq.Socket, with the
// flag type as a parameter. Instantiating it with *mq.Socket is in itself a
// check that our facade has pebbe's signatures for these methods.
type rawSocket[F ~int] interface {
	Bind(string) error
	Connect(string) error
	Close() error
	GetLastEndpoint() (string, error)
	SendBytes([]byte, F) (int, error)
	RecvBytes(F) ([]byte, error)
	SendMessage(...interface{}) (int, error)
	RecvMessage(F) ([]string, error)
	RecvMessageBytes(F) ([][]byte, error)
	SetIdentity(string) error
	SetConnectRid(string) error
	SetRouterMandatory(int) error
	SetMaxmsgsize(int64) error
	SetReconnectIvl(time.Duration) error
	SetRcvtimeo(time.Duration) error
	SetSndtimeo(time.Duration) error
	SetLinger(time.Duration) error
}

// adapter implements socket on top of either package.
type adapter[F ~int, S rawSocket[F]] struct {
	s        S
	impl     impl
	kind     kind
	sndmore  F
	dontwait F
	errno    func(error) uintptr
}

// zerr is an error from one implementation, with its errno (0 when the
// error is not an Errno, e.g. ErrorSocketClosed).
type zerr struct {
	impl impl
	op   string
	code uintptr
	err  error
}

func (e *zerr) Error() string { return fmt.Sprintf("%s %s: %v", e.impl, e.op, e.err) }
func (e *zerr) Unwrap() error { return e.err }

// errnoOf returns the errno carried by err, or 0.
func errnoOf(err error) uintptr {
	var z *zerr
	if errors.As(err, &z) {
		return z.code
	}
	return 0
}

func (a *adapter[F, S]) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return &zerr{impl: a.impl, op: op, code: a.errno(err), err: err}
}

func (a *adapter[F, S]) Impl() impl { return a.impl }
func (a *adapter[F, S]) String() string {
	return fmt.Sprintf("%s(%s)", a.kind, a.impl)
}

func (a *adapter[F, S]) Bind(ep string) error    { return a.wrap("bind "+ep, a.s.Bind(ep)) }
func (a *adapter[F, S]) Connect(ep string) error { return a.wrap("connect "+ep, a.s.Connect(ep)) }

func (a *adapter[F, S]) LastEndpoint() (string, error) {
	ep, err := a.s.GetLastEndpoint()
	return ep, a.wrap("get last endpoint", err)
}

func (a *adapter[F, S]) Send(parts ...[]byte) error {
	if len(parts) == 0 {
		return fmt.Errorf("%s: empty message", a)
	}
	for i, p := range parts {
		var f F
		if i < len(parts)-1 {
			f = a.sndmore
		}
		n, err := a.s.SendBytes(p, f)
		if err != nil {
			return a.wrap(fmt.Sprintf("send frame %d/%d", i+1, len(parts)), err)
		}
		if n != len(p) {
			return fmt.Errorf("%s: SendBytes returned %d for a %d-byte frame", a, n, len(p))
		}
	}
	return nil
}

func (a *adapter[F, S]) Recv() ([][]byte, error) {
	m, err := a.s.RecvMessageBytes(0)
	return m, a.wrap("recv", err)
}

func (a *adapter[F, S]) RecvDontwait() ([][]byte, error) {
	m, err := a.s.RecvMessageBytes(a.dontwait)
	return m, a.wrap("recv dontwait", err)
}

func (a *adapter[F, S]) SendStrings(parts ...string) error {
	args := make([]interface{}, len(parts))
	total := 0
	for i, p := range parts {
		args[i] = p
		total += len(p)
	}
	n, err := a.s.SendMessage(args...)
	if err != nil {
		return a.wrap("send message", err)
	}
	if n != total {
		return fmt.Errorf("%s: SendMessage returned %d for %d bytes", a, n, total)
	}
	return nil
}

func (a *adapter[F, S]) RecvStrings() ([]string, error) {
	m, err := a.s.RecvMessage(0)
	return m, a.wrap("recv message", err)
}

func (a *adapter[F, S]) SendFrame(b []byte) error {
	_, err := a.s.SendBytes(b, 0)
	return a.wrap("send", err)
}

func (a *adapter[F, S]) RecvFrame() ([]byte, error) {
	b, err := a.s.RecvBytes(0)
	return b, a.wrap("recv", err)
}

func (a *adapter[F, S]) SetIdentity(id string) error {
	return a.wrap("set identity", a.s.SetIdentity(id))
}

func (a *adapter[F, S]) SetConnectRid(id string) error {
	return a.wrap("set connect rid", a.s.SetConnectRid(id))
}

func (a *adapter[F, S]) SetRouterMandatory(on bool) error {
	v := 0
	if on {
		v = 1
	}
	return a.wrap("set router mandatory", a.s.SetRouterMandatory(v))
}

func (a *adapter[F, S]) SetMaxmsgsize(n int64) error {
	return a.wrap("set maxmsgsize", a.s.SetMaxmsgsize(n))
}

func (a *adapter[F, S]) SetReconnectIvl(d time.Duration) error {
	return a.wrap("set reconnect ivl", a.s.SetReconnectIvl(d))
}

func (a *adapter[F, S]) SetRcvtimeo(d time.Duration) error {
	return a.wrap("set rcvtimeo", a.s.SetRcvtimeo(d))
}

func (a *adapter[F, S]) SetSndtimeo(d time.Duration) error {
	return a.wrap("set sndtimeo", a.s.SetSndtimeo(d))
}

func (a *adapter[F, S]) SetLinger(d time.Duration) error {
	return a.wrap("set linger", a.s.SetLinger(d))
}

func (a *adapter[F, S]) Close() error { return a.wrap("close", a.s.Close()) }

// env owns one context of each implementation for a test or benchmark and
// tears everything down at the end: sockets get Linger 0 and are closed,
// then both contexts are terminated. Termination is watched so that a
// context that never finishes fails the test instead of hanging it.
type env struct {
	tb   testing.TB
	mctx *mq.Context
	lctx *lz.Context
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	mctx, err := mq.NewContext()
	if err != nil {
		tb.Fatalf("monocoque NewContext: %v", err)
	}
	lctx, err := lz.NewContext()
	if err != nil {
		tb.Fatalf("libzmq NewContext: %v", err)
	}
	e := &env{tb: tb, mctx: mctx, lctx: lctx}
	tb.Cleanup(func() {
		terminate(tb, "monocoque", mctx.Term)
		terminate(tb, "libzmq", lctx.Term)
	})
	return e
}

// terminate runs a context's Term and reports it if it does not return in
// time. A stuck Term is left behind: there is no way to interrupt it.
func terminate(tb testing.TB, name string, term func() error) {
	tb.Helper()
	done := make(chan error, 1)
	go func() { done <- term() }()
	select {
	case err := <-done:
		if err != nil {
			tb.Errorf("%s context Term: %v", name, err)
		}
	case <-time.After(opTimeout):
		tb.Errorf("%s context Term did not return within %v (a socket left open or a stuck I/O goroutine)", name, opTimeout)
	}
}

// socket creates a socket of the given implementation and kind, with send
// and receive timeouts of opTimeout, closed (with Linger 0) at cleanup.
func (e *env) socket(i impl, k kind) socket {
	e.tb.Helper()
	s := e.open(i, k)
	e.tb.Cleanup(func() { closeSocket(e.tb, s) })
	return s
}

// open is socket without the cleanup, for tests that close and replace a
// socket themselves.
func (e *env) open(i impl, k kind) socket {
	e.tb.Helper()
	var s socket
	switch i {
	case mono:
		raw, err := e.mctx.NewSocket(kinds[k].mq)
		if err != nil {
			e.tb.Fatalf("monocoque NewSocket(%s): %v", k, err)
		}
		s = &adapter[mq.Flag, *mq.Socket]{s: raw, impl: i, kind: k, sndmore: mq.SNDMORE, dontwait: mq.DONTWAIT,
			errno: func(err error) uintptr { return uintptr(mq.AsErrno(err)) }}
	case libzmq:
		raw, err := e.lctx.NewSocket(kinds[k].lz)
		if err != nil {
			e.tb.Fatalf("libzmq NewSocket(%s): %v", k, err)
		}
		s = &adapter[lz.Flag, *lz.Socket]{s: raw, impl: i, kind: k, sndmore: lz.SNDMORE, dontwait: lz.DONTWAIT,
			errno: func(err error) uintptr { return uintptr(lz.AsErrno(err)) }}
	default:
		e.tb.Fatalf("unknown implementation %q", i)
	}
	must(e.tb, s.SetRcvtimeo(opTimeout))
	must(e.tb, s.SetSndtimeo(opTimeout))
	return s
}

// closeSocket sets Linger 0 and closes s.
func closeSocket(tb testing.TB, s socket) {
	tb.Helper()
	if err := s.SetLinger(0); err != nil {
		tb.Errorf("%v", err)
	}
	if err := s.Close(); err != nil {
		tb.Errorf("%v", err)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// bindAny binds s to an ephemeral loopback port and returns the endpoint
// the socket reports.
func bindAny(tb testing.TB, s socket) string {
	tb.Helper()
	must(tb, s.Bind("tcp://127.0.0.1:*"))
	ep, err := s.LastEndpoint()
	must(tb, err)
	if !strings.HasPrefix(ep, "tcp://127.0.0.1:") || strings.HasSuffix(ep, ":*") {
		tb.Fatalf("%v: GetLastEndpoint after binding tcp://127.0.0.1:* = %q, want tcp://127.0.0.1:<port>", s, ep)
	}
	return ep
}

// link binds binder to an ephemeral port and connects connector to it.
func link(tb testing.TB, binder, connector socket) string {
	tb.Helper()
	ep := bindAny(tb, binder)
	must(tb, connector.Connect(ep))
	return ep
}

// msg builds a message from strings.
func msg(parts ...string) [][]byte {
	m := make([][]byte, len(parts))
	for i, p := range parts {
		m[i] = []byte(p)
	}
	return m
}

func send(tb testing.TB, s socket, parts ...[]byte) {
	tb.Helper()
	if err := s.Send(parts...); err != nil {
		tb.Fatalf("%v: sending %s: %v", s, show(parts), err)
	}
}

func sendStr(tb testing.TB, s socket, parts ...string) {
	tb.Helper()
	send(tb, s, msg(parts...)...)
}

func recv(tb testing.TB, s socket) [][]byte {
	tb.Helper()
	m, err := s.Recv()
	if err != nil {
		tb.Fatalf("%v: receiving: %v", s, err)
	}
	return m
}

// expect receives one message on s and fails unless it equals want.
func expect(tb testing.TB, s socket, want ...[]byte) {
	tb.Helper()
	got := recv(tb, s)
	if !equalMsg(got, want) {
		tb.Fatalf("%v received %s, want %s", s, show(got), show(want))
	}
}

func expectStr(tb testing.TB, s socket, want ...string) {
	tb.Helper()
	expect(tb, s, msg(want...)...)
}

// expectNothing checks that no message is waiting on s.
func expectNothing(tb testing.TB, s socket) {
	tb.Helper()
	m, err := s.RecvDontwait()
	if err == nil {
		tb.Fatalf("%v: unexpected message %s", s, show(m))
	}
	if errnoOf(err) != eagain {
		tb.Fatalf("%v: Recv(DONTWAIT) on an empty socket: %v, want EAGAIN", s, err)
	}
}

func equalMsg(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i]) != string(b[i]) {
			return false
		}
	}
	return true
}

// show renders a message for failure output, abbreviating large frames.
func show(m [][]byte) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, f := range m {
		if i > 0 {
			sb.WriteString(", ")
		}
		if len(f) > 32 {
			fmt.Fprintf(&sb, "%q...(%d bytes)", f[:16], len(f))
		} else {
			fmt.Fprintf(&sb, "%q", f)
		}
	}
	sb.WriteByte(']')
	return sb.String()
}

// runAll runs fn in n goroutines and waits for them, failing the test if
// they do not finish within limit. fn reports with t.Error, not t.Fatal.
func runAll(tb testing.TB, n int, limit time.Duration, fn func(i int)) {
	tb.Helper()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			fn(i)
		}(i)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(limit):
		tb.Errorf("goroutines did not finish within %v", limit)
	}
	// Every blocking call is bounded by opTimeout, so they end soon; wait
	// for that rather than closing sockets under their feet.
	select {
	case <-done:
	case <-time.After(3 * opTimeout):
	}
	tb.FailNow()
}
