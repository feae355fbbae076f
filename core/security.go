package core

import (
	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

// security holds a socket's security settings, changed the way libzmq's
// options change them: the last security option set decides the mechanism
// and the role.
type security struct {
	mechanism int  // MechNull, MechPlain or MechCurve
	asServer  bool // the PLAIN or CURVE server role
}

// noteSecurityInt records an integer security option (PLAIN_SERVER,
// CURVE_SERVER).
func (o *options) noteSecurityInt(opt Option, v int) {
	switch opt {
	case OptPlainServer:
		o.sec.asServer = v != 0
		o.sec.mechanism = MechNull
		if v != 0 {
			o.sec.mechanism = MechPlain
		}
	case OptCurveServer:
		o.sec.asServer = v != 0
		o.sec.mechanism = MechNull
		if v != 0 {
			o.sec.mechanism = MechCurve
		}
	}
}

// checkSecurityBytes validates a binary security option before it is
// stored.
func checkSecurityBytes(opt Option, v []byte) error {
	switch opt {
	case OptCurvePublickey, OptCurveSecretkey, OptCurveServerkey:
		if len(v) != wire.CurveKeySize {
			return EINVAL // the facade turns Z85 text into 32 raw bytes
		}
	case OptPlainUsername, OptPlainPassword:
		if len(v) > wire.MaxPlainCredential {
			return EINVAL
		}
	}
	return nil
}

// noteSecurityBytes records a binary security option.
func (o *options) noteSecurityBytes(opt Option, v []byte) {
	switch opt {
	case OptPlainUsername, OptPlainPassword:
		if len(v) == 0 {
			o.sec.mechanism = MechNull
		} else {
			o.sec.mechanism = MechPlain
		}
		o.sec.asServer = false
	case OptCurvePublickey, OptCurveSecretkey:
		o.sec.mechanism = MechCurve
	case OptCurveServerkey:
		o.sec.mechanism = MechCurve
		o.sec.asServer = false
	}
}

// securityInt answers the security options' getters; ok is false for
// other options.
func (o *options) securityInt(opt Option) (v int, ok bool) {
	switch opt {
	case OptMechanism:
		return o.sec.mechanism, true
	case OptPlainServer:
		return boolInt(o.sec.asServer && o.sec.mechanism == MechPlain), true
	case OptCurveServer:
		return boolInt(o.sec.asServer && o.sec.mechanism == MechCurve), true
	}
	return 0, false
}

// key32 returns a stored 32-byte key option.
func (o *options) key32(opt Option) (k [32]byte) {
	copy(k[:], o.bytes[opt])
	return k
}

// newMechanism builds the security mechanism for one connection from the
// socket's options. zap asks server-side mechanisms to consult a ZAP
// handler. The caller holds s.mu.
func (s *Socket) newMechanism(zap bool) wire.Mechanism {
	o := &s.opt
	info := wire.SocketInfo{Type: s.typ.String(), Identity: o.routingID, AsServer: o.sec.asServer}
	switch o.sec.mechanism {
	case MechPlain:
		if o.sec.asServer {
			return wire.NewPlainServer(info, zap)
		}
		return wire.NewPlainClient(info, o.bytes[OptPlainUsername], o.bytes[OptPlainPassword])
	case MechCurve:
		if o.sec.asServer {
			return wire.NewCurveServer(info, o.key32(OptCurveSecretkey), zap)
		}
		return wire.NewCurveClient(info, o.key32(OptCurveServerkey), o.key32(OptCurvePublickey), o.key32(OptCurveSecretkey))
	}
	if zap {
		return wire.NewNullZAP(info)
	}
	return wire.NewNull(info)
}

// appendCommand queues a command frame for the writer, sealed in a CURVE
// MESSAGE when the connection has a codec.
func (e *engine) appendCommand(body []byte) error {
	return e.appendFrame(wire.FlagCommand, body)
}

// appendFrame queues one frame, through the codec if there is one. A sealed
// frame travels as a data frame with no flags, as libzmq sends it: MORE and
// COMMAND are inside the box.
func (e *engine) appendFrame(flags byte, body []byte) error {
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
func (e *engine) appendMsg(m *pool.Msg) error {
	if e.raw {
		return e.appendRaw(m)
	}
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
func (e *engine) open(f wire.Frame) (wire.Frame, error) {
	if e.codec == nil {
		return f, nil
	}
	flags, body, err := e.codec.DecodeFrame(f.Body)
	return wire.Frame{Flags: flags, Body: body}, err
}
