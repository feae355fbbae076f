package zmq4

import (
	"strings"
	"time"

	"github.com/monocoque-go/monocoque/core"
)

func (soc *Socket) getInt(opt core.Option) (int, error) {
	s, err := soc.core()
	if err != nil {
		return 0, err
	}
	v, err := s.GetInt(opt)
	if err != nil {
		return 0, toErr(err)
	}
	return v, nil
}

func (soc *Socket) getBool(opt core.Option) (bool, error) {
	v, err := soc.getInt(opt)
	return v != 0, err
}

// getDuration reads a millisecond option.
func (soc *Socket) getDuration(opt core.Option) (time.Duration, error) {
	v, err := soc.getInt(opt)
	return time.Duration(v) * time.Millisecond, err
}

// getDurationOrInfinite reads a millisecond option where a negative value
// means infinite, reported as time.Duration(-1).
func (soc *Socket) getDurationOrInfinite(opt core.Option) (time.Duration, error) {
	v, err := soc.getInt(opt)
	if v < 0 {
		return time.Duration(-1), err
	}
	return time.Duration(v) * time.Millisecond, err
}

func (soc *Socket) getBytes(opt core.Option) ([]byte, error) {
	s, err := soc.core()
	if err != nil {
		return nil, err
	}
	v, err := s.GetBytes(opt)
	if err != nil {
		return nil, toErr(err)
	}
	return v, nil
}

// getString reads a string option; trailing NULs are dropped, as pebbe's
// package does with libzmq's NUL-terminated values.
func (soc *Socket) getString(opt core.Option) (string, error) {
	v, err := soc.getBytes(opt)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(v), "\x00"), nil
}

// getCurveKey reads a CURVE key as its 32 raw bytes; a key never set reads
// as 32 zero bytes, as in libzmq.
func (soc *Socket) getCurveKey(opt core.Option) ([]byte, error) {
	v, err := soc.getBytes(opt)
	if err != nil {
		return nil, err
	}
	if len(v) == 0 {
		v = make([]byte, 32)
	}
	return v, nil
}

func (soc *Socket) getCurveKeyRaw(opt core.Option) (string, error) {
	v, err := soc.getCurveKey(opt)
	return string(v), err
}

func (soc *Socket) getCurveKeyZ85(opt core.Option) (string, error) {
	v, err := soc.getCurveKey(opt)
	if err != nil {
		return "", err
	}
	return z85Encode(v), nil
}

// GetType returns the socket's type.
func (soc *Socket) GetType() (Type, error) {
	v, err := soc.getInt(core.OptType)
	return Type(v), err
}

// GetRcvmore reports whether the last part received has more parts of the
// same message after it.
func (soc *Socket) GetRcvmore() (bool, error) { return soc.getBool(core.OptRcvmore) }

// GetSndhwm returns the high water mark for outbound messages.
func (soc *Socket) GetSndhwm() (int, error) { return soc.getInt(core.OptSndhwm) }

// GetRcvhwm returns the high water mark for inbound messages.
func (soc *Socket) GetRcvhwm() (int, error) { return soc.getInt(core.OptRcvhwm) }

// GetAffinity returns the I/O thread affinity.
func (soc *Socket) GetAffinity() (uint64, error) {
	v, err := soc.getInt(core.OptAffinity)
	return uint64(v), err
}

// GetIdentity returns the socket's identity (routing id).
func (soc *Socket) GetIdentity() (string, error) { return soc.getString(core.OptRoutingID) }

// GetRate returns the multicast data rate.
func (soc *Socket) GetRate() (int, error) { return soc.getInt(core.OptRate) }

// GetRecoveryIvl returns the multicast recovery interval.
func (soc *Socket) GetRecoveryIvl() (time.Duration, error) {
	return soc.getDuration(core.OptRecoveryIvl)
}

// GetSndbuf returns the kernel transmit buffer size.
func (soc *Socket) GetSndbuf() (int, error) { return soc.getInt(core.OptSndbuf) }

// GetRcvbuf returns the kernel receive buffer size.
func (soc *Socket) GetRcvbuf() (int, error) { return soc.getInt(core.OptRcvbuf) }

// GetLinger returns the linger period; time.Duration(-1) means no limit.
func (soc *Socket) GetLinger() (time.Duration, error) {
	return soc.getDurationOrInfinite(core.OptLinger)
}

// GetReconnectIvl returns the reconnection interval; time.Duration(-1)
// means no reconnection.
func (soc *Socket) GetReconnectIvl() (time.Duration, error) {
	return soc.getDurationOrInfinite(core.OptReconnectIvl)
}

// GetReconnectIvlMax returns the maximum reconnection interval.
func (soc *Socket) GetReconnectIvlMax() (time.Duration, error) {
	return soc.getDuration(core.OptReconnectIvlMax)
}

// GetBacklog returns the length of the queue of pending connections.
func (soc *Socket) GetBacklog() (int, error) { return soc.getInt(core.OptBacklog) }

// GetMaxmsgsize returns the largest inbound message accepted (-1: no limit).
func (soc *Socket) GetMaxmsgsize() (int64, error) {
	v, err := soc.getInt(core.OptMaxmsgsize)
	return int64(v), err
}

// GetMulticastHops returns the time-to-live of multicast packets.
func (soc *Socket) GetMulticastHops() (int, error) { return soc.getInt(core.OptMulticastHops) }

// GetRcvtimeo returns the receive timeout; time.Duration(-1) means no limit.
func (soc *Socket) GetRcvtimeo() (time.Duration, error) {
	return soc.getDurationOrInfinite(core.OptRcvtimeo)
}

// GetSndtimeo returns the send timeout; time.Duration(-1) means no limit.
func (soc *Socket) GetSndtimeo() (time.Duration, error) {
	return soc.getDurationOrInfinite(core.OptSndtimeo)
}

// GetIpv6 reports whether IPv6 is enabled on the socket.
func (soc *Socket) GetIpv6() (bool, error) { return soc.getBool(core.OptIPv6) }

// GetImmediate reports whether messages queue only for completed
// connections.
func (soc *Socket) GetImmediate() (bool, error) { return soc.getBool(core.OptImmediate) }

// GetEvents returns the socket's readiness: POLLIN, POLLOUT, both or none.
func (soc *Socket) GetEvents() (State, error) {
	v, err := soc.getInt(core.OptEvents)
	return State(v), err
}

// GetLastEndpoint returns the endpoint last bound or connected, with the
// port resolved for a bind to port "*".
func (soc *Socket) GetLastEndpoint() (string, error) {
	return soc.getString(core.OptLastEndpoint)
}

// GetTcpKeepalive returns the SO_KEEPALIVE override.
func (soc *Socket) GetTcpKeepalive() (int, error) { return soc.getInt(core.OptTCPKeepalive) }

// GetTcpKeepaliveIdle returns the TCP_KEEPIDLE override.
func (soc *Socket) GetTcpKeepaliveIdle() (int, error) {
	return soc.getInt(core.OptTCPKeepaliveIdle)
}

// GetTcpKeepaliveCnt returns the TCP_KEEPCNT override.
func (soc *Socket) GetTcpKeepaliveCnt() (int, error) {
	return soc.getInt(core.OptTCPKeepaliveCnt)
}

// GetTcpKeepaliveIntvl returns the TCP_KEEPINTVL override.
func (soc *Socket) GetTcpKeepaliveIntvl() (int, error) {
	return soc.getInt(core.OptTCPKeepaliveIntvl)
}

// GetMechanism returns the security mechanism the socket's connections
// use. Only NULL is available so far.
func (soc *Socket) GetMechanism() (Mechanism, error) {
	v, err := soc.getInt(core.OptMechanism)
	return Mechanism(v), err
}

// GetPlainServer returns the PLAIN server setting.
func (soc *Socket) GetPlainServer() (int, error) { return soc.getInt(core.OptPlainServer) }

// GetPlainUsername returns the PLAIN username.
func (soc *Socket) GetPlainUsername() (string, error) {
	return soc.getString(core.OptPlainUsername)
}

// GetPlainPassword returns the PLAIN password.
func (soc *Socket) GetPlainPassword() (string, error) {
	return soc.getString(core.OptPlainPassword)
}

// GetCurvePublickeyRaw returns the CURVE public key as 32 bytes.
func (soc *Socket) GetCurvePublickeyRaw() (string, error) {
	return soc.getCurveKeyRaw(core.OptCurvePublickey)
}

// GetCurvePublickeykeyZ85 returns the CURVE public key in Z85 text (the
// doubled "key" is in pebbe's name too).
func (soc *Socket) GetCurvePublickeykeyZ85() (string, error) {
	return soc.getCurveKeyZ85(core.OptCurvePublickey)
}

// GetCurveSecretkeyRaw returns the CURVE secret key as 32 bytes.
func (soc *Socket) GetCurveSecretkeyRaw() (string, error) {
	return soc.getCurveKeyRaw(core.OptCurveSecretkey)
}

// GetCurveSecretkeyZ85 returns the CURVE secret key in Z85 text.
func (soc *Socket) GetCurveSecretkeyZ85() (string, error) {
	return soc.getCurveKeyZ85(core.OptCurveSecretkey)
}

// GetCurveServerkeyRaw returns the CURVE server key as 32 bytes.
func (soc *Socket) GetCurveServerkeyRaw() (string, error) {
	return soc.getCurveKeyRaw(core.OptCurveServerkey)
}

// GetCurveServerkeyZ85 returns the CURVE server key in Z85 text.
func (soc *Socket) GetCurveServerkeyZ85() (string, error) {
	return soc.getCurveKeyZ85(core.OptCurveServerkey)
}

// GetZapDomain returns the RFC 27 authentication domain.
func (soc *Socket) GetZapDomain() (string, error) { return soc.getString(core.OptZapDomain) }

// GetTos returns the Type-of-Service setting.
func (soc *Socket) GetTos() (int, error) { return soc.getInt(core.OptTos) }

// GetGssapiServer reports whether the socket is a GSSAPI server.
func (soc *Socket) GetGssapiServer() (bool, error) { return soc.getBool(core.OptGssapiServer) }

// GetGssapiPrincipal returns the name of the GSSAPI principal.
func (soc *Socket) GetGssapiPrincipal() (string, error) {
	return soc.getString(core.OptGssapiPrincipal)
}

// GetGssapiServicePrincipal returns the name of the GSSAPI service
// principal.
func (soc *Socket) GetGssapiServicePrincipal() (string, error) {
	return soc.getString(core.OptGssapiSvcPrinc)
}

// GetGssapiPlaintext reports whether GSSAPI encryption is off.
func (soc *Socket) GetGssapiPlaintext() (bool, error) {
	return soc.getBool(core.OptGssapiPlaintext)
}

// GetHandshakeIvl returns the longest a handshake may take.
func (soc *Socket) GetHandshakeIvl() (time.Duration, error) {
	return soc.getDuration(core.OptHandshakeIvl)
}

// GetSocksProxy returns the SOCKS5 proxy address.
func (soc *Socket) GetSocksProxy() (string, error) { return soc.getString(core.OptSocksProxy) }

// GetInvertMatching returns the inverted-filtering setting.
func (soc *Socket) GetInvertMatching() (int, error) {
	return soc.getInt(core.OptInvertMatching)
}

// GetConnectTimeout returns the TCP connect timeout.
func (soc *Socket) GetConnectTimeout() (time.Duration, error) {
	return soc.getDuration(core.OptConnectTimeout)
}

// GetTcpMaxrt returns the TCP maximum retransmit timeout.
func (soc *Socket) GetTcpMaxrt() (time.Duration, error) {
	return soc.getDuration(core.OptTCPMaxrt)
}

// GetThreadSafe reports whether the socket type is thread-safe in libzmq's
// sense (the draft socket types); false for every type here.
func (soc *Socket) GetThreadSafe() (bool, error) { return soc.getBool(core.OptThreadSafe) }

// GetMulticastMaxtpdu returns the largest multicast transport data unit.
func (soc *Socket) GetMulticastMaxtpdu() (int, error) {
	return soc.getInt(core.OptMulticastMaxtpdu)
}

// GetVmciBufferSize returns the buffer size of a VMCI connection.
func (soc *Socket) GetVmciBufferSize() (uint64, error) {
	v, err := soc.getInt(core.OptVMCIBufferSize)
	return uint64(v), err
}

// GetVmciBufferMinSize returns the minimum buffer size of a VMCI connection.
func (soc *Socket) GetVmciBufferMinSize() (uint64, error) {
	v, err := soc.getInt(core.OptVMCIBufferMinSize)
	return uint64(v), err
}

// GetVmciBufferMaxSize returns the maximum buffer size of a VMCI connection.
func (soc *Socket) GetVmciBufferMaxSize() (uint64, error) {
	v, err := soc.getInt(core.OptVMCIBufferMaxSize)
	return uint64(v), err
}

// GetVmciConnectTimeout returns the connect timeout of a VMCI connection.
func (soc *Socket) GetVmciConnectTimeout() (time.Duration, error) {
	return soc.getDuration(core.OptVMCIConnectTimeo)
}

// Getusefd returns the pre-opened file descriptor set with SetUseFd.
func (soc *Socket) Getusefd() (int, error) { return soc.getInt(core.OptUseFd) }

// getFd reads the socket's notification file descriptor. The core has
// none yet, so this reports ENOTSUP.
func (soc *Socket) getFd() (int, error) {
	v, err := soc.getInt(core.OptFd)
	if err == einval {
		return -1, ENOTSUP
	}
	return v, err
}
