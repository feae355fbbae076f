//go:build !unix

package core

import "net"

// There are no Unix domain sockets here: ipc endpoints are refused with
// EPROTONOSUPPORT, as libzmq does on Windows.

func init() { registerTransport("ipc", ipcTransport{}) }

type ipcTransport struct{}

func (ipcTransport) parse(string, bool) (address, error) { return nil, EPROTONOSUPPORT }

func (ipcTransport) tune(net.Conn, *options) error { return nil }

// ipcSupported reports whether the ipc:// transport exists on this
// platform: not here, as with libzmq on Windows.
const ipcSupported = false

// maxIPCPath matches Linux's limit; nothing here consults it.
const maxIPCPath = 107
