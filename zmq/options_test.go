package zmq4

import (
	"strings"
	"testing"
	"time"
)

// optionCase sets an option and reads it back.
type optionCase struct {
	name string
	set  func(*Socket) error
	get  func(*Socket) (interface{}, error)
	want interface{}
}

func intOpt(name string, set func(*Socket, int) error, get func(*Socket) (int, error), v int) optionCase {
	return optionCase{name,
		func(s *Socket) error { return set(s, v) },
		func(s *Socket) (interface{}, error) { return get(s) }, v}
}

func boolOpt(name string, set func(*Socket, bool) error, get func(*Socket) (bool, error), v bool) optionCase {
	return optionCase{name,
		func(s *Socket) error { return set(s, v) },
		func(s *Socket) (interface{}, error) { return get(s) }, v}
}

func strOpt(name string, set func(*Socket, string) error, get func(*Socket) (string, error), v, want string) optionCase {
	return optionCase{name,
		func(s *Socket) error { return set(s, v) },
		func(s *Socket) (interface{}, error) { return get(s) }, want}
}

func durOpt(name string, set func(*Socket, time.Duration) error, get func(*Socket) (time.Duration, error), v, want time.Duration) optionCase {
	return optionCase{name,
		func(s *Socket) error { return set(s, v) },
		func(s *Socket) (interface{}, error) { return get(s) }, want}
}

func TestOptionRoundTrip(t *testing.T) {
	const z85Key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
	rawKey := Z85decode(z85Key)
	tests := []optionCase{
		intOpt("Sndhwm", (*Socket).SetSndhwm, (*Socket).GetSndhwm, 5),
		intOpt("Rcvhwm", (*Socket).SetRcvhwm, (*Socket).GetRcvhwm, 0),
		{"Affinity", func(s *Socket) error { return s.SetAffinity(1<<63 + 5) },
			func(s *Socket) (interface{}, error) { return s.GetAffinity() }, uint64(1<<63 + 5)},
		strOpt("Identity", (*Socket).SetIdentity, (*Socket).GetIdentity, "id", "id"),
		strOpt("Identity NUL", (*Socket).SetIdentity, (*Socket).GetIdentity, "ab\x00", "ab"),
		intOpt("Rate", (*Socket).SetRate, (*Socket).GetRate, 200),
		durOpt("RecoveryIvl", (*Socket).SetRecoveryIvl, (*Socket).GetRecoveryIvl, 2*time.Second, 2*time.Second),
		intOpt("Sndbuf", (*Socket).SetSndbuf, (*Socket).GetSndbuf, 65536),
		intOpt("Rcvbuf", (*Socket).SetRcvbuf, (*Socket).GetRcvbuf, 65536),
		durOpt("Linger", (*Socket).SetLinger, (*Socket).GetLinger, 1500*time.Millisecond, 1500*time.Millisecond),
		durOpt("Linger truncates", (*Socket).SetLinger, (*Socket).GetLinger, 1500*time.Microsecond, time.Millisecond),
		durOpt("Linger -1", (*Socket).SetLinger, (*Socket).GetLinger, -1, -1),
		durOpt("Linger -2ns is 0", (*Socket).SetLinger, (*Socket).GetLinger, -2, 0),
		durOpt("ReconnectIvl -1", (*Socket).SetReconnectIvl, (*Socket).GetReconnectIvl, -1, -1),
		durOpt("ReconnectIvl", (*Socket).SetReconnectIvl, (*Socket).GetReconnectIvl, 250*time.Millisecond, 250*time.Millisecond),
		durOpt("ReconnectIvlMax", (*Socket).SetReconnectIvlMax, (*Socket).GetReconnectIvlMax, time.Second, time.Second),
		intOpt("Backlog", (*Socket).SetBacklog, (*Socket).GetBacklog, 10),
		{"Maxmsgsize", func(s *Socket) error { return s.SetMaxmsgsize(1 << 20) },
			func(s *Socket) (interface{}, error) { return s.GetMaxmsgsize() }, int64(1 << 20)},
		intOpt("MulticastHops", (*Socket).SetMulticastHops, (*Socket).GetMulticastHops, 3),
		durOpt("Rcvtimeo", (*Socket).SetRcvtimeo, (*Socket).GetRcvtimeo, 20*time.Millisecond, 20*time.Millisecond),
		durOpt("Rcvtimeo -1", (*Socket).SetRcvtimeo, (*Socket).GetRcvtimeo, -1, -1),
		durOpt("Sndtimeo", (*Socket).SetSndtimeo, (*Socket).GetSndtimeo, 0, 0),
		boolOpt("Ipv6", (*Socket).SetIpv6, (*Socket).GetIpv6, true),
		boolOpt("Immediate", (*Socket).SetImmediate, (*Socket).GetImmediate, true),
		intOpt("TcpKeepalive", (*Socket).SetTcpKeepalive, (*Socket).GetTcpKeepalive, 1),
		intOpt("TcpKeepaliveIdle", (*Socket).SetTcpKeepaliveIdle, (*Socket).GetTcpKeepaliveIdle, 60),
		intOpt("TcpKeepaliveCnt", (*Socket).SetTcpKeepaliveCnt, (*Socket).GetTcpKeepaliveCnt, 4),
		intOpt("TcpKeepaliveIntvl", (*Socket).SetTcpKeepaliveIntvl, (*Socket).GetTcpKeepaliveIntvl, 5),
		strOpt("PlainUsername", (*Socket).SetPlainUsername, (*Socket).GetPlainUsername, "bob", "bob"),
		strOpt("PlainUsername clear", (*Socket).SetPlainUsername, (*Socket).GetPlainUsername, "", ""),
		strOpt("PlainPassword", (*Socket).SetPlainPassword, (*Socket).GetPlainPassword, "pw", "pw"),
		strOpt("CurvePublickey Z85", (*Socket).SetCurvePublickey, (*Socket).GetCurvePublickeykeyZ85, z85Key, z85Key),
		strOpt("CurvePublickey raw", (*Socket).SetCurvePublickey, (*Socket).GetCurvePublickeyRaw, z85Key, rawKey),
		strOpt("CurveSecretkey raw in", (*Socket).SetCurveSecretkey, (*Socket).GetCurveSecretkeyZ85, rawKey, z85Key),
		strOpt("CurveSecretkey raw", (*Socket).SetCurveSecretkey, (*Socket).GetCurveSecretkeyRaw, rawKey, rawKey),
		strOpt("CurveServerkey NUL-ended", (*Socket).SetCurveServerkey, (*Socket).GetCurveServerkeyZ85, z85Key+"\x00", z85Key),
		strOpt("CurveServerkey raw", (*Socket).SetCurveServerkey, (*Socket).GetCurveServerkeyRaw, z85Key, rawKey),
		strOpt("ZapDomain", (*Socket).SetZapDomain, (*Socket).GetZapDomain, "global", "global"),
		intOpt("Tos", (*Socket).SetTos, (*Socket).GetTos, 8),
		boolOpt("GssapiServer", (*Socket).SetGssapiServer, (*Socket).GetGssapiServer, true),
		strOpt("GssapiPrincipal", (*Socket).SetGssapiPrincipal, (*Socket).GetGssapiPrincipal, "p", "p"),
		strOpt("GssapiServicePrincipal", (*Socket).SetGssapiServicePrincipal, (*Socket).GetGssapiServicePrincipal, "sp", "sp"),
		boolOpt("GssapiPlaintext", (*Socket).SetGssapiPlaintext, (*Socket).GetGssapiPlaintext, true),
		durOpt("HandshakeIvl", (*Socket).SetHandshakeIvl, (*Socket).GetHandshakeIvl, 5*time.Second, 5*time.Second),
		strOpt("SocksProxy", (*Socket).SetSocksProxy, (*Socket).GetSocksProxy, "127.0.0.1:1080", "127.0.0.1:1080"),
		strOpt("SocksProxy clear", (*Socket).SetSocksProxy, (*Socket).GetSocksProxy, "", ""),
		intOpt("InvertMatching", (*Socket).SetInvertMatching, (*Socket).GetInvertMatching, 1),
		durOpt("ConnectTimeout", (*Socket).SetConnectTimeout, (*Socket).GetConnectTimeout, 300*time.Millisecond, 300*time.Millisecond),
		durOpt("TcpMaxrt", (*Socket).SetTcpMaxrt, (*Socket).GetTcpMaxrt, 2*time.Second, 2*time.Second),
		intOpt("MulticastMaxtpdu", (*Socket).SetMulticastMaxtpdu, (*Socket).GetMulticastMaxtpdu, 1400),
		intOpt("UseFd", (*Socket).SetUseFd, (*Socket).Getusefd, -1),
		intOpt("PlainServer", (*Socket).SetPlainServer, (*Socket).GetPlainServer, 1),
	}
	ctx := newTestContext(t)
	s := newTestSocket(t, ctx, DEALER)
	for _, c := range tests {
		if err := c.set(s); err != nil {
			t.Errorf("%s: set: %v", c.name, err)
			continue
		}
		got, err := c.get(s)
		if err != nil || got != c.want {
			t.Errorf("%s: get = %#v, %v; want %#v", c.name, got, err, c.want)
		}
	}
}

func TestOptionDefaults(t *testing.T) {
	ctx := newTestContext(t)
	s := newTestSocket(t, ctx, REQ)
	zeroKey := strings.Repeat("0", 40)
	tests := []struct {
		name string
		get  func() (interface{}, error)
		want interface{}
	}{
		{"Type", func() (interface{}, error) { return s.GetType() }, REQ},
		{"Sndhwm", func() (interface{}, error) { return s.GetSndhwm() }, 1000},
		{"Linger", func() (interface{}, error) { return s.GetLinger() }, time.Duration(-1)},
		{"Rcvtimeo", func() (interface{}, error) { return s.GetRcvtimeo() }, time.Duration(-1)},
		{"ReconnectIvl", func() (interface{}, error) { return s.GetReconnectIvl() }, 100 * time.Millisecond},
		{"HandshakeIvl", func() (interface{}, error) { return s.GetHandshakeIvl() }, 30 * time.Second},
		{"Maxmsgsize", func() (interface{}, error) { return s.GetMaxmsgsize() }, int64(-1)},
		{"Mechanism", func() (interface{}, error) { return s.GetMechanism() }, NULL},
		{"Rcvmore", func() (interface{}, error) { return s.GetRcvmore() }, false},
		{"ThreadSafe", func() (interface{}, error) { return s.GetThreadSafe() }, false},
		{"Identity", func() (interface{}, error) { return s.GetIdentity() }, ""},
		{"CurvePublickey", func() (interface{}, error) { return s.GetCurvePublickeykeyZ85() }, zeroKey},
		{"CurveServerkeyRaw", func() (interface{}, error) { return s.GetCurveServerkeyRaw() }, string(make([]byte, 32))},
		{"MulticastMaxtpdu", func() (interface{}, error) { return s.GetMulticastMaxtpdu() }, 1500},
	}
	for _, c := range tests {
		got, err := c.get()
		if err != nil || got != c.want {
			t.Errorf("%s = %#v, %v; want %#v", c.name, got, err, c.want)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	ctx := newTestContext(t)
	s := newTestSocket(t, ctx, DEALER)
	tests := []struct {
		name string
		err  error
	}{
		{"SetIdentity empty", s.SetIdentity("")},
		{"SetIdentity too long", s.SetIdentity(strings.Repeat("x", 256))},
		{"SetSndhwm negative", s.SetSndhwm(-1)},
		{"SetLinger -1s", s.SetLinger(-time.Second)},
		{"SetCurvePublickey short", s.SetCurvePublickey("abc")},
		{"SetCurveServerkey bad Z85", s.SetCurveServerkey(strings.Repeat("#", 40))},
		{"SetConnectRid on DEALER", s.SetConnectRid("x")},
	}
	for _, c := range tests {
		if c.err != einval {
			t.Errorf("%s: err = %v, want EINVAL", c.name, c.err)
		}
	}
	if fd, err := s.GetFd(); err != ENOTSUP {
		t.Errorf("GetFd = %v, %v; want ENOTSUP", fd, err)
	}
}

func TestClosedSocket(t *testing.T) {
	ctx := newTestContext(t)
	s, err := ctx.NewSocket(PAIR)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("Close:", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	calls := []struct {
		name string
		err  error
	}{
		{"Bind", s.Bind("tcp://127.0.0.1:*")},
		{"Connect", s.Connect("tcp://127.0.0.1:5555")},
		{"Unbind", s.Unbind("tcp://127.0.0.1:5555")},
		{"Disconnect", s.Disconnect("tcp://127.0.0.1:5555")},
		{"SetLinger", s.SetLinger(0)},
		{"SetIdentity", s.SetIdentity("x")},
		{"SetCurveServerkey", s.SetCurveServerkey(strings.Repeat("0", 40))},
		{"Monitor", s.Monitor("inproc://m", EVENT_ALL)},
	}
	for _, c := range calls {
		if c.err != ErrorSocketClosed {
			t.Errorf("%s on closed socket: %v, want ErrorSocketClosed", c.name, c.err)
		}
	}
	if n, err := s.Send("x", 0); n != 0 || err != ErrorSocketClosed {
		t.Errorf("Send = %d, %v", n, err)
	}
	if b, err := s.RecvBytes(0); b == nil || len(b) != 0 || err != ErrorSocketClosed {
		t.Errorf("RecvBytes = %q, %v", b, err)
	}
	if m, err := s.RecvMessage(0); m == nil || len(m) != 0 || err != ErrorSocketClosed {
		t.Errorf("RecvMessage = %q, %v", m, err)
	}
	if typ, err := s.GetType(); typ != PAIR || err != ErrorSocketClosed {
		t.Errorf("GetType = %v, %v", typ, err)
	}
	if c, err := s.Context(); c != nil || err != ErrorSocketClosed {
		t.Errorf("Context = %v, %v", c, err)
	}
	if ev, _, _, err := s.RecvEvent(0); ev != EVENT_ALL || err != ErrorSocketClosed {
		t.Errorf("RecvEvent = %v, %v", ev, err)
	}
	if _, meta, err := s.RecvWithMetadata(0); meta == nil || err != ErrorSocketClosed {
		t.Errorf("RecvWithMetadata = %v, %v", meta, err)
	}
	if str := s.String(); str != "Socket(CLOSED)" {
		t.Errorf("String = %q", str)
	}
}
