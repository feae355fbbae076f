//go:build unix

package core

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// setPreConnect applies the options that must be set before bind or
// connect to the tcp socket fd.
func (t *tcpTuning) setPreConnect(fd uintptr) error {
	s := int(fd)
	if t.device != "" {
		if err := bindToDevice(s, t.device); err != nil {
			return err
		}
	}
	if t.sndbuf >= 0 {
		if err := unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_SNDBUF, t.sndbuf); err != nil {
			return err
		}
	}
	if t.rcvbuf >= 0 {
		if err := unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUF, t.rcvbuf); err != nil {
			return err
		}
	}
	return setTOS(s, t.tos)
}

// setTOS sets the type of service of an IPv4 socket or the traffic class
// of an IPv6 one (which, on a dual-stack socket, may take IP_TOS too).
func setTOS(s, tos int) error {
	if tos == 0 {
		return nil
	}
	err4 := unix.SetsockoptInt(s, unix.IPPROTO_IP, unix.IP_TOS, tos)
	err6 := unix.SetsockoptInt(s, unix.IPPROTO_IPV6, unix.IPV6_TCLASS, tos)
	if err4 != nil && err6 != nil {
		return err4
	}
	return nil
}

// setPostConnect applies the options set on each connection: TOS (an
// accepted connection gets it too, as with libzmq) and TCP_MAXRT.
func (t *tcpTuning) setPostConnect(tc *net.TCPConn) error {
	if t.tos == 0 && t.maxrt <= 0 {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return err
	}
	cerr := rc.Control(func(fd uintptr) {
		if err = setTOS(int(fd), t.tos); err == nil && t.maxrt > 0 {
			err = setMaxRT(int(fd), t.maxrt)
		}
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// setBacklog makes the listening socket's queue of pending connections
// BACKLOG long: Go listens with the system's maximum, and calling listen
// again on a listening socket changes its backlog.
func setBacklog(ln net.Listener, n int) error {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	cerr := rc.Control(func(fd uintptr) { err = unix.Listen(int(fd), n) })
	if cerr != nil {
		return cerr
	}
	return err
}
