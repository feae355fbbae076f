package core

import (
	"context"
	"net"
	"strings"
)

// A transport is a kind of stream endpoint that Bind and Connect reach
// through the network stack: tcp (tcp.go) and ipc (ipc_unix.go). Each
// registers itself by name; adding one (ws://, say) is one new file.
// inproc (inproc.go) is not a transport in this sense: it has no
// connections and no engines.
type transport interface {
	// parse checks the address part of an endpoint ("host:port" for
	// tcp://host:port) for Bind (bind set) or Connect, with libzmq's
	// errors.
	parse(addr string, bind bool) (address, error)
	// tune prepares a connection just accepted or dialled with the
	// options of its listener or session; an error drops it.
	tune(conn net.Conn, o *options) error
}

// address is a parsed endpoint address of a transport.
type address interface {
	// listen binds the address and returns the listener, the endpoint as
	// LAST_ENDPOINT reports it, and what to run once the listener is
	// closed (nil for nothing).
	listen(o *options) (ln net.Listener, endpoint string, cleanup func(), err error)
	// dial connects to the address; ctx cancels it.
	dial(ctx context.Context, o *options) (net.Conn, error)
}

// resolver is a transport whose addresses have other spellings (a host
// name for an address): Unbind and Disconnect try the resolved form of an
// endpoint that matches nothing as given, as libzmq does.
type resolver interface {
	// resolve returns addr with its host resolved, or addr itself when it
	// does not resolve.
	resolve(addr string, ipv6 bool) string
}

// transports are the registered transports by scheme.
var transports = map[string]transport{}

// registerTransport makes a transport reachable as "name://".
func registerTransport(name string, t transport) { transports[name] = t }

// splitEndpoint splits "transport://address"; both parts must be there.
func splitEndpoint(endpoint string) (scheme, addr string, err error) {
	i := strings.Index(endpoint, "://")
	if i <= 0 || i+3 == len(endpoint) {
		return "", "", EINVAL
	}
	return endpoint[:i], endpoint[i+3:], nil
}

// checkScheme answers, as libzmq's check_protocol, whether a socket of type
// t can use scheme: the registered transports and inproc, yes; udp (only
// for the draft types RADIO, DISH, DGRAM) and the multicast ones (only for
// the publish-subscribe types) are ENOCOMPATPROTO where libzmq would
// refuse them for the type; the rest (pgm on PUB, tipc, vmci, ws, unknown
// names) EPROTONOSUPPORT.
func checkScheme(scheme string, t SocketType) error {
	if _, ok := transports[scheme]; ok || scheme == "inproc" {
		return nil
	}
	switch scheme {
	case "udp":
		return ENOCOMPATPROTO
	case "pgm", "epgm", "norm":
		if t != PUB && t != SUB && t != XPUB && t != XSUB {
			return ENOCOMPATPROTO
		}
	}
	return EPROTONOSUPPORT
}

// resolveEndpoint parses a tcp or ipc endpoint for Bind or Connect.
func resolveEndpoint(scheme, addr string, bind bool) (transport, address, error) {
	t, ok := transports[scheme]
	if !ok {
		return nil, nil, EPROTONOSUPPORT
	}
	a, err := t.parse(addr, bind)
	if err != nil {
		return nil, nil, err
	}
	return t, a, nil
}

// parseInproc checks an inproc name.
func parseInproc(addr string) (string, error) {
	if addr == "" {
		return "", EINVAL
	}
	return addr, nil
}

// HasIPC reports whether the ipc:// transport (Unix domain sockets) is
// available on this platform.
const HasIPC = ipcSupported
