package compat

import (
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"

	mq "github.com/monocoque-go/monocoque/zmq"
)

// api describes the main surface of pebbe/zmq4 with its own types as
// parameters. Filling it in with pebbe's functions proves the description
// right; filling it in with ours proves that each name exists with the
// same signature, since assigning a function to a field of a different
// function type does not compile.
type api[Ctx, Sock, Poller, Polled any, T, F, S ~int, E ~uintptr] struct {
	// Package functions.
	NewContext     func() (*Ctx, error)
	NewSocket      func(T) (*Sock, error)
	Term           func() error
	Version        func() (int, int, int)
	AsErrno        func(error) E
	Proxy          func(frontend, backend, capture *Sock) error
	ProxySteerable func(frontend, backend, capture, control *Sock) error
	NewPoller      func() *Poller

	// Context.
	CtxNewSocket    func(*Ctx, T) (*Sock, error)
	CtxTerm         func(*Ctx) error
	CtxSetIoThreads func(*Ctx, int) error
	CtxGetIoThreads func(*Ctx) (int, error)

	// Socket life cycle and endpoints.
	Close      func(*Sock) error
	Bind       func(*Sock, string) error
	Unbind     func(*Sock, string) error
	Connect    func(*Sock, string) error
	Disconnect func(*Sock, string) error
	String     func(*Sock) string

	// Sending and receiving.
	Send                func(*Sock, string, F) (int, error)
	SendBytes           func(*Sock, []byte, F) (int, error)
	SendMessage         func(*Sock, ...interface{}) (int, error)
	SendMessageDontwait func(*Sock, ...interface{}) (int, error)
	Recv                func(*Sock, F) (string, error)
	RecvBytes           func(*Sock, F) ([]byte, error)
	RecvMessage         func(*Sock, F) ([]string, error)
	RecvMessageBytes    func(*Sock, F) ([][]byte, error)

	// Options.
	SetSndhwm          func(*Sock, int) error
	SetRcvhwm          func(*Sock, int) error
	SetIdentity        func(*Sock, string) error
	SetLinger          func(*Sock, time.Duration) error
	SetReconnectIvl    func(*Sock, time.Duration) error
	SetReconnectIvlMax func(*Sock, time.Duration) error
	SetBacklog         func(*Sock, int) error
	SetMaxmsgsize      func(*Sock, int64) error
	SetRcvtimeo        func(*Sock, time.Duration) error
	SetSndtimeo        func(*Sock, time.Duration) error
	SetImmediate       func(*Sock, bool) error
	SetRouterMandatory func(*Sock, int) error
	SetConnectRid      func(*Sock, string) error
	SetSubscribe       func(*Sock, string) error
	SetUnsubscribe     func(*Sock, string) error
	SetReqCorrelate    func(*Sock, int) error
	SetReqRelaxed      func(*Sock, int) error
	SetTcpKeepalive    func(*Sock, int) error
	SetHeartbeatIvl    func(*Sock, time.Duration) error
	SetHandshakeIvl    func(*Sock, time.Duration) error
	GetType            func(*Sock) (T, error)
	GetRcvmore         func(*Sock) (bool, error)
	GetEvents          func(*Sock) (S, error)
	GetLastEndpoint    func(*Sock) (string, error)
	GetIdentity        func(*Sock) (string, error)
	GetSndhwm          func(*Sock) (int, error)
	GetRcvhwm          func(*Sock) (int, error)
	GetLinger          func(*Sock) (time.Duration, error)
	GetRcvtimeo        func(*Sock) (time.Duration, error)
	GetSndtimeo        func(*Sock) (time.Duration, error)
	GetMaxmsgsize      func(*Sock) (int64, error)

	// Poller.
	PollerAdd            func(*Poller, *Sock, S) int
	PollerUpdate         func(*Poller, int, S) (S, error)
	PollerRemove         func(*Poller, int) error
	PollerRemoveBySocket func(*Poller, *Sock) error
	Poll                 func(*Poller, time.Duration) ([]Polled, error)
	PollAll              func(*Poller, time.Duration) ([]Polled, error)
	PolledFields         func(Polled) (*Sock, S)

	// Value types.
	TypeString  func(T) string
	FlagString  func(F) string
	StateString func(S) string
	ErrnoError  func(E) string

	// Constants and error values, in a fixed order, compared at run time.
	Types  []T
	Flags  []F
	States []S
	Errnos []E
	Errors []error
}

var pebbe = api[lz.Context, lz.Socket, lz.Poller, lz.Polled, lz.Type, lz.Flag, lz.State, lz.Errno]{
	NewContext:     lz.NewContext,
	NewSocket:      lz.NewSocket,
	Term:           lz.Term,
	Version:        lz.Version,
	AsErrno:        lz.AsErrno,
	Proxy:          lz.Proxy,
	ProxySteerable: lz.ProxySteerable,
	NewPoller:      lz.NewPoller,

	CtxNewSocket:    (*lz.Context).NewSocket,
	CtxTerm:         (*lz.Context).Term,
	CtxSetIoThreads: (*lz.Context).SetIoThreads,
	CtxGetIoThreads: (*lz.Context).GetIoThreads,

	Close:      (*lz.Socket).Close,
	Bind:       (*lz.Socket).Bind,
	Unbind:     (*lz.Socket).Unbind,
	Connect:    (*lz.Socket).Connect,
	Disconnect: (*lz.Socket).Disconnect,
	String:     (*lz.Socket).String,

	Send:                (*lz.Socket).Send,
	SendBytes:           (*lz.Socket).SendBytes,
	SendMessage:         (*lz.Socket).SendMessage,
	SendMessageDontwait: (*lz.Socket).SendMessageDontwait,
	Recv:                (*lz.Socket).Recv,
	RecvBytes:           (*lz.Socket).RecvBytes,
	RecvMessage:         (*lz.Socket).RecvMessage,
	RecvMessageBytes:    (*lz.Socket).RecvMessageBytes,

	SetSndhwm:          (*lz.Socket).SetSndhwm,
	SetRcvhwm:          (*lz.Socket).SetRcvhwm,
	SetIdentity:        (*lz.Socket).SetIdentity,
	SetLinger:          (*lz.Socket).SetLinger,
	SetReconnectIvl:    (*lz.Socket).SetReconnectIvl,
	SetReconnectIvlMax: (*lz.Socket).SetReconnectIvlMax,
	SetBacklog:         (*lz.Socket).SetBacklog,
	SetMaxmsgsize:      (*lz.Socket).SetMaxmsgsize,
	SetRcvtimeo:        (*lz.Socket).SetRcvtimeo,
	SetSndtimeo:        (*lz.Socket).SetSndtimeo,
	SetImmediate:       (*lz.Socket).SetImmediate,
	SetRouterMandatory: (*lz.Socket).SetRouterMandatory,
	SetConnectRid:      (*lz.Socket).SetConnectRid,
	SetSubscribe:       (*lz.Socket).SetSubscribe,
	SetUnsubscribe:     (*lz.Socket).SetUnsubscribe,
	SetReqCorrelate:    (*lz.Socket).SetReqCorrelate,
	SetReqRelaxed:      (*lz.Socket).SetReqRelaxed,
	SetTcpKeepalive:    (*lz.Socket).SetTcpKeepalive,
	SetHeartbeatIvl:    (*lz.Socket).SetHeartbeatIvl,
	SetHandshakeIvl:    (*lz.Socket).SetHandshakeIvl,
	GetType:            (*lz.Socket).GetType,
	GetRcvmore:         (*lz.Socket).GetRcvmore,
	GetEvents:          (*lz.Socket).GetEvents,
	GetLastEndpoint:    (*lz.Socket).GetLastEndpoint,
	GetIdentity:        (*lz.Socket).GetIdentity,
	GetSndhwm:          (*lz.Socket).GetSndhwm,
	GetRcvhwm:          (*lz.Socket).GetRcvhwm,
	GetLinger:          (*lz.Socket).GetLinger,
	GetRcvtimeo:        (*lz.Socket).GetRcvtimeo,
	GetSndtimeo:        (*lz.Socket).GetSndtimeo,
	GetMaxmsgsize:      (*lz.Socket).GetMaxmsgsize,

	PollerAdd:            (*lz.Poller).Add,
	PollerUpdate:         (*lz.Poller).Update,
	PollerRemove:         (*lz.Poller).Remove,
	PollerRemoveBySocket: (*lz.Poller).RemoveBySocket,
	Poll:                 (*lz.Poller).Poll,
	PollAll:              (*lz.Poller).PollAll,
	PolledFields:         func(p lz.Polled) (*lz.Socket, lz.State) { return p.Socket, p.Events },

	TypeString:  lz.Type.String,
	FlagString:  lz.Flag.String,
	StateString: lz.State.String,
	ErrnoError:  lz.Errno.Error,

	Types:  []lz.Type{lz.PAIR, lz.PUB, lz.SUB, lz.REQ, lz.REP, lz.DEALER, lz.ROUTER, lz.PULL, lz.PUSH, lz.XPUB, lz.XSUB, lz.STREAM},
	Flags:  []lz.Flag{lz.DONTWAIT, lz.SNDMORE},
	States: []lz.State{lz.POLLIN, lz.POLLOUT},
	Errnos: []lz.Errno{
		lz.EADDRINUSE, lz.EADDRNOTAVAIL, lz.EAFNOSUPPORT, lz.ECONNABORTED, lz.ECONNREFUSED,
		lz.ECONNRESET, lz.EHOSTUNREACH, lz.EINPROGRESS, lz.EMSGSIZE, lz.ENETDOWN, lz.ENETRESET,
		lz.ENETUNREACH, lz.ENOBUFS, lz.ENOTCONN, lz.ENOTSOCK, lz.ENOTSUP, lz.EPROTONOSUPPORT,
		lz.ETIMEDOUT, lz.EFSM, lz.EMTHREAD, lz.ENOCOMPATPROTO, lz.ETERM,
	},
	Errors: []error{lz.ErrorContextClosed, lz.ErrorSocketClosed, lz.ErrorMoreExpected, lz.ErrorNoSocket},
}

var ours = api[mq.Context, mq.Socket, mq.Poller, mq.Polled, mq.Type, mq.Flag, mq.State, mq.Errno]{
	NewContext:     mq.NewContext,
	NewSocket:      mq.NewSocket,
	Term:           mq.Term,
	Version:        mq.Version,
	AsErrno:        mq.AsErrno,
	Proxy:          mq.Proxy,
	ProxySteerable: mq.ProxySteerable,
	NewPoller:      mq.NewPoller,

	CtxNewSocket:    (*mq.Context).NewSocket,
	CtxTerm:         (*mq.Context).Term,
	CtxSetIoThreads: (*mq.Context).SetIoThreads,
	CtxGetIoThreads: (*mq.Context).GetIoThreads,

	Close:      (*mq.Socket).Close,
	Bind:       (*mq.Socket).Bind,
	Unbind:     (*mq.Socket).Unbind,
	Connect:    (*mq.Socket).Connect,
	Disconnect: (*mq.Socket).Disconnect,
	String:     (*mq.Socket).String,

	Send:                (*mq.Socket).Send,
	SendBytes:           (*mq.Socket).SendBytes,
	SendMessage:         (*mq.Socket).SendMessage,
	SendMessageDontwait: (*mq.Socket).SendMessageDontwait,
	Recv:                (*mq.Socket).Recv,
	RecvBytes:           (*mq.Socket).RecvBytes,
	RecvMessage:         (*mq.Socket).RecvMessage,
	RecvMessageBytes:    (*mq.Socket).RecvMessageBytes,

	SetSndhwm:          (*mq.Socket).SetSndhwm,
	SetRcvhwm:          (*mq.Socket).SetRcvhwm,
	SetIdentity:        (*mq.Socket).SetIdentity,
	SetLinger:          (*mq.Socket).SetLinger,
	SetReconnectIvl:    (*mq.Socket).SetReconnectIvl,
	SetReconnectIvlMax: (*mq.Socket).SetReconnectIvlMax,
	SetBacklog:         (*mq.Socket).SetBacklog,
	SetMaxmsgsize:      (*mq.Socket).SetMaxmsgsize,
	SetRcvtimeo:        (*mq.Socket).SetRcvtimeo,
	SetSndtimeo:        (*mq.Socket).SetSndtimeo,
	SetImmediate:       (*mq.Socket).SetImmediate,
	SetRouterMandatory: (*mq.Socket).SetRouterMandatory,
	SetConnectRid:      (*mq.Socket).SetConnectRid,
	SetSubscribe:       (*mq.Socket).SetSubscribe,
	SetUnsubscribe:     (*mq.Socket).SetUnsubscribe,
	SetReqCorrelate:    (*mq.Socket).SetReqCorrelate,
	SetReqRelaxed:      (*mq.Socket).SetReqRelaxed,
	SetTcpKeepalive:    (*mq.Socket).SetTcpKeepalive,
	SetHeartbeatIvl:    (*mq.Socket).SetHeartbeatIvl,
	SetHandshakeIvl:    (*mq.Socket).SetHandshakeIvl,
	GetType:            (*mq.Socket).GetType,
	GetRcvmore:         (*mq.Socket).GetRcvmore,
	GetEvents:          (*mq.Socket).GetEvents,
	GetLastEndpoint:    (*mq.Socket).GetLastEndpoint,
	GetIdentity:        (*mq.Socket).GetIdentity,
	GetSndhwm:          (*mq.Socket).GetSndhwm,
	GetRcvhwm:          (*mq.Socket).GetRcvhwm,
	GetLinger:          (*mq.Socket).GetLinger,
	GetRcvtimeo:        (*mq.Socket).GetRcvtimeo,
	GetSndtimeo:        (*mq.Socket).GetSndtimeo,
	GetMaxmsgsize:      (*mq.Socket).GetMaxmsgsize,

	PollerAdd:            (*mq.Poller).Add,
	PollerUpdate:         (*mq.Poller).Update,
	PollerRemove:         (*mq.Poller).Remove,
	PollerRemoveBySocket: (*mq.Poller).RemoveBySocket,
	Poll:                 (*mq.Poller).Poll,
	PollAll:              (*mq.Poller).PollAll,
	PolledFields:         func(p mq.Polled) (*mq.Socket, mq.State) { return p.Socket, p.Events },

	TypeString:  mq.Type.String,
	FlagString:  mq.Flag.String,
	StateString: mq.State.String,
	ErrnoError:  mq.Errno.Error,

	Types:  []mq.Type{mq.PAIR, mq.PUB, mq.SUB, mq.REQ, mq.REP, mq.DEALER, mq.ROUTER, mq.PULL, mq.PUSH, mq.XPUB, mq.XSUB, mq.STREAM},
	Flags:  []mq.Flag{mq.DONTWAIT, mq.SNDMORE},
	States: []mq.State{mq.POLLIN, mq.POLLOUT},
	Errnos: []mq.Errno{
		mq.EADDRINUSE, mq.EADDRNOTAVAIL, mq.EAFNOSUPPORT, mq.ECONNABORTED, mq.ECONNREFUSED,
		mq.ECONNRESET, mq.EHOSTUNREACH, mq.EINPROGRESS, mq.EMSGSIZE, mq.ENETDOWN, mq.ENETRESET,
		mq.ENETUNREACH, mq.ENOBUFS, mq.ENOTCONN, mq.ENOTSOCK, mq.ENOTSUP, mq.EPROTONOSUPPORT,
		mq.ETIMEDOUT, mq.EFSM, mq.EMTHREAD, mq.ENOCOMPATPROTO, mq.ETERM,
	},
	Errors: []error{mq.ErrorContextClosed, mq.ErrorSocketClosed, mq.ErrorMoreExpected, mq.ErrorNoSocket},
}

// TestConstants checks that the constants have pebbe's values and print
// the same way: programs store and log them.
func TestConstants(t *testing.T) {
	for i := range pebbe.Types {
		want, got := pebbe.Types[i], ours.Types[i]
		if int(got) != int(want) || ours.TypeString(got) != pebbe.TypeString(want) {
			t.Errorf("socket type %s: ours is %d %q, pebbe's %d %q", pebbe.TypeString(want), got, ours.TypeString(got), want, pebbe.TypeString(want))
		}
	}
	for i := range pebbe.Flags {
		want, got := pebbe.Flags[i], ours.Flags[i]
		if int(got) != int(want) || ours.FlagString(got) != pebbe.FlagString(want) {
			t.Errorf("flag %s: ours is %d %q, pebbe's %d", pebbe.FlagString(want), got, ours.FlagString(got), want)
		}
	}
	for i := range pebbe.States {
		want, got := pebbe.States[i], ours.States[i]
		if int(got) != int(want) || ours.StateString(got) != pebbe.StateString(want) {
			t.Errorf("state %s: ours is %d %q, pebbe's %d", pebbe.StateString(want), got, ours.StateString(got), want)
		}
	}
	for i := range pebbe.Errnos {
		want, got := pebbe.Errnos[i], ours.Errnos[i]
		if uintptr(got) != uintptr(want) || ours.ErrnoError(got) != pebbe.ErrnoError(want) {
			t.Errorf("errno %q: ours is %d %q, pebbe's %d", pebbe.ErrnoError(want), got, ours.ErrnoError(got), want)
		}
	}
	for i := range pebbe.Errors {
		if got, want := ours.Errors[i].Error(), pebbe.Errors[i].Error(); got != want {
			t.Errorf("error value %d: ours says %q, pebbe's %q", i, got, want)
		}
	}
}
