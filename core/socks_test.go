package core

import (
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
)

// socksServer is a minimal SOCKS5 proxy on loopback for the tests: no
// authentication, CONNECT only. It records the targets asked for.
type socksServer struct {
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	targets []string
	conns   []net.Conn
}

func startSOCKS(t *testing.T) *socksServer {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	s := &socksServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.track(c)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *socksServer) track(c net.Conn) {
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
}

func (s *socksServer) serve(c net.Conn) {
	defer c.Close()
	var b [4]byte
	if _, err := io.ReadFull(c, b[:2]); err != nil || b[0] != 5 {
		return
	}
	methods := make([]byte, b[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return
	}
	c.Write([]byte{5, 0})
	if _, err := io.ReadFull(c, b[:4]); err != nil || b[1] != 1 {
		return
	}
	var host string
	switch b[3] {
	case 1:
		ip := make([]byte, 4)
		io.ReadFull(c, ip)
		host = net.IP(ip).String()
	case 3:
		var l [1]byte
		io.ReadFull(c, l[:])
		name := make([]byte, l[0])
		io.ReadFull(c, name)
		host = string(name)
	default:
		return
	}
	var p [2]byte
	if _, err := io.ReadFull(c, p[:]); err != nil {
		return
	}
	target := net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(p[:]))))
	s.mu.Lock()
	s.targets = append(s.targets, target)
	s.mu.Unlock()
	up, err := net.Dial("tcp4", target)
	if err != nil {
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	s.track(up)
	defer up.Close()
	c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0})
	done := make(chan struct{})
	go func() {
		io.Copy(up, c)
		up.Close()
		close(done)
	}()
	io.Copy(c, up)
	c.Close()
	<-done
}

// With SOCKS_PROXY set, tcp connects go through the proxy, which is given
// the endpoint's host (a numeric address, or a name for it to resolve).
func TestSOCKSProxy(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run(host, func(t *testing.T) {
			proxy := startSOCKS(t)
			e := newEnv(t)
			pull, push := e.socket(PULL), e.socket(PUSH)
			ep := e.bind(pull)
			_, port, _ := net.SplitHostPort(ep[len("tcp://"):])
			must(t, push.SetBytes(OptSocksProxy, []byte(proxy.ln.Addr().String())))
			if host == "localhost" {
				// The proxy resolves the name; ask for IPv4 only.
				must(t, push.Connect("tcp://localhost:"+port))
			} else {
				must(t, push.Connect(ep))
			}
			send(t, push, "via", "proxy")
			recv(t, pull, "via", "proxy")
			proxy.mu.Lock()
			defer proxy.mu.Unlock()
			if len(proxy.targets) != 1 || proxy.targets[0] != net.JoinHostPort(host, port) {
				t.Fatalf("proxy asked for %q, want [%s:%s]", proxy.targets, host, port)
			}
		})
	}
}
