package interop

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	soakOnce sync.Once
	soakPath string
	soakErr  error
)

// zmqsoak builds the main module's cmd/zmqsoak once per test binary.
func zmqsoak(tb testing.TB) string {
	tb.Helper()
	soakOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zmqsoak")
		if err != nil {
			soakErr = err
			return
		}
		soakPath = filepath.Join(dir, "zmqsoak")
		out, err := exec.Command("go", "build", "-C", "..", "-o", soakPath, "./cmd/zmqsoak").CombinedOutput()
		if err != nil {
			soakErr = fmt.Errorf("building zmqsoak: %v\n%s", err, out)
		}
	})
	if soakErr != nil {
		tb.Fatal(soakErr)
	}
	return soakPath
}

// rss returns the process's resident memory in bytes.
func rss(tb testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		tb.Fatal(err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// settle lets the Go runtime collect and return what it can, so that
// resident memory shows what is really held.
func settle() {
	runtime.GC()
	runtime.GC()
	debug.FreeOSMemory()
}

// BenchmarkIdleConnections measures, in one program, what an idle
// handshaken tcp connection costs libzmq (through its C API, reached via
// pebbe/zmq4) and monocoque: MONOCOQUE_IDLE_PEERS (default 10,000) silent
// peers, connected by cmd/zmqsoak from another process, on one ROUTER and
// on one PUB. It reports the growth of resident memory per connection
// (rss-B/conn, comparable across both) and, for monocoque, the Go heap
// and goroutine stacks per connection. The measurement runs once, whatever
// b.N.
func BenchmarkIdleConnections(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("MONOCOQUE_IDLE_PEERS")); err == nil && v > 0 {
		n = v
	}
	for _, i := range []impl{libzmq, mono} {
		for _, c := range []struct {
			k        kind
			peerType string
		}{{ROUTER, "DEALER"}, {PUB, "SUB"}} {
			b.Run(fmt.Sprintf("impl=%s/%s/peers=%d", i, c.k, n), func(b *testing.B) {
				e := newEnv(b)
				s := e.socket(i, c.k)
				ep := bindAny(b, s)
				settle()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				r0 := rss(b)
				farm(b, ep, c.peerType, n)
				settle()
				runtime.ReadMemStats(&m1)
				r1 := rss(b)
				b.ReportMetric(float64(r1-r0)/float64(n), "rss-B/conn")
				if i == mono {
					heap := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
					stack := int64(m1.StackInuse) - int64(m0.StackInuse)
					b.ReportMetric(float64(heap+stack)/float64(n), "heap+stack-B/conn")
				}
			})
		}
	}
}

// farm connects n idle peers of type typ to endpoint from a zmqsoak
// process and returns once each has finished its handshake and the
// accepting side has had time to settle.
func farm(tb testing.TB, endpoint, typ string, n int) {
	tb.Helper()
	cmd := exec.Command(zmqsoak(tb), "-mode", "idle", "-connect", endpoint, "-type", typ, "-n", strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready") {
		tb.Fatalf("zmqsoak: %q, %v", line, err)
	}
	// monocoque's connections give their read buffers back after a second
	// of quiet; both libraries get the same time to settle.
	time.Sleep(1500 * time.Millisecond)
}
