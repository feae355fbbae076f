package core

import "golang.org/x/sys/unix"

// bindToDevice binds socket s to a network interface (BINDTODEVICE).
func bindToDevice(s int, dev string) error {
	return unix.SetsockoptString(s, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, dev)
}

// setMaxRT sets TCP_MAXRT as Linux's TCP_USER_TIMEOUT, in milliseconds.
func setMaxRT(s, ms int) error {
	return unix.SetsockoptInt(s, unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, ms)
}
