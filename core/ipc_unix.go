//go:build unix

package core

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// The ipc transport: "ipc://path" over Unix domain sockets, "*" for a
// fresh path, "@name" in Linux's abstract namespace.

func init() { registerTransport("ipc", ipcTransport{}) }

type ipcTransport struct{}

// ipcAddress is a parsed ipc endpoint: the path.
type ipcAddress string

func (ipcTransport) parse(addr string, bind bool) (address, error) {
	if addr == "" || addr == "@" {
		return nil, EINVAL
	}
	if len(addr) > maxIPCPath {
		return nil, ENAMETOOLONG
	}
	return ipcAddress(addr), nil
}

func (ipcTransport) tune(net.Conn, *options) error { return nil }

func (a ipcAddress) listen(*options) (net.Listener, string, func(), error) {
	return listenIPC(string(a))
}

func (a ipcAddress) dial(ctx context.Context, _ *options) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", string(a))
}

// ipcSupported reports whether the ipc:// transport (Unix domain sockets)
// exists on this platform.
const ipcSupported = true

// maxIPCPath is the longest ipc address libzmq accepts: the size of
// sockaddr_un's sun_path less its terminating NUL (107 on Linux, 103 on
// the BSDs and macOS).
const maxIPCPath = len(syscall.RawSockaddrUnix{}.Path) - 1

// abstractIPC reports whether path names a socket in Linux's abstract
// namespace ("@name"), which has no file.
func abstractIPC(path string) bool {
	return path[0] == '@' && (runtime.GOOS == "linux" || runtime.GOOS == "android")
}

// ipcTempBase returns where ipc://* makes its directory: the first of
// TMPDIR, TEMP and TMP that names a directory, as libzmq looks them up.
// Where libzmq then falls back to the current directory, we use the
// system's temporary directory.
func ipcTempBase() string {
	for _, v := range []string{"TMPDIR", "TEMP", "TMP"} {
		if d := os.Getenv(v); d != "" {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				return d
			}
		}
	}
	return os.TempDir()
}

// listenIPC binds a Unix domain socket for "ipc://path" and returns the
// listener, the endpoint LAST_ENDPOINT reports, and what to run after the
// listener is closed. Like libzmq 4.3:
//   - "*" binds a file named "socket" in a new private directory, and both
//     are removed when the listener closes;
//   - any other path first has whatever is there unlinked (so that a socket
//     file left behind by a dead process does not block the bind), and the
//     file stays after Unbind and Close.
func listenIPC(path string) (net.Listener, string, func(), error) {
	dir := ""
	if path == "*" {
		d, err := os.MkdirTemp(ipcTempBase(), "tmp")
		if err != nil {
			return nil, "", nil, mapNetError(err)
		}
		dir = d
		path = filepath.Join(d, "socket")
		if len(path) > maxIPCPath {
			os.Remove(dir)
			return nil, "", nil, ENAMETOOLONG
		}
	} else if !abstractIPC(path) {
		syscall.Unlink(path)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		if dir != "" {
			os.Remove(dir)
		}
		return nil, "", nil, mapNetError(err)
	}
	// Go would remove the file on Close; libzmq leaves a named one in
	// place and removes only the one it made up for "*".
	ln.SetUnlinkOnClose(dir != "")
	var cleanup func()
	if dir != "" {
		cleanup = func() { os.Remove(dir) }
	}
	return ln, "ipc://" + path, cleanup, nil
}
