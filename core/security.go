package core

import (
	"github.com/monocoque-go/monocoque/wire"
)

// security holds a socket's security settings, changed the way libzmq's
// options change them: the last security option set decides the mechanism
// and the role.
type security struct {
	mechanism int  // MechNull, MechPlain or MechCurve
	asServer  bool // the PLAIN or CURVE server role
}

// noteSecurity records a security option just set: the last one set
// decides the mechanism and the role, as in libzmq. The caller holds s.mu.
func (s *Socket) noteSecurity(opt Option) {
	o := &s.opt
	switch opt {
	case OptPlainServer, OptCurveServer:
		on := o.flag(opt)
		o.sec.asServer = on
		o.sec.mechanism = MechNull
		if on && opt == OptPlainServer {
			o.sec.mechanism = MechPlain
		} else if on {
			o.sec.mechanism = MechCurve
		}
	case OptPlainUsername, OptPlainPassword:
		o.sec.mechanism = MechPlain
		if len(o.bytes[opt]) == 0 {
			o.sec.mechanism = MechNull
		}
		o.sec.asServer = false
	case OptCurvePublickey, OptCurveSecretkey:
		o.sec.mechanism = MechCurve
	case OptCurveServerkey:
		o.sec.mechanism = MechCurve
		o.sec.asServer = false
	}
}

// checkCurveKey accepts 32-byte keys (the facade turns Z85 text into raw
// bytes first).
func checkCurveKey(v []byte) error {
	if len(v) != wire.CurveKeySize {
		return EINVAL
	}
	return nil
}

// checkPlainCredential accepts PLAIN user names and passwords that fit
// their one-byte length.
func checkPlainCredential(v []byte) error {
	if len(v) > wire.MaxPlainCredential {
		return EINVAL
	}
	return nil
}

// getPlainServer and getCurveServer report the role the last security
// option chose.
func getPlainServer(s *Socket) int {
	return boolInt(s.opt.sec.asServer && s.opt.sec.mechanism == MechPlain)
}

func getCurveServer(s *Socket) int {
	return boolInt(s.opt.sec.asServer && s.opt.sec.mechanism == MechCurve)
}

// key32 returns a stored 32-byte key option.
func (o *options) key32(opt Option) (k [32]byte) {
	copy(k[:], o.bytes[opt])
	return k
}

// zapWanted reports whether connections made with these options go
// through ZAP, as libzmq decides: always for PLAIN and CURVE servers, for
// NULL only with a ZAP domain.
func (o *options) zapWanted() bool {
	return o.sec.asServer && o.sec.mechanism != MechNull || len(o.bytes[OptZapDomain]) > 0
}

// newMechanism builds the security mechanism for one connection of a
// socket of type t. zap asks server-side mechanisms to consult a ZAP
// handler.
func (o *options) newMechanism(t SocketType, zap bool) wire.Mechanism {
	info := wire.SocketInfo{Type: t.String(), Identity: o.bytes[OptRoutingID], AsServer: o.sec.asServer}
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
