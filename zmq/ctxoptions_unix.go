//go:build !windows

package zmq4

import "github.com/monocoque-go/monocoque/core"

// SetThreadSchedPolicy sets the scheduling policy of the context's I/O
// threads (the default, -1, leaves it unchanged; a value below 0 cannot be set). It only matters before the first socket
// is made.
func (ctx *Context) SetThreadSchedPolicy(n int) error {
	return ctx.setOption(core.CtxThreadSchedPolicy, n)
}

// SetThreadPriority sets the scheduling priority of the context's I/O
// threads (the default, -1, leaves it unchanged; a value below 0 cannot be set). It only matters before the first socket
// is made.
func (ctx *Context) SetThreadPriority(n int) error {
	return ctx.setOption(core.CtxThreadPriority, n)
}
