//go:build !unix

package core

import "net"

// ipcSupported reports whether the ipc:// transport exists on this
// platform: not here, as with libzmq on Windows.
const ipcSupported = false

// maxIPCPath matches Linux's limit; it is not consulted here.
const maxIPCPath = 107

// listenIPC is never reached (parseEndpoint refuses ipc first).
func listenIPC(string) (net.Listener, string, func(), error) {
	return nil, "", nil, EPROTONOSUPPORT
}
