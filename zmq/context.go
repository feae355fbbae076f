package zmq4

import (
	"runtime"
	"sync/atomic"

	"github.com/monocoque-go/monocoque/core"
)

// Context owns sockets. Terminating it ends every blocked call on its
// sockets with ETERM and waits until they are all closed.
//
// The package's default context serves the functions without a Context
// receiver; libraries should make their own with NewContext.
type Context struct {
	ctx    *core.Context
	closed atomic.Bool
	// retryEINTR is kept for pebbe's API; calls are never interrupted here.
	retryEINTR atomic.Bool
}

// defaultCtx serves NewSocket, Term and the package-level option functions.
var defaultCtx = newContext()

func newContext() *Context {
	c := &Context{ctx: core.NewContext()}
	c.retryEINTR.Store(true)
	return c
}

// NewContext makes a new context. If the program drops it without calling
// Term, it is terminated when garbage collected.
func NewContext() (ctx *Context, err error) {
	ctx = newContext()
	// Term can block (on lingering messages), so it must not hold up the
	// runtime's finalizer goroutine.
	runtime.SetFinalizer(ctx, func(c *Context) { go c.Term() })
	return ctx, nil
}

// Term terminates the default context. After it the default context stays
// closed: NewSocket and the option functions return ErrorContextClosed.
//
// Term blocks until every socket of the context is closed and has sent its
// queued messages or reached its linger period (see SetLinger).
func Term() error {
	return defaultCtx.Term()
}

// Term terminates the context: blocked and later calls on its sockets fail
// with ETERM, and the context's own methods return ErrorContextClosed.
//
// Term blocks until every socket of the context is closed and has sent its
// queued messages or reached its linger period (see SetLinger).
func (ctx *Context) Term() error {
	if !ctx.closed.CompareAndSwap(false, true) {
		return nil
	}
	return toErr(ctx.ctx.Term())
}

func (ctx *Context) getOption(opt int) (int, error) {
	if ctx.closed.Load() {
		return 0, ErrorContextClosed
	}
	v, err := ctx.ctx.GetInt(opt)
	return v, toErr(err)
}

func (ctx *Context) setOption(opt, v int) error {
	if ctx.closed.Load() {
		return ErrorContextClosed
	}
	// pebbe's package hands libzmq a C int.
	return toErr(ctx.ctx.SetInt(opt, cInt(v)))
}

// GetIoThreads returns the I/O thread count of the default context.
func GetIoThreads() (int, error) { return defaultCtx.GetIoThreads() }

// GetIoThreads returns the context's I/O thread count.
func (ctx *Context) GetIoThreads() (int, error) { return ctx.getOption(core.CtxIOThreads) }

// GetMaxSockets returns the maximum number of sockets in the default context.
func GetMaxSockets() (int, error) { return defaultCtx.GetMaxSockets() }

// GetMaxSockets returns the maximum number of sockets in the context.
func (ctx *Context) GetMaxSockets() (int, error) { return ctx.getOption(core.CtxMaxSockets) }

// GetMaxMsgsz returns the default context's maximum message size.
func GetMaxMsgsz() (int, error) { return defaultCtx.GetMaxMsgsz() }

// GetMaxMsgsz returns the context's maximum message size.
func (ctx *Context) GetMaxMsgsz() (int, error) { return ctx.getOption(core.CtxMaxMsgsz) }

// GetIpv6 reports whether sockets made in the default context from now on
// have IPv6 enabled.
func GetIpv6() (bool, error) { return defaultCtx.GetIpv6() }

// GetIpv6 reports whether sockets made in the context from now on have
// IPv6 enabled.
func (ctx *Context) GetIpv6() (bool, error) {
	v, err := ctx.getOption(core.CtxIPv6)
	return v != 0, err
}

// GetBlocky returns the default context's blocky setting.
func GetBlocky() (bool, error) { return defaultCtx.GetBlocky() }

// GetBlocky returns the context's blocky setting: whether Term waits for
// sockets whose linger period was left at its default.
func (ctx *Context) GetBlocky() (bool, error) {
	v, err := ctx.getOption(core.CtxBlocky)
	return v != 0, err
}

// GetRetryAfterEINTR returns the default context's retry-after-EINTR
// setting (initially true).
func GetRetryAfterEINTR() bool { return defaultCtx.GetRetryAfterEINTR() }

// GetRetryAfterEINTR returns the context's retry-after-EINTR setting
// (initially true). Calls are never interrupted by signals in this package,
// so the setting has no effect; it is kept for compatibility.
func (ctx *Context) GetRetryAfterEINTR() bool { return ctx.retryEINTR.Load() }

// SetIoThreads sets the default context's I/O thread count (default 1).
// It only matters before the first socket is made.
func SetIoThreads(n int) error { return defaultCtx.SetIoThreads(n) }

// SetIoThreads sets the context's I/O thread count (default 1). It only
// matters before the first socket is made.
func (ctx *Context) SetIoThreads(n int) error { return ctx.setOption(core.CtxIOThreads, n) }

// SetThreadSchedPolicy sets the scheduling policy of the default context's
// I/O threads (the default, -1, leaves it unchanged; a value below 0 cannot be set). On Windows it returns
// ErrorNotImplementedWindows.
func SetThreadSchedPolicy(n int) error { return defaultCtx.SetThreadSchedPolicy(n) }

// SetThreadPriority sets the scheduling priority of the default context's
// I/O threads (the default, -1, leaves it unchanged; a value below 0 cannot be set). On Windows it returns
// ErrorNotImplementedWindows.
func SetThreadPriority(n int) error { return defaultCtx.SetThreadPriority(n) }

// SetMaxMsgsz sets the default context's maximum message size
// (default INT_MAX).
func SetMaxMsgsz(n int) error { return defaultCtx.SetMaxMsgsz(n) }

// SetMaxMsgsz sets the context's maximum message size (default INT_MAX).
func (ctx *Context) SetMaxMsgsz(n int) error { return ctx.setOption(core.CtxMaxMsgsz, n) }

// SetMaxSockets sets the maximum number of sockets in the default context
// (default 1023).
func SetMaxSockets(n int) error { return defaultCtx.SetMaxSockets(n) }

// SetMaxSockets sets the maximum number of sockets in the context
// (default 1023).
func (ctx *Context) SetMaxSockets(n int) error { return ctx.setOption(core.CtxMaxSockets, n) }

// SetIpv6 enables or disables IPv6 for the sockets made in the default
// context from now on (default false). With IPv6 a socket connects to and
// accepts both IPv4 and IPv6 peers.
func SetIpv6(i bool) error { return defaultCtx.SetIpv6(i) }

// SetIpv6 enables or disables IPv6 for the sockets made in the context from
// now on (default false). With IPv6 a socket connects to and accepts both
// IPv4 and IPv6 peers.
func (ctx *Context) SetIpv6(i bool) error { return ctx.setOption(core.CtxIPv6, boolInt(i)) }

// SetBlocky sets the default context's blocky behaviour (default true).
func SetBlocky(i bool) error { return defaultCtx.SetBlocky(i) }

// SetBlocky sets the context's blocky behaviour (default true): when false,
// sockets whose linger period was not set do not make Term wait.
func (ctx *Context) SetBlocky(i bool) error { return ctx.setOption(core.CtxBlocky, boolInt(i)) }

// SetRetryAfterEINTR sets the default context's retry-after-EINTR setting.
// It has no effect here (see Context.GetRetryAfterEINTR).
func SetRetryAfterEINTR(retry bool) { defaultCtx.SetRetryAfterEINTR(retry) }

// SetRetryAfterEINTR sets the context's retry-after-EINTR setting. Calls are
// never interrupted by signals in this package, so it has no effect; it is
// kept for compatibility.
func (ctx *Context) SetRetryAfterEINTR(retry bool) { ctx.retryEINTR.Store(retry) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
