package core

import (
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/monocoque-go/monocoque/wire"
)

// zapName is the inproc name a ZAP handler (RFC 27) binds in a context.
const zapName = "zeromq.zap.01"

// zapRequestIDs numbers ZAP requests so that replies can be matched.
var zapRequestIDs atomic.Uint64

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

// zapMaxPending bounds the ZAP requests a context has in flight; a
// handshake that finds them all taken waits for one (within its
// HANDSHAKE_IVL), so unauthenticated peers cannot make requests pile up.
const zapMaxPending = 256

// zapClient carries a context's ZAP requests to its handler over one
// internal DEALER, connected to inproc://zeromq.zap.01 (libzmq's sessions
// use a pipe to the handler in the same way). The socket is the context's
// own: it does not count against MAX_SOCKETS, and Term closes it. Replies
// are matched to requests by request id.
type zapClient struct {
	slots chan struct{} // one token per request in flight

	mu      sync.Mutex
	sock    *Socket        // nil until the first request
	handler *inprocBinding // the binding sock is connected to
	waiting map[string]chan [][]byte
	done    chan struct{} // closed when the reply reader ends
}

// zap sends a ZAP request to the context's handler and returns the
// reply's frames after the delimiter; bound is false when no handler is
// bound. It gives up at deadline (zero: after 30 seconds) or at Term.
func (c *Context) zap(req wire.ZAPRequest, deadline time.Time) ([][]byte, bool, error) {
	c.inprocMu.Lock()
	b := c.inprocBound[zapName]
	c.inprocMu.Unlock()
	if b == nil {
		return nil, false, nil
	}
	if deadline.IsZero() {
		deadline = time.Now().Add(30 * time.Second)
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	zc := &c.zapc
	select {
	case zc.slots <- struct{}{}:
	case <-t.C:
		return nil, true, ETIMEDOUT
	case <-c.termCh:
		return nil, true, ETERM
	}
	defer func() { <-zc.slots }()
	id := string(req.RequestID)
	ch := make(chan [][]byte, 1)
	sock, err := zc.register(c, b, id, ch)
	if err != nil {
		return nil, true, err
	}
	defer zc.forget(id)
	if err := sock.SendMsg(append([][]byte{{}}, req.Frames()...), DontWait); err != nil {
		return nil, true, err
	}
	select {
	case reply := <-ch:
		return reply, true, nil
	case <-t.C:
		return nil, true, ETIMEDOUT
	case <-c.termCh:
		return nil, true, ETERM
	}
}

// register makes sure the client's socket is connected to the handler
// bound as b and records ch as the place for the reply to request id.
func (zc *zapClient) register(c *Context, b *inprocBinding, id string, ch chan [][]byte) (*Socket, error) {
	zc.mu.Lock()
	defer zc.mu.Unlock()
	if zc.sock == nil {
		s, err := c.newSocket(DEALER, true)
		if err != nil {
			return nil, err
		}
		for _, o := range []struct {
			opt Option
			v   int
		}{{OptLinger, 0}, {OptSndhwm, 0}, {OptRcvhwm, 0}} {
			s.SetInt(o.opt, o.v)
		}
		zc.sock, zc.waiting, zc.done = s, make(map[string]chan [][]byte), make(chan struct{})
		go zc.readReplies(s, zc.done)
	}
	if zc.handler != b {
		// A new handler (AuthStop, then AuthStart): connect to it.
		if zc.handler != nil {
			zc.sock.Disconnect("inproc://" + zapName)
		}
		if err := zc.sock.Connect("inproc://" + zapName); err != nil {
			return nil, err
		}
		zc.handler = b
	}
	zc.waiting[id] = ch
	return zc.sock, nil
}

func (zc *zapClient) forget(id string) {
	zc.mu.Lock()
	delete(zc.waiting, id)
	zc.mu.Unlock()
}

// readReplies hands each reply to the request waiting for it, until the
// socket is closed.
func (zc *zapClient) readReplies(s *Socket, done chan struct{}) {
	defer close(done)
	for {
		msg, err := s.RecvMsg(0)
		if err != nil {
			return
		}
		// [delimiter, version, request id, status code, text, user, metadata]
		if len(msg) < 3 || len(msg[0]) != 0 {
			continue
		}
		zc.mu.Lock()
		ch := zc.waiting[string(msg[2])]
		zc.mu.Unlock()
		if ch != nil {
			select {
			case ch <- msg[1:]:
			default:
			}
		}
	}
}

// close ends the client: its socket is closed and its reader waited for.
func (zc *zapClient) close() {
	zc.mu.Lock()
	s, done := zc.sock, zc.done
	zc.sock = nil
	zc.mu.Unlock()
	if s != nil {
		s.Close()
		<-done
	}
}
