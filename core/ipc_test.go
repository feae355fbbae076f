//go:build unix

package core

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// ipcPath returns a socket path in a directory removed after the test.
func ipcPath(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mq")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "s.sock")
}

func TestIPCPairs(t *testing.T) {
	runSocketPairs(t, func(t *testing.T) string { return "ipc://" + ipcPath(t) },
		func(t *testing.T, binder *Socket, ep string) {
			if got, _ := binder.GetBytes(OptLastEndpoint); string(got) != ep {
				t.Fatalf("LAST_ENDPOINT = %q, want %q", got, ep)
			}
		})
}

func isSocketFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
}

// TestIPCWildcard: ipc://* binds a fresh file in a new directory; Unbind and
// Close remove both, as libzmq does.
func TestIPCWildcard(t *testing.T) {
	for _, how := range []string{"unbind", "close"} {
		t.Run(how, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			e := newEnv(t)
			pull := e.socket(PULL)
			must(t, pull.Bind("ipc://*"))
			must(t, pull.Bind("ipc://*"))
			epb, _ := pull.GetBytes(OptLastEndpoint)
			ep := string(epb)
			path := strings.TrimPrefix(ep, "ipc://")
			if path == ep || !strings.HasPrefix(path, os.Getenv("TMPDIR")) || filepath.Base(path) != "socket" {
				t.Fatalf("LAST_ENDPOINT = %q", ep)
			}
			if !isSocketFile(path) {
				t.Fatalf("%s is not a socket", path)
			}
			push := e.socket(PUSH)
			must(t, push.Connect(ep))
			send(t, push, "hi")
			recv(t, pull, "hi")
			if how == "unbind" {
				must(t, pull.Unbind(ep))
			} else {
				must(t, pull.Close())
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("%s left behind: %v", path, err)
			}
			if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
				t.Fatalf("directory %s left behind: %v", filepath.Dir(path), err)
			}
		})
	}
}

// TestIPCStaleFile: Bind replaces whatever is at the path (a socket file
// left by a dead process, or any file); Unbind and Close leave a named file
// in place. Both as in libzmq 4.3.
func TestIPCStaleFile(t *testing.T) {
	for _, kind := range []string{"stale socket", "regular file"} {
		t.Run(kind, func(t *testing.T) {
			path := ipcPath(t)
			if kind == "stale socket" {
				ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
				must(t, err)
				ln.SetUnlinkOnClose(false)
				ln.Close()
			} else {
				must(t, os.WriteFile(path, []byte("x"), 0o600))
			}
			e := newEnv(t)
			pull, push := e.socket(PULL), e.socket(PUSH)
			must(t, pull.Bind("ipc://"+path))
			must(t, push.Connect("ipc://"+path))
			send(t, push, "over "+kind)
			recv(t, pull, "over "+kind)
			must(t, pull.Unbind("ipc://"+path))
			if !isSocketFile(path) {
				t.Fatalf("%s removed by Unbind", path)
			}
			must(t, pull.Bind("ipc://"+path))
			must(t, pull.Close())
			if !isSocketFile(path) {
				t.Fatalf("%s removed by Close", path)
			}
		})
	}
}

func TestIPCAddressErrors(t *testing.T) {
	e := newEnv(t)
	s := e.socket(PULL)
	for _, ep := range []string{"ipc://", "ipc://@"} {
		if err := s.Bind(ep); err != EINVAL {
			t.Errorf("Bind(%q) = %v, want EINVAL", ep, err)
		}
		if err := s.Connect(ep); err != EINVAL {
			t.Errorf("Connect(%q) = %v, want EINVAL", ep, err)
		}
	}
	long := "ipc:///tmp/" + strings.Repeat("x", maxIPCPath)
	if err := s.Bind(long); err != ENAMETOOLONG {
		t.Errorf("Bind(long) = %v, want ENAMETOOLONG", err)
	}
	if err := s.Connect(long); err != ENAMETOOLONG {
		t.Errorf("Connect(long) = %v, want ENAMETOOLONG", err)
	}
	if err := s.Bind("ipc:///nonexistent-dir/x.sock"); err != ENOENT {
		t.Errorf("Bind in a missing directory = %v, want ENOENT", err)
	}
	// Connecting to a path nobody listens on is fine: it retries.
	must(t, s.Connect("ipc:///nonexistent-dir/x.sock"))
}

func TestIPCAbstract(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("abstract socket names are Linux only")
	}
	e := newEnv(t)
	pull, push := e.socket(PULL), e.socket(PUSH)
	ep := fmt.Sprintf("ipc://@monocoque-test-%d", os.Getpid())
	must(t, pull.Bind(ep))
	got, _ := pull.GetBytes(OptLastEndpoint)
	if string(got) != ep {
		t.Fatalf("LAST_ENDPOINT = %q", got)
	}
	must(t, push.Connect(ep))
	send(t, push, "abstract")
	recv(t, pull, "abstract")
}

func BenchmarkPushPullIPC(b *testing.B) {
	b.Setenv("TMPDIR", b.TempDir())
	benchPushPull(b, "ipc://*")
}
