package zmq4

import (
	"time"

	"github.com/monocoque-go/monocoque/core"
)

// optTCPAcceptFilter is libzmq's deprecated ZMQ_TCP_ACCEPT_FILTER.
const optTCPAcceptFilter = core.Option(38)

// cInt converts a value to the C int that pebbe's package hands libzmq
// for an int option: values beyond 32 bits wrap around as they do there
// (2^31 arrives negative and is refused, 2^32 arrives as 0).
func cInt(v int) int { return int(int32(v)) }

// setInt sets an option that libzmq takes as a C int.
func (soc *Socket) setInt(opt core.Option, value int) error {
	return soc.setInt64(opt, cInt(value))
}

// setInt64 sets an option that libzmq takes as a 64-bit integer.
func (soc *Socket) setInt64(opt core.Option, value int) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	return toErr(s.SetInt(opt, value))
}

func (soc *Socket) setBool(opt core.Option, value bool) error {
	return soc.setInt(opt, boolInt(value))
}

func (soc *Socket) setString(opt core.Option, value string) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	return toErr(s.SetBytes(opt, []byte(value)))
}

// setNullString sets a string option to "no value", as libzmq does when
// given a NULL pointer.
func (soc *Socket) setNullString(opt core.Option) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	return toErr(s.SetBytes(opt, nil))
}

// setStringOrNull sets a string option, an empty string meaning no value.
func (soc *Socket) setStringOrNull(opt core.Option, value string) error {
	if value == "" {
		return soc.setNullString(opt)
	}
	return soc.setString(opt, value)
}

// setCurveKey stores a CURVE key given as 32 raw bytes or 40 Z85
// characters (optionally NUL-terminated), as libzmq accepts it. The core
// keeps the 32 raw bytes.
func (soc *Socket) setCurveKey(opt core.Option, key string) error {
	s, err := soc.core()
	if err != nil {
		return err
	}
	var raw []byte
	switch {
	case len(key) == 32:
		raw = []byte(key)
	case len(key) == 40 || len(key) == 41 && key[40] == 0:
		var ok bool
		if raw, ok = z85Decode(key[:40]); !ok {
			return einval
		}
	default:
		return einval
	}
	return toErr(s.SetBytes(opt, raw))
}

// ms converts a duration to whole milliseconds.
func ms(d time.Duration) int { return int(d / time.Millisecond) }

// msOrInfinite converts a duration to whole milliseconds, keeping -1
// (infinite, or no reconnection) as -1.
func msOrInfinite(d time.Duration) int {
	if d == -1 {
		return -1
	}
	return ms(d)
}

// SetSndhwm sets the high water mark for outbound messages: how many may
// queue for each peer (default 1000, 0 means no limit).
func (soc *Socket) SetSndhwm(value int) error { return soc.setInt(core.OptSndhwm, value) }

// SetRcvhwm sets the high water mark for inbound messages: how many may
// queue from each peer (default 1000, 0 means no limit).
func (soc *Socket) SetRcvhwm(value int) error { return soc.setInt(core.OptRcvhwm, value) }

// SetAffinity sets the I/O thread affinity of new connections.
func (soc *Socket) SetAffinity(value uint64) error {
	return soc.setInt64(core.OptAffinity, int(value))
}

// SetSubscribe adds a message filter on a SUB socket; "" subscribes to all.
func (soc *Socket) SetSubscribe(filter string) error {
	return soc.setString(core.OptSubscribe, filter)
}

// SetUnsubscribe removes a message filter from a SUB socket.
func (soc *Socket) SetUnsubscribe(filter string) error {
	return soc.setString(core.OptUnsubscribe, filter)
}

// SetIdentity sets the socket's identity (routing id): 1 to 255 bytes.
func (soc *Socket) SetIdentity(value string) error {
	return soc.setString(core.OptRoutingID, value)
}

// SetRate sets the multicast data rate in kilobits per second.
func (soc *Socket) SetRate(value int) error { return soc.setInt(core.OptRate, value) }

// SetRecoveryIvl sets the multicast recovery interval.
func (soc *Socket) SetRecoveryIvl(value time.Duration) error {
	return soc.setInt(core.OptRecoveryIvl, ms(value))
}

// SetSndbuf sets the kernel transmit buffer size (-1: the system's default).
func (soc *Socket) SetSndbuf(value int) error { return soc.setInt(core.OptSndbuf, value) }

// SetRcvbuf sets the kernel receive buffer size (-1: the system's default).
func (soc *Socket) SetRcvbuf(value int) error { return soc.setInt(core.OptRcvbuf, value) }

// SetLinger sets how long queued messages may keep going out after Close:
// -1 for no limit (the default), 0 to drop them at once.
func (soc *Socket) SetLinger(value time.Duration) error {
	return soc.setInt(core.OptLinger, msOrInfinite(value))
}

// SetReconnectIvl sets the interval between reconnection attempts
// (default 100ms); -1 means no reconnection.
func (soc *Socket) SetReconnectIvl(value time.Duration) error {
	return soc.setInt(core.OptReconnectIvl, msOrInfinite(value))
}

// SetReconnectIvlMax sets the maximum reconnection interval: each attempt
// doubles the interval up to it. 0 (the default) keeps it constant.
func (soc *Socket) SetReconnectIvlMax(value time.Duration) error {
	return soc.setInt(core.OptReconnectIvlMax, ms(value))
}

// SetBacklog sets the length of the queue of pending incoming connections.
func (soc *Socket) SetBacklog(value int) error { return soc.setInt(core.OptBacklog, value) }

// SetMaxmsgsize sets the largest inbound message accepted, in bytes; a
// peer sending a larger one is disconnected. -1 (the default) means no limit.
func (soc *Socket) SetMaxmsgsize(value int64) error {
	return soc.setInt64(core.OptMaxmsgsize, int(value))
}

// SetMulticastHops sets the time-to-live of multicast packets.
func (soc *Socket) SetMulticastHops(value int) error {
	return soc.setInt(core.OptMulticastHops, value)
}

// SetRcvtimeo sets how long a receive may block before it fails with
// EAGAIN; -1 (the default) means no limit.
func (soc *Socket) SetRcvtimeo(value time.Duration) error {
	return soc.setInt(core.OptRcvtimeo, msOrInfinite(value))
}

// SetSndtimeo sets how long a send may block before it fails with EAGAIN;
// -1 (the default) means no limit.
func (soc *Socket) SetSndtimeo(value time.Duration) error {
	return soc.setInt(core.OptSndtimeo, msOrInfinite(value))
}

// SetIpv6 enables IPv6 on the socket, so that it works with both IPv4 and
// IPv6 peers.
func (soc *Socket) SetIpv6(value bool) error { return soc.setBool(core.OptIPv6, value) }

// SetImmediate makes messages queue only for completed connections.
func (soc *Socket) SetImmediate(value bool) error { return soc.setBool(core.OptImmediate, value) }

// SetRouterMandatory makes a ROUTER socket fail with EHOSTUNREACH on a
// message it cannot route, instead of dropping it.
func (soc *Socket) SetRouterMandatory(value int) error {
	return soc.setInt(core.OptRouterMandatory, value)
}

// SetRouterRaw switches a ROUTER socket to raw mode (deprecated in libzmq:
// use STREAM sockets).
func (soc *Socket) SetRouterRaw(value int) error { return soc.setInt(core.OptRouterRaw, value) }

// SetProbeRouter makes the socket send an empty message to each ROUTER it
// connects to.
func (soc *Socket) SetProbeRouter(value int) error {
	return soc.setInt(core.OptProbeRouter, value)
}

// SetXpubVerbose makes an XPUB socket pass on every subscription, not just
// new ones.
func (soc *Socket) SetXpubVerbose(value int) error {
	return soc.setInt(core.OptXpubVerbose, value)
}

// SetReqCorrelate makes a REQ socket match replies to requests.
func (soc *Socket) SetReqCorrelate(value int) error {
	return soc.setInt(core.OptReqCorrelate, value)
}

// SetReqRelaxed lets a REQ socket send a new request without waiting for
// the reply to the previous one.
func (soc *Socket) SetReqRelaxed(value int) error {
	return soc.setInt(core.OptReqRelaxed, value)
}

// SetTcpKeepalive overrides SO_KEEPALIVE (-1: the system's default).
func (soc *Socket) SetTcpKeepalive(value int) error {
	return soc.setInt(core.OptTCPKeepalive, value)
}

// SetTcpKeepaliveIdle overrides TCP_KEEPIDLE (-1: the system's default).
func (soc *Socket) SetTcpKeepaliveIdle(value int) error {
	return soc.setInt(core.OptTCPKeepaliveIdle, value)
}

// SetTcpKeepaliveCnt overrides TCP_KEEPCNT (-1: the system's default).
func (soc *Socket) SetTcpKeepaliveCnt(value int) error {
	return soc.setInt(core.OptTCPKeepaliveCnt, value)
}

// SetTcpKeepaliveIntvl overrides TCP_KEEPINTVL (-1: the system's default).
func (soc *Socket) SetTcpKeepaliveIntvl(value int) error {
	return soc.setInt(core.OptTCPKeepaliveIntvl, value)
}

// SetTcpAcceptFilter adds an address filter for incoming TCP connections
// ("" clears the filters). It is deprecated in libzmq in favour of ZAP
// authentication, and not available here: it fails rather than accept a
// filter it would not enforce. Clearing the filters succeeds, as in libzmq:
// there are none.
func (soc *Socket) SetTcpAcceptFilter(filter string) error {
	if filter == "" {
		_, err := soc.core()
		return err
	}
	return soc.setString(optTCPAcceptFilter, filter)
}

// SetPlainServer makes the socket a PLAIN server (1) or not (0).
func (soc *Socket) SetPlainServer(value int) error {
	return soc.setInt(core.OptPlainServer, value)
}

// SetPlainUsername sets the PLAIN client username; "" clears it.
func (soc *Socket) SetPlainUsername(username string) error {
	return soc.setStringOrNull(core.OptPlainUsername, username)
}

// SetPlainPassword sets the PLAIN client password; "" clears it.
func (soc *Socket) SetPlainPassword(password string) error {
	return soc.setStringOrNull(core.OptPlainPassword, password)
}

// SetCurveServer makes the socket a CURVE server (1) or not (0).
func (soc *Socket) SetCurveServer(value int) error {
	return soc.setInt(core.OptCurveServer, value)
}

// SetCurvePublickey sets the socket's long-term CURVE public key, as 32
// bytes or 40 Z85 characters.
func (soc *Socket) SetCurvePublickey(key string) error {
	return soc.setCurveKey(core.OptCurvePublickey, key)
}

// SetCurveSecretkey sets the socket's long-term CURVE secret key, as 32
// bytes or 40 Z85 characters.
func (soc *Socket) SetCurveSecretkey(key string) error {
	return soc.setCurveKey(core.OptCurveSecretkey, key)
}

// SetCurveServerkey sets, on a CURVE client, the server's long-term public
// key, as 32 bytes or 40 Z85 characters.
func (soc *Socket) SetCurveServerkey(key string) error {
	return soc.setCurveKey(core.OptCurveServerkey, key)
}

// SetZapDomain sets the RFC 27 authentication domain.
func (soc *Socket) SetZapDomain(domain string) error {
	return soc.setString(core.OptZapDomain, domain)
}

// SetConflate makes the socket keep only the newest message in each of its
// queues (on PUSH, PULL, PUB, SUB and DEALER; other types ignore it). Set
// it before Bind or Connect. As with libzmq, a multipart message is cut
// down to its last frame.
func (soc *Socket) SetConflate(value bool) error { return soc.setBool(core.OptConflate, value) }

// SetRouterHandover makes a ROUTER socket hand an identity over to a new
// connection that claims it, instead of refusing the newcomer.
func (soc *Socket) SetRouterHandover(value bool) error {
	return soc.setBool(core.OptRouterHandover, value)
}

// SetTos sets the Type-of-Service (IP_TOS, or IPV6_TCLASS) of the socket's
// later tcp connections; it has no effect on Windows.
func (soc *Socket) SetTos(value int) error { return soc.setInt(core.OptTos, value) }

// SetConnectRid sets the identity that a ROUTER (or STREAM) socket gives
// the peer of its next Connect. As with libzmq, "" and other socket types
// give EINVAL.
func (soc *Socket) SetConnectRid(value string) error {
	return soc.setStringOrNull(core.OptConnectRoutingID, value)
}

// SetGssapiServer makes the socket a GSSAPI server.
func (soc *Socket) SetGssapiServer(value bool) error {
	return soc.setBool(core.OptGssapiServer, value)
}

// SetGssapiPrincipal sets the name of the socket's GSSAPI principal.
func (soc *Socket) SetGssapiPrincipal(value string) error {
	return soc.setString(core.OptGssapiPrincipal, value)
}

// SetGssapiServicePrincipal sets, on a GSSAPI client, the name of the
// server's principal.
func (soc *Socket) SetGssapiServicePrincipal(value string) error {
	return soc.setString(core.OptGssapiSvcPrinc, value)
}

// SetGssapiPlaintext turns GSSAPI encryption off.
func (soc *Socket) SetGssapiPlaintext(value bool) error {
	return soc.setBool(core.OptGssapiPlaintext, value)
}

// SetHandshakeIvl sets the longest a connection's handshake may take
// (default 30s, 0 for no limit).
func (soc *Socket) SetHandshakeIvl(value time.Duration) error {
	return soc.setInt(core.OptHandshakeIvl, ms(value))
}

// SetSocksProxy sets a SOCKS5 proxy ("host:port") for connections; ""
// clears it.
func (soc *Socket) SetSocksProxy(value string) error {
	return soc.setStringOrNull(core.OptSocksProxy, value)
}

// SetXpubNodrop makes an XPUB socket fail with EAGAIN instead of dropping
// messages when a subscriber's queue is full.
func (soc *Socket) SetXpubNodrop(value bool) error {
	return soc.setBool(core.OptXpubNodrop, value)
}

// SetXpubManual makes an XPUB socket's subscriptions managed by the
// application.
func (soc *Socket) SetXpubManual(value int) error {
	return soc.setInt(core.OptXpubManual, value)
}

// SetXpubWelcomeMsg sets the message an XPUB socket sends each new
// subscriber; "" clears it.
func (soc *Socket) SetXpubWelcomeMsg(value string) error {
	return soc.setStringOrNull(core.OptXpubWelcomeMsg, value)
}

// SetStreamNotify makes a STREAM socket deliver connect and disconnect
// notifications (default 1).
func (soc *Socket) SetStreamNotify(value int) error {
	return soc.setInt(core.OptStreamNotify, value)
}

// SetInvertMatching inverts the subscription filters of a (X)PUB or (X)SUB
// socket.
func (soc *Socket) SetInvertMatching(value int) error {
	return soc.setInt(core.OptInvertMatching, value)
}

// SetHeartbeatIvl sets the interval between ZMTP heartbeats (0: none).
func (soc *Socket) SetHeartbeatIvl(value time.Duration) error {
	return soc.setInt(core.OptHeartbeatIvl, ms(value))
}

// SetHeartbeatTtl sets the time-to-live the socket's heartbeats ask peers
// to apply.
func (soc *Socket) SetHeartbeatTtl(value time.Duration) error {
	return soc.setInt(core.OptHeartbeatTTL, ms(value))
}

// SetHeartbeatTimeout sets how long to wait for any traffic after a
// heartbeat before the connection is dropped.
func (soc *Socket) SetHeartbeatTimeout(value time.Duration) error {
	return soc.setInt(core.OptHeartbeatTimeout, ms(value))
}

// SetXpubVerboser makes an XPUB socket pass on every subscription and
// unsubscription.
func (soc *Socket) SetXpubVerboser(value int) error {
	return soc.setInt(core.OptXpubVerboser, value)
}

// SetConnectTimeout sets how long a TCP connect may take (0: the system's
// limit).
func (soc *Socket) SetConnectTimeout(value time.Duration) error {
	return soc.setInt(core.OptConnectTimeout, ms(value))
}

// SetTcpMaxrt sets the TCP maximum retransmit timeout (0: the system's):
// Linux's TCP_USER_TIMEOUT; it has no effect on other systems.
func (soc *Socket) SetTcpMaxrt(value time.Duration) error {
	return soc.setInt(core.OptTCPMaxrt, ms(value))
}

// SetMulticastMaxtpdu sets the largest multicast transport data unit.
func (soc *Socket) SetMulticastMaxtpdu(value int) error {
	return soc.setInt(core.OptMulticastMaxtpdu, value)
}

// SetVmciBufferSize sets the buffer size of a VMCI connection.
func (soc *Socket) SetVmciBufferSize(value uint64) error {
	return soc.setInt64(core.OptVMCIBufferSize, int(value))
}

// SetVmciBufferMinSize sets the minimum buffer size of a VMCI connection.
func (soc *Socket) SetVmciBufferMinSize(value uint64) error {
	return soc.setInt64(core.OptVMCIBufferMinSize, int(value))
}

// SetVmciBufferMaxSize sets the maximum buffer size of a VMCI connection.
func (soc *Socket) SetVmciBufferMaxSize(value uint64) error {
	return soc.setInt64(core.OptVMCIBufferMaxSize, int(value))
}

// SetVmciConnectTimeout sets the connect timeout of a VMCI connection.
func (soc *Socket) SetVmciConnectTimeout(value time.Duration) error {
	return soc.setInt(core.OptVMCIConnectTimeo, ms(value))
}

// SetUseFd makes the next Bind use an already open listening file
// descriptor (-1: none).
func (soc *Socket) SetUseFd(value int) error { return soc.setInt(core.OptUseFd, value) }
