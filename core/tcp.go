package core

import (
	"context"
	"net"
	"strconv"
	"strings"
)

// The tcp transport: "tcp://host:port", with "*" for every interface or an
// ephemeral port on Bind, an interface or host name to bind to, and an
// optional "source;" part before a Connect address.

func init() { registerTransport("tcp", tcpTransport{}) }

type tcpTransport struct{}

// tcpAddress is a parsed tcp endpoint.
type tcpAddress struct {
	host string // "*" for every interface (Bind)
	port string // "*", "!" or "0" for an ephemeral port (Bind)
	// bad marks a Connect address that passed libzmq's syntax check but
	// cannot be dialled: every attempt fails.
	bad bool
}

func (tcpTransport) parse(addr string, bind bool) (address, error) {
	if !bind {
		if !tcpConnectSyntax(addr) {
			return nil, EINVAL
		}
		// Past the syntax check libzmq takes the address and resolves it
		// only when it dials: one that cannot work fails there, again at
		// every retry.
		a, err := splitTCP(addr)
		if err != nil {
			return &tcpAddress{bad: true}, nil
		}
		return a, nil
	}
	a, err := splitTCP(addr)
	if err != nil {
		return nil, err
	}
	if !a.ephemeral() {
		if _, err := strconv.ParseUint(a.port, 10, 16); err != nil {
			return nil, EINVAL // a number: no service names, as libzmq
		}
	}
	return a, nil
}

// splitTCP splits "host:port" (or "[v6]:port"), dropping a connect
// address's "source;" part.
func splitTCP(addr string) (*tcpAddress, error) {
	if j := strings.LastIndexByte(addr, ';'); j >= 0 {
		addr = addr[j+1:]
	}
	j := strings.LastIndexByte(addr, ':')
	if j <= 0 || j == len(addr)-1 {
		return nil, EINVAL
	}
	a := &tcpAddress{host: addr[:j], port: addr[j+1:]}
	if strings.HasPrefix(a.host, "[") {
		if !strings.HasSuffix(a.host, "]") {
			return nil, EINVAL
		}
		a.host = a.host[1 : len(a.host)-1]
	}
	if a.host == "" {
		return nil, EINVAL
	}
	return a, nil
}

// resolve gives a "host:port" address in the form a bound endpoint takes
// ("ip:port"), resolving a host name as a connect does.
func (tcpTransport) resolve(addr string, ipv6 bool) string {
	a, err := splitTCP(addr)
	if err != nil {
		return addr
	}
	port, err := strconv.ParseUint(a.port, 10, 16)
	if err != nil {
		return addr
	}
	ip := net.ParseIP(a.host)
	if ip == nil {
		ips, err := net.LookupIP(a.host)
		if err != nil {
			return addr
		}
		for _, x := range ips {
			if x.To4() != nil || ipv6 {
				ip = x
				break
			}
		}
		if ip == nil {
			return addr
		}
	}
	return net.JoinHostPort(ip.String(), strconv.FormatUint(port, 10))
}

// tcpConnectSyntax is libzmq's quick check of a tcp Connect address, made
// before anything is resolved: letters, digits and the punctuation of host
// names and of IPv4 and IPv6 addresses (zones and a "source;" part
// included), ending in ":" and a port that starts with a digit.
func tcpConnectSyntax(addr string) bool {
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c == '[' || c == ':':
		case i > 0 && strings.IndexByte(".-%;]_*", c) >= 0:
		default:
			return false
		}
	}
	j := strings.LastIndexByte(addr, ':')
	return j >= 0 && j+1 < len(addr) && addr[j+1] >= '0' && addr[j+1] <= '9'
}

func (tcpTransport) tune(conn net.Conn, o *options) error {
	t := o.tcpTuning()
	return t.tune(conn)
}

// ephemeral reports whether the port asks the system to choose.
func (a *tcpAddress) ephemeral() bool { return a.port == "*" || a.port == "!" || a.port == "0" }

func (a *tcpAddress) listen(o *options) (net.Listener, string, func(), error) {
	network, addr, err := a.listenAddr(o.flag(OptIPv6))
	if err != nil {
		return nil, "", nil, err
	}
	t := o.tcpTuning()
	ln, err := t.listen(network, addr)
	if err != nil {
		return nil, "", nil, mapNetError(err)
	}
	return ln, tcpEndpointString(ln.Addr()), nil, nil
}

func (a *tcpAddress) dial(ctx context.Context, o *options) (net.Conn, error) {
	if a.bad {
		return nil, EINVAL
	}
	network, addr := a.dialAddr(o.flag(OptIPv6))
	t := o.tcpTuning()
	return t.dial(ctx, network, addr)
}

// listenAddr returns the network and address for net.Listen.
func (a *tcpAddress) listenAddr(ipv6 bool) (string, string, error) {
	port := a.port
	if a.ephemeral() {
		port = "0"
	}
	host := a.host
	if host == "*" {
		if ipv6 {
			return "tcp", net.JoinHostPort("::", port), nil
		}
		return "tcp4", net.JoinHostPort("0.0.0.0", port), nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.To4() == nil {
			return "tcp6", net.JoinHostPort(host, port), nil
		}
		return "tcp4", net.JoinHostPort(host, port), nil
	}
	// An interface name binds to that interface's first address.
	if ifi, err := net.InterfaceByName(host); err == nil {
		addrs, _ := ifi.Addrs()
		for _, ad := range addrs {
			ipn, ok := ad.(*net.IPNet)
			if !ok {
				continue
			}
			if ipn.IP.To4() != nil || ipv6 {
				return "tcp", net.JoinHostPort(ipn.IP.String(), port), nil
			}
		}
		return "", "", ENODEV
	}
	// No name lookup for a bind, as libzmq: a host name is ENODEV.
	return "", "", ENODEV
}

// dialAddr returns the network and address for net.Dial.
func (a *tcpAddress) dialAddr(ipv6 bool) (string, string) {
	addr := net.JoinHostPort(a.host, a.port)
	if ip := net.ParseIP(a.host); ip != nil {
		if ip.To4() == nil {
			return "tcp6", addr
		}
		return "tcp4", addr
	}
	if ipv6 {
		return "tcp", addr
	}
	return "tcp4", addr
}

// tcpEndpointString formats a bound address as LAST_ENDPOINT shows it.
func tcpEndpointString(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return "tcp://" + a.String()
	}
	return "tcp://" + net.JoinHostPort(ta.IP.String(), strconv.Itoa(ta.Port))
}
