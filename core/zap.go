package core

import (
	"errors"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/monocoque-go/monocoque/wire"
)

// zapName is the inproc name a ZAP handler (RFC 27) binds in a context.
const zapName = "zeromq.zap.01"

// zapRequestIDs numbers ZAP requests so that replies can be matched.
var zapRequestIDs atomic.Uint64

// zapHandlerBound reports whether a ZAP handler is bound in c.
func (c *Context) zapHandlerBound() bool {
	c.inprocMu.Lock()
	defer c.inprocMu.Unlock()
	_, ok := c.inprocBound[zapName]
	return ok
}

// authenticate settles a mechanism waiting for a ZAP decision and returns
// the commands to send. Without a handler, libzmq refuses PLAIN clients
// and lets CURVE and NULL ones in; with one, its answer decides. The
// request carries the domain and routing id of the session's options.
func (e *zmtpEngine) authenticate(m wire.ZAPMechanism, deadline time.Time) ([][]byte, error) {
	req := m.ZAPRequest()
	req.RequestID = []byte(strconv.FormatUint(zapRequestIDs.Add(1), 10))
	o := e.h.options()
	req.Domain = string(o.bytes[OptZapDomain])
	req.Identity = o.bytes[OptRoutingID]
	if host, _, err := net.SplitHostPort(e.conn.RemoteAddr().String()); err == nil {
		req.Address = host
	}
	reply, bound, err := e.h.zap(req, deadline)
	if !bound {
		if m.Name() == wire.MechanismPlain {
			return nil, errors.New("zap: PLAIN needs a ZAP handler and none is bound")
		}
		return m.ZAPReply(wire.ZAPSuccess, "OK", nil, nil)
	}
	if err != nil {
		return nil, err
	}
	resp, err := wire.ParseZAPResponse(reply, req.RequestID)
	if err != nil {
		return nil, err
	}
	return m.ZAPReply(resp.StatusCode, resp.StatusText, resp.UserID, resp.Metadata)
}

// zap sends a ZAP request to the context's handler; bound is false when
// none is bound.
func (c *Context) zap(req wire.ZAPRequest, deadline time.Time) ([][]byte, bool, error) {
	if !c.zapHandlerBound() {
		return nil, false, nil
	}
	reply, err := c.zapExchange(req.Frames(), deadline)
	return reply, true, err
}

// zapExchange sends one request to the context's ZAP handler, as a DEALER
// would (after an empty delimiter), and returns the reply's frames after
// the delimiter. It gives up at deadline (zero: after 30 seconds).
func (c *Context) zapExchange(request [][]byte, deadline time.Time) ([][]byte, error) {
	if deadline.IsZero() {
		deadline = time.Now().Add(30 * time.Second)
	}
	ms := int(time.Until(deadline) / time.Millisecond)
	if ms <= 0 {
		return nil, ETIMEDOUT
	}
	zs, err := c.NewSocket(DEALER)
	if err != nil {
		return nil, err
	}
	defer zs.Close()
	for _, o := range []struct {
		opt Option
		v   int
	}{{OptLinger, 0}, {OptSndtimeo, ms}, {OptRcvtimeo, ms}} {
		if err := zs.SetInt(o.opt, o.v); err != nil {
			return nil, err
		}
	}
	if err := zs.Connect("inproc://" + zapName); err != nil {
		return nil, err
	}
	if err := zs.SendMsg(append([][]byte{{}}, request...), 0); err != nil {
		return nil, err
	}
	reply, err := zs.RecvMsg(0)
	if err != nil {
		return nil, err
	}
	if len(reply) == 0 || len(reply[0]) != 0 {
		return nil, wire.ErrZAP
	}
	return reply[1:], nil
}
