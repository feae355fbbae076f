package core

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
)

// errSOCKS marks a SOCKS proxy that refused or garbled the connection.
var errSOCKS = errors.New("socks: proxy refused the connection")

// dial connects a tcp endpoint, directly or, when SOCKS_PROXY is set,
// through that SOCKS5 proxy (no authentication, as libzmq 4.3's stable
// API). ctx cancels the connect and the proxy handshake.
func (t *tcpTuning) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if t.socksProxy == "" {
		return t.dialer().DialContext(ctx, network, addr)
	}
	conn, err := t.dialer().DialContext(ctx, "tcp", t.socksProxy)
	if err != nil {
		return nil, err
	}
	// Abandon the handshake when ctx ends.
	release := closeWhenDone(ctx, conn)
	err = socksConnect(conn, addr)
	release()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// socksConnect asks the SOCKS5 proxy at the other end of conn to connect
// it to addr ("host:port"). A numeric host goes as an address, any other
// as a name for the proxy to resolve, as libzmq does.
func socksConnect(conn net.Conn, addr string) error {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return err
	}
	// Greeting: version 5, one method, "no authentication".
	if _, err := conn.Write([]byte{5, 1, 0}); err != nil {
		return err
	}
	var reply [2]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return err
	}
	if reply[0] != 5 || reply[1] != 0 {
		return errSOCKS
	}
	req := []byte{5, 1, 0} // version, CONNECT, reserved
	if ip := net.ParseIP(host); ip != nil {
		if ip4 := ip.To4(); ip4 != nil {
			req = append(append(req, 1), ip4...)
		} else {
			req = append(append(req, 4), ip.To16()...)
		}
	} else {
		if len(host) > 255 {
			return errSOCKS
		}
		req = append(append(req, 3, byte(len(host))), host...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := conn.Write(req); err != nil {
		return err
	}
	// Reply: version, status, reserved, address type, bound address, port.
	var head [4]byte
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return err
	}
	if head[0] != 5 || head[1] != 0 {
		return errSOCKS
	}
	var n int
	switch head[3] {
	case 1:
		n = 4
	case 4:
		n = 16
	case 3:
		var l [1]byte
		if _, err := io.ReadFull(conn, l[:]); err != nil {
			return err
		}
		n = int(l[0])
	default:
		return errSOCKS
	}
	rest := make([]byte, n+2)
	_, err = io.ReadFull(conn, rest)
	return err
}
