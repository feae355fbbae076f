package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/monocoque-go/monocoque/wire"
)

// runHostile is runIdle with peers that, after their handshake, announce
// a frame of declared bytes and send only the first 100 of them: what a
// server must not reserve memory for.
func runHostile(endpoint, typ string, n, declared int) error {
	return hold(endpoint, typ, n, func(c net.Conn) error {
		hdr := wire.AppendFrameHeader(nil, 0, declared)
		_, err := c.Write(append(hdr, make([]byte, 100)...))
		return err
	})
}

// runIdle connects n peers of socket type typ to endpoint, each completing
// a ZMTP 3.1 NULL handshake and then staying silent, prints "ready n" and
// waits for its standard input to close. It is the far side of idle
// connection measurements: the peers live in this process, so what the
// measured process holds is its own.
func runIdle(endpoint, typ string, n int) error {
	return hold(endpoint, typ, n, nil)
}

// hold connects n handshaken peers, runs then (if any) on each, prints
// "ready n" and waits for standard input to close.
func hold(endpoint, typ string, n int, then func(net.Conn) error) error {
	addr, ok := strings.CutPrefix(endpoint, "tcp://")
	if !ok {
		return fmt.Errorf("idle mode takes a tcp:// endpoint, not %q", endpoint)
	}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := idlePeer(addr, typ)
		if err != nil {
			return fmt.Errorf("peer %d: %w", i, err)
		}
		conns = append(conns, c)
		if then != nil {
			if err := then(c); err != nil {
				return fmt.Errorf("peer %d: %w", i, err)
			}
		}
	}
	fmt.Printf("ready %d\n", len(conns))
	io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	return nil
}

// idlePeer dials addr and runs the greeting and a NULL handshake as a
// socket of type typ.
func idlePeer(addr, typ string) (net.Conn, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	if err := nullHandshake(conn, typ); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// nullHandshake sends our greeting and READY and reads the peer's.
func nullHandshake(conn net.Conn, typ string) error {
	mech := wire.NewNull(wire.SocketInfo{Type: typ})
	cmds, err := mech.Start()
	if err != nil {
		return err
	}
	enc := wire.NewEncoder()
	for _, c := range cmds {
		enc.AppendFrame(wire.FlagCommand, c)
	}
	greeting := wire.Greeting{Major: 3, Minor: 1, Mechanism: mech.Name()}.Append(nil)
	if _, err := conn.Write(greeting); err != nil {
		return err
	}
	if _, err := enc.WriteTo(conn); err != nil {
		return err
	}
	var g [wire.GreetingSize]byte
	if _, err := io.ReadFull(conn, g[:]); err != nil {
		return err
	}
	if _, err := wire.ParseGreeting(g[:]); err != nil {
		return err
	}
	dec := wire.NewDecoderSize(conn, -1, 512)
	for mech.Status() != wire.Ready {
		f, err := dec.Next()
		if err != nil {
			return err
		}
		if _, err := mech.Handle(f.Body); err != nil {
			return err
		}
	}
	return nil
}
