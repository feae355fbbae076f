package core

import (
	"context"
	"net"
	"syscall"
	"time"
)

// maxDeviceName is the longest BINDTODEVICE value libzmq accepts.
const maxDeviceName = 16

// tcpTuning is the snapshot of a socket's TCP options that a listener or a
// connecter takes when Bind or Connect starts it: as in libzmq, options
// set later apply to later Binds and Connects only.
type tcpTuning struct {
	sndbuf, rcvbuf int // SO_SNDBUF/SO_RCVBUF; -1: the system's default
	keepalive      int // SO_KEEPALIVE: -1 the system's default, 0 off, 1 on

	// TCP_KEEPCNT, TCP_KEEPIDLE (s), TCP_KEEPINTVL (s); -1 (and 0, which
	// the kernel refuses) leave the system's value. Set only when
	// keepalive is not -1, as libzmq does.
	keepaliveCnt, keepaliveIdle, keepaliveIntvl int

	tos            int    // IP_TOS / IPV6_TCLASS; 0: untouched
	maxrt          int    // TCP_USER_TIMEOUT in ms (Linux); 0: untouched
	connectTimeout int    // dial timeout in ms; 0: the system's
	backlog        int    // listen backlog
	device         string // SO_BINDTODEVICE (Linux); "": none
	socksProxy     string // SOCKS_PROXY "host:port"; "": connect directly
}

// tcpTuning returns the socket's TCP options. The caller holds s.mu.
func (o *options) tcpTuning() tcpTuning {
	return tcpTuning{
		sndbuf:         o.ints[OptSndbuf],
		rcvbuf:         o.ints[OptRcvbuf],
		keepalive:      o.ints[OptTCPKeepalive],
		keepaliveCnt:   o.ints[OptTCPKeepaliveCnt],
		keepaliveIdle:  o.ints[OptTCPKeepaliveIdle],
		keepaliveIntvl: o.ints[OptTCPKeepaliveIntvl],
		tos:            o.ints[OptTos],
		maxrt:          o.ints[OptTCPMaxrt],
		connectTimeout: o.ints[OptConnectTimeout],
		backlog:        o.int(OptBacklog),
		device:         string(o.bytes[OptBindToDevice]),
		socksProxy:     string(o.bytes[OptSocksProxy]),
	}
}

// isTCP reports whether network is one of Go's tcp networks.
func isTCP(network string) bool {
	return network == "tcp" || network == "tcp4" || network == "tcp6"
}

// control sets, on a tcp socket not yet bound or connected, the options
// that must precede bind/connect: the device, buffer sizes (the window
// scale is agreed in the handshake) and TOS (the SYN carries it).
func (t *tcpTuning) control(network, _ string, c syscall.RawConn) error {
	if !isTCP(network) {
		return nil
	}
	var err error
	cerr := c.Control(func(fd uintptr) { err = t.setPreConnect(fd) })
	if cerr != nil {
		return cerr
	}
	return err
}

// listen opens a tcp listener with the options applied (including the
// backlog where the system lets us change it).
func (t *tcpTuning) listen(network, addr string) (net.Listener, error) {
	lc := net.ListenConfig{
		Control: t.control,
		// Go would turn keep-alive on for accepted connections; libzmq
		// leaves it to the system unless TCP_KEEPALIVE says otherwise.
		KeepAlive: -1,
	}
	ln, err := lc.Listen(context.Background(), network, addr)
	if err != nil {
		return nil, err
	}
	if err := setBacklog(ln, t.backlog); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// dialer returns the dialer for a tcp connect.
func (t *tcpTuning) dialer() *net.Dialer {
	return &net.Dialer{
		Timeout:   time.Duration(t.connectTimeout) * time.Millisecond,
		Control:   t.control,
		KeepAlive: -1, // see listen
	}
}

// tune sets the options on a new connection (accepted or dialled): libzmq's
// TCP_NODELAY, then keep-alive, TOS, TCP_USER_TIMEOUT. Connections that are
// not tcp (ipc) are left alone. An error means the connection must be
// dropped, as libzmq does when tuning fails.
func (t *tcpTuning) tune(conn net.Conn) error {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	tc.SetNoDelay(true)
	if t.keepalive != -1 {
		cfg := net.KeepAliveConfig{
			Enable:   t.keepalive == 1,
			Idle:     secondsOrKeep(t.keepaliveIdle),
			Interval: secondsOrKeep(t.keepaliveIntvl),
			Count:    t.keepaliveCnt,
		}
		if cfg.Count <= 0 {
			cfg.Count = -1
		}
		if err := tc.SetKeepAliveConfig(cfg); err != nil {
			return err
		}
	}
	return t.setPostConnect(tc)
}

// secondsOrKeep turns a keep-alive time in seconds into KeepAliveConfig's
// form, where a negative value leaves the system's setting.
func secondsOrKeep(v int) time.Duration {
	if v <= 0 {
		return -1
	}
	return time.Duration(v) * time.Second
}
