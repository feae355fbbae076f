package core

import (
	"net"
	"strconv"
	"strings"
)

// endpoint is a parsed "transport://address".
type endpoint struct {
	transport string
	host      string // tcp: "*" for every interface
	port      string // tcp: "*" or "!" for an ephemeral port
	// path is the address of an ipc endpoint (a file path, "*" for a fresh
	// one, or "@name" in Linux's abstract namespace) or an inproc name.
	path string
}

// parseEndpoint splits and checks an endpoint string.
func parseEndpoint(s string) (endpoint, error) {
	i := strings.Index(s, "://")
	if i <= 0 {
		return endpoint{}, EINVAL
	}
	ep := endpoint{transport: s[:i]}
	addr := s[i+3:]
	switch ep.transport {
	case "tcp":
	case "inproc":
		if addr == "" {
			return endpoint{}, EINVAL
		}
		ep.path = addr
		return ep, nil
	case "ipc":
		if !ipcSupported {
			return endpoint{}, EPROTONOSUPPORT
		}
		if addr == "" || addr == "@" {
			return endpoint{}, EINVAL
		}
		if len(addr) > maxIPCPath {
			return endpoint{}, ENAMETOOLONG
		}
		ep.path = addr
		return ep, nil
	default:
		// pgm, epgm, tipc, norm, vmci, udp, ws, wss and unknown names.
		return endpoint{}, EPROTONOSUPPORT
	}
	// A connect address may name a source address first: "src;dst".
	if j := strings.LastIndexByte(addr, ';'); j >= 0 {
		addr = addr[j+1:]
	}
	j := strings.LastIndexByte(addr, ':')
	if j <= 0 || j == len(addr)-1 {
		return endpoint{}, EINVAL
	}
	ep.host, ep.port = addr[:j], addr[j+1:]
	if strings.HasPrefix(ep.host, "[") {
		if !strings.HasSuffix(ep.host, "]") {
			return endpoint{}, EINVAL
		}
		ep.host = ep.host[1 : len(ep.host)-1]
	}
	if ep.host == "" {
		return endpoint{}, EINVAL
	}
	return ep, nil
}

// ephemeral reports whether the port asks the system to choose.
func (ep endpoint) ephemeral() bool { return ep.port == "*" || ep.port == "!" || ep.port == "0" }

// listenAddr returns the network and address for net.Listen.
func (ep endpoint) listenAddr(ipv6 bool) (string, string, error) {
	port := ep.port
	if ep.ephemeral() {
		port = "0"
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return "", "", EINVAL
	}
	host := ep.host
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
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			if ipn.IP.To4() != nil || ipv6 {
				return "tcp", net.JoinHostPort(ipn.IP.String(), port), nil
			}
		}
		return "", "", ENODEV
	}
	// A host name resolves, as libzmq does for bind.
	ips, err := net.LookupIP(host)
	if err != nil {
		return "", "", ENODEV
	}
	for _, ip := range ips {
		if ip.To4() != nil || ipv6 {
			return "tcp", net.JoinHostPort(ip.String(), port), nil
		}
	}
	return "", "", ENODEV
}

// dialAddr returns the network and address for net.Dial.
func (ep endpoint) dialAddr(ipv6 bool) (string, string) {
	if ep.transport == "ipc" {
		return "unix", ep.path
	}
	addr := net.JoinHostPort(ep.host, ep.port)
	if ip := net.ParseIP(ep.host); ip != nil {
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

// HasIPC reports whether the ipc:// transport (Unix domain sockets) is
// available on this platform.
const HasIPC = ipcSupported
