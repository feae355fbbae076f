package interop

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// transports are the transports the pair tests run over.
var transports = []string{"tcp", "ipc"}

// linkOver binds binder and connects connector over the given transport
// and returns the endpoint.
func linkOver(tb testing.TB, transport string, binder, connector socket) string {
	tb.Helper()
	if transport == "tcp" {
		return link(tb, binder, connector)
	}
	ep := "ipc://" + ipcPath(tb)
	must(tb, binder.Bind(ep))
	got, err := binder.LastEndpoint()
	must(tb, err)
	if got != ep {
		tb.Fatalf("%v: GetLastEndpoint after binding %s = %q", binder, ep, got)
	}
	must(tb, connector.Connect(ep))
	return ep
}

// ipcPath returns a socket path in a fresh directory removed at cleanup;
// it is kept short, well under sun_path's 108 bytes.
func ipcPath(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "mq")
	must(tb, err)
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "s.sock")
}

func socketFileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
}

// TestIPCWildcard: each implementation binds ipc://*, reports the path it
// made up, and the other connects to it; PUSH/PULL and REQ/REP.
func TestIPCWildcard(t *testing.T) {
	dir, err := os.MkdirTemp("", "mq")
	must(t, err)
	defer os.RemoveAll(dir)
	// Both implementations make their directory under TMPDIR.
	t.Setenv("TMPDIR", dir)
	for _, binder := range []impl{mono, libzmq} {
		for _, kinds := range [][2]kind{{PULL, PUSH}, {REP, REQ}} {
			t.Run(fmt.Sprintf("%s_%s_binds", binder, kinds[0]), func(t *testing.T) {
				e := newEnv(t)
				b, c := e.socket(binder, kinds[0]), e.socket(binder.other(), kinds[1])
				must(t, b.Bind("ipc://*"))
				ep, err := b.LastEndpoint()
				must(t, err)
				path := strings.TrimPrefix(ep, "ipc://")
				if !strings.HasPrefix(path, dir+"/") || !socketFileExists(path) {
					t.Fatalf("%v: LAST_ENDPOINT after ipc://* = %q, no socket file under %s", b, ep, dir)
				}
				must(t, c.Connect(ep))
				if kinds[0] == PULL {
					stream(t, c, b, 20)
				} else {
					for i := 0; i < 5; i++ {
						sendStr(t, c, "req", fmt.Sprint(i))
						expectStr(t, b, "req", fmt.Sprint(i))
						sendStr(t, b, "rep", fmt.Sprint(i))
						expectStr(t, c, "rep", fmt.Sprint(i))
					}
				}
			})
		}
	}
}

// TestIPCStaleFile: a socket file left behind by a closed socket of one
// implementation does not stop the other from binding the same path (both
// unlink it first), and both leave a named file in place on Close.
func TestIPCStaleFile(t *testing.T) {
	for _, first := range []impl{mono, libzmq} {
		t.Run(fmt.Sprintf("%s_leaves_file", first), func(t *testing.T) {
			e := newEnv(t)
			path := ipcPath(t)
			ep := "ipc://" + path
			old := e.open(first, PULL)
			must(t, old.Bind(ep))
			closeSocket(t, old)
			time.Sleep(20 * time.Millisecond) // libzmq closes its listener in the background
			if !socketFileExists(path) {
				t.Fatalf("%s removed %s on Close; libzmq 4.3 leaves it", first, path)
			}
			pull, push := e.socket(first.other(), PULL), e.socket(first, PUSH)
			must(t, pull.Bind(ep))
			must(t, push.Connect(ep))
			stream(t, push, pull, 10)
		})
	}
}

// TestIPCConnectFirst: the connecting side may come first; it keeps trying
// until the path is bound.
func TestIPCConnectFirst(t *testing.T) {
	for _, binder := range []impl{mono, libzmq} {
		t.Run(fmt.Sprintf("%s_binds_late", binder), func(t *testing.T) {
			e := newEnv(t)
			ep := "ipc://" + ipcPath(t)
			push := e.socket(binder.other(), PUSH)
			must(t, push.SetReconnectIvl(10*time.Millisecond))
			must(t, push.Connect(ep))
			time.Sleep(30 * time.Millisecond)
			pull := e.socket(binder, PULL)
			must(t, pull.Bind(ep))
			stream(t, push, pull, 10)
		})
	}
}
