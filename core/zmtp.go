package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

// zmtpEngine runs ZMTP 3.x on one connection: the greeting and the
// security handshake (startZMTP), then a reader that decodes frames into
// messages and the shared batching writer.
type zmtpEngine struct {
	engineIO
	dec *wire.Decoder
	id  []byte // the peer's routing id, from its metadata

	// codec, for CURVE, wraps every frame after the handshake; sealBuf is
	// the writer's scratch for sealed frames.
	codec   wire.MessageCodec
	sealBuf []byte

	props *Properties // metadata attached to every message received
	// The reader's own read deadlines: ttlAt from the peer's PING TTL
	// (lifted by the next frame), idleAt for giving the read buffer back
	// (see idleAfter). Zero: none.
	ttlAt, idleAt time.Time
}

func (e *zmtpEngine) peerID() []byte { return e.id }

// startZMTP runs the greeting and the mechanism on conn and returns the
// engine ready to run. It gives up after HANDSHAKE_IVL; the caller ends it
// earlier by closing conn (through ctx).
func startZMTP(ctx context.Context, h engineHost, conn net.Conn) (eng engine, herr error) {
	defer func() {
		// Tell a monitor how it went, as libzmq does.
		if herr != nil {
			h.event(handshakeEvent(herr))
			return
		}
		h.event(EventHandshakeSucceeded, 0)
	}()
	o := h.options()
	mech := o.newMechanism(h.socketType(), o.zapWanted())
	ivl := o.int(OptHandshakeIvl)
	if ivl > 0 {
		conn.SetDeadline(time.Now().Add(time.Duration(ivl) * time.Millisecond))
	}

	var g [wire.GreetingSize]byte
	out := wire.Greeting{Major: 3, Minor: 1, Mechanism: mech.Name(), AsServer: o.sec.asServer}.Append(g[:0])
	if _, err := conn.Write(out); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(conn, g[:wire.GreetingPrefixSize]); err != nil {
		return nil, err
	}
	if err := wire.CheckGreetingPrefix(g[:wire.GreetingPrefixSize]); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(conn, g[wire.GreetingPrefixSize:]); err != nil {
		return nil, err
	}
	peer, err := wire.ParseGreeting(g[:])
	if err != nil {
		return nil, err
	}
	if peer.Mechanism != mech.Name() {
		return nil, fmt.Errorf("%w: security mechanism mismatch: we use %s, the peer %s", errProtocol, mech.Name(), peer.Mechanism)
	}
	e := &zmtpEngine{engineIO: newEngineIO(ctx, h, conn), dec: wire.NewDecoder(conn, o.int64Max())}
	// The read buffer follows the traffic: 4 KiB for small messages, up
	// to 64 KiB while a stream fills it.
	e.dec.SetAdaptive(4 << 10)
	e.append, e.appendCmd = e.appendMsg, e.appendCommand
	// The handshake waits for each of the peer's commands holding no read
	// buffer, so a storm of connections costs no buffers while they wait.
	if w := readWaiter(conn); w != nil {
		e.dec.SetWaiter(w)
	}
	if peer.Major != 3 || peer.Minor != 0 { // ZMTP 3.0 has no PING: no heartbeats
		e.hbIvl = time.Duration(o.int(OptHeartbeatIvl)) * time.Millisecond
		e.hbTTL = time.Duration(o.int(OptHeartbeatTTL)) * time.Millisecond
		e.hbTimeout = time.Duration(o.int(OptHeartbeatTimeout)) * time.Millisecond
		if e.hbTimeout < 0 {
			e.hbTimeout = e.hbIvl
		}
	}
	cmds, err := mech.Start()
	for {
		// Send what the mechanism produced, even when it then failed: an
		// ERROR command tells the peer why.
		for _, c := range cmds {
			e.enc.AppendFrame(wire.FlagCommand, c)
		}
		if e.enc.Len() > 0 {
			if _, werr := e.enc.WriteTo(conn); werr != nil && err == nil {
				err = werr
			}
		}
		if err != nil {
			return nil, err
		}
		switch mech.Status() {
		case wire.Ready:
			goto ready
		case wire.Failed:
			return nil, fmt.Errorf("%w: handshake failed", errProtocol)
		case wire.WaitingForZAP:
			var deadline time.Time
			if ivl > 0 {
				deadline = time.Now().Add(time.Duration(ivl) * time.Millisecond)
			}
			cmds, err = e.authenticate(mech.(wire.ZAPMechanism), deadline)
			continue
		}
		f, err2 := e.dec.Next()
		if err2 != nil {
			return nil, err2
		}
		if !f.IsCommand() {
			return nil, fmt.Errorf("%w: message frame during handshake", errProtocol)
		}
		cmds, err = mech.Handle(f.Body)
	}
ready:
	if c, ok := mech.(wire.MessageCodec); ok {
		e.codec = c
	}
	conn.SetDeadline(time.Time{})
	if id, ok := mech.PeerMetadata().Get(wire.PropIdentity); ok {
		e.id = id
	}
	e.props = connProperties(mech, peerHost(conn))
	// REQ and REP alternate strictly between sending and receiving: there
	// is never a stream to batch, so their senders write small messages
	// themselves (the direct path). Other types keep the writer: with
	// fan-out or pipelines the direct path costs a system call per pipe
	// and message, far more than the hand-off it saves.
	if directTypes[h.socketType()] {
		e.direct = writeNow(conn)
	}
	return e, nil
}

// directTypes are the socket types whose senders take the direct path
// (engineIO.writeDirect). Tests add others to exercise it under load.
var directTypes = map[SocketType]bool{REQ: true, REP: true}

// run moves messages until the connection ends; a ZMTP connection may
// always be made again.
func (e *zmtpEngine) run(p *pipe) bool {
	e.serve(p, func() { e.readLoop(p) })
	e.h.event(EventDisconnected, e.fd)
	return true
}

// idleAfter is how long a connection's reader waits holding its read
// buffer: a connection that received nothing for that long gives the
// buffer back and waits for input without one (readWaiter), so idle
// connections cost no buffer memory while busy ones pay nothing per read.
const idleAfter = time.Second

// readLoop decodes frames into messages and hands them to the session in
// batches, as long as the decoder has whole frames buffered.
func (e *zmtpEngine) readLoop(p *pipe) {
	var held *[]pool.Msg // a batch, while there is input to move
	var batch []pool.Msg
	var cur pool.Msg
	defer func() {
		if held != nil {
			e.h.deliver(p, batch)
			*held = batch[:0] // keep what append grew
			dropBatch(held)
		}
	}()
	// The connection starts idle, as the handshake left it: the decoder
	// waits for input without a buffer (its waiter is set) until the
	// first frame, then reads with one until a quiet idleAfter.
	wait := readWaiter(e.conn)
	idle := wait != nil // waiting without a buffer (the decoder's waiter is set)
	frames := 0         // frames since the idle deadline was armed
	for {
		f, err := e.dec.Next()
		if err != nil && wait != nil && !idle && errors.Is(err, os.ErrDeadlineExceeded) && e.idleDue() {
			// Our own idle deadline, not the peer's TTL: if nothing came
			// since it was armed, give the buffer back and wait without
			// one; otherwise arm it again.
			if frames == 0 {
				idle = true
				e.dec.SetWaiter(wait)
				e.idleAt = time.Time{}
				if held != nil { // empty: delivered before the read
					*held = batch[:0]
					dropBatch(held)
					held, batch = nil, nil
				}
			} else {
				e.idleAt = time.Now().Add(idleAfter)
			}
			frames = 0
			e.armDeadline()
			continue
		}
		if err == nil && e.codec != nil {
			f, err = e.open(f)
		}
		if err != nil {
			return
		}
		frames++
		if idle {
			// Input again: read with a buffer, bounded by the deadline.
			idle = false
			e.dec.SetWaiter(nil)
			e.idleAt = time.Now().Add(idleAfter)
			e.armDeadline()
		}
		if held == nil {
			held = takeBatch()
			batch = (*held)[:0]
		}
		if e.hbIvl > 0 {
			e.heard.Store(true)
		}
		if !e.ttlAt.IsZero() {
			e.ttlAt = time.Time{}
			e.armDeadline()
		}
		if f.IsCommand() {
			sub, ok := e.command(p, f.Body)
			if !ok {
				return
			}
			if sub.Len() == 0 {
				continue
			}
			// A SUBSCRIBE or CANCEL: queued in order with the messages.
			batch = append(batch, sub)
		} else {
			cur.Append(f.Body)
			if f.More() {
				continue
			}
			cur.Meta = e.props
			batch = append(batch, cur)
			cur = pool.Msg{}
		}
		if len(batch) == maxBatch || !e.dec.Ready() {
			e.h.deliver(p, batch)
			batch = batch[:0]
		}
	}
}

// idleDue reports whether the idle deadline has passed (the read deadline
// that just expired was not the peer's TTL).
func (e *zmtpEngine) idleDue() bool {
	now := time.Now()
	return !e.idleAt.IsZero() && !now.Before(e.idleAt) && (e.ttlAt.IsZero() || now.Before(e.ttlAt))
}

// armDeadline sets the connection's read deadline to the sooner of the
// peer's PING TTL and the idle deadline (none when neither is set).
func (e *zmtpEngine) armDeadline() {
	d := e.ttlAt
	if d.IsZero() || !e.idleAt.IsZero() && e.idleAt.Before(d) {
		d = e.idleAt
	}
	e.conn.SetReadDeadline(d)
}

// command handles a command frame after the handshake; false ends the
// connection. A SUBSCRIBE or CANCEL sent to a PUB or XPUB comes back as the
// equivalent subscription message, for the pipe.
func (e *zmtpEngine) command(p *pipe, body []byte) (sub pool.Msg, ok bool) {
	name, data, err := wire.ParseCommand(body)
	if err != nil {
		return sub, false
	}
	if e.h.takesSubscriptions() {
		if sub, ok := subscriptionCommand(name, data); ok {
			return sub, true
		}
	}
	return sub, e.control(p, name, data)
}

// control handles the other commands; false ends the connection.
func (e *zmtpEngine) control(p *pipe, name string, data []byte) bool {
	switch name {
	case wire.CmdPing:
		ttl, ctx, err := wire.ParsePing(data)
		if err != nil {
			return false
		}
		if ttl > 0 {
			// The peer wants to be dropped if it goes silent for ttl.
			e.ttlAt = time.Now().Add(time.Duration(ttl) * 100 * time.Millisecond)
			e.armDeadline()
		}
		e.queueCommand(p, wire.AppendCommandBody(nil, wire.CmdPong, ctx))
		return true
	case wire.CmdPong:
		return true
	case wire.CmdError:
		return false
	}
	// Unknown commands are ignored, as ZMTP asks.
	return true
}

// appendCommand queues a command frame for the writer, sealed in a CURVE
// MESSAGE when the connection has a codec.
func (e *zmtpEngine) appendCommand(body []byte) error {
	return e.appendFrame(wire.FlagCommand, body)
}

// appendFrame queues one frame, through the codec if there is one. A sealed
// frame travels as a data frame with no flags, as libzmq sends it: MORE and
// COMMAND are inside the box.
func (e *zmtpEngine) appendFrame(flags byte, body []byte) error {
	if e.codec == nil {
		e.enc.AppendFrame(flags, body)
		return nil
	}
	sealed, err := e.codec.EncodeFrame(e.sealBuf[:0], flags, body)
	if err != nil {
		return err
	}
	e.sealBuf = sealed[:0]
	e.enc.AppendFrame(0, sealed) // copied or referenced until the write
	if len(sealed) >= wire.CopyThreshold {
		e.sealBuf = nil // referenced by the encoder: don't reuse it yet
	}
	return nil
}

// appendMsg queues a whole message.
func (e *zmtpEngine) appendMsg(m *pool.Msg) error {
	if e.codec == nil {
		e.enc.AppendMsg(m)
		return nil
	}
	for i, n := 0, m.Len(); i < n; i++ {
		var flags byte
		if i < n-1 {
			flags = wire.FlagMore
		}
		if err := e.appendFrame(flags, m.Frame(i)); err != nil {
			return err
		}
	}
	return nil
}

// open unwraps a frame received on a connection with a codec.
func (e *zmtpEngine) open(f wire.Frame) (wire.Frame, error) {
	flags, body, err := e.codec.DecodeFrame(f.Body)
	return wire.Frame{Flags: flags, Body: body}, err
}
