package core

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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

// zmqsoak builds cmd/zmqsoak once per test binary.
func zmqsoak(tb testing.TB) string {
	tb.Helper()
	soakOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zmqsoak")
		if err != nil {
			soakErr = err
			return
		}
		soakPath = filepath.Join(dir, "zmqsoak")
		out, err := exec.Command("go", "build", "-o", soakPath, "../cmd/zmqsoak").CombinedOutput()
		if err != nil {
			soakErr = fmt.Errorf("building zmqsoak: %v\n%s", err, out)
		}
	})
	if soakErr != nil {
		tb.Fatal(soakErr)
	}
	return soakPath
}

// idleFarm connects n silent, handshaken peers of type typ to endpoint
// from another process (so that their memory and descriptors are not
// this process's) and waits until s has a pipe for each.
func idleFarm(tb testing.TB, s *Socket, endpoint, typ string, n int) {
	tb.Helper()
	farm(tb, s, n, "-mode", "idle", "-connect", endpoint, "-type", typ, "-n", strconv.Itoa(n))
}

// farm runs zmqsoak with args and waits until it is ready and s has n
// pipes.
func farm(tb testing.TB, s *Socket, n int, args ...string) {
	tb.Helper()
	cmd := exec.Command(zmqsoak(tb), args...)
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
	deadline := time.Now().Add(60 * time.Second)
	for pipeCount(s) < n {
		if time.Now().After(deadline) {
			tb.Fatalf("%d pipes, want %d", pipeCount(s), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// idleCost returns the heap and goroutine stack memory that n idle peers
// add to a bound socket of type typ (peers announcing peerType), per
// connection.
func idleCost(tb testing.TB, typ SocketType, peerType string, n int) (heap, stack float64) {
	ctx := NewContext()
	defer ctx.Term()
	s, err := ctx.NewSocket(typ)
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	s.SetInt(OptLinger, 0)
	if err := s.Bind("tcp://127.0.0.1:*"); err != nil {
		tb.Fatal(err)
	}
	ep, _ := s.GetBytes(OptLastEndpoint)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	g0 := runtime.NumGoroutine()
	idleFarm(tb, s, string(ep), peerType, n)
	// Connections give their read buffers back, and stop their writers,
	// once quiet for idleAfter.
	time.Sleep(idleAfter + idleAfter/2)
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine()-g0 > n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	stack = float64(int64(after.StackInuse)-int64(before.StackInuse)) / float64(n)
	return heap, stack
}

// TestIdleConnectionMemory: an idle handshaken tcp connection costs at most
// 16 KiB of heap and goroutine stacks.
func TestIdleConnectionMemory(t *testing.T) {
	for _, c := range []struct {
		typ      SocketType
		peerType string
	}{{ROUTER, "DEALER"}, {PUB, "SUB"}} {
		t.Run(c.typ.String(), func(t *testing.T) {
			heap, stack := idleCost(t, c.typ, c.peerType, 1000)
			t.Logf("per idle connection: %.0f B heap, %.0f B stack", heap, stack)
			limit := 16.0 * 1024
			if raceEnabled {
				// The race detector enlarges goroutine stacks (and
				// records shadow state outside the heap).
				limit = 24 * 1024
			}
			if heap+stack > limit {
				t.Errorf("%.0f B per idle connection, want at most %.0f", heap+stack, limit)
			}
		})
	}
}

// BenchmarkIdleConnections reports what an idle handshaken connection
// costs with MONOCOQUE_IDLE_PEERS (default 10,000) peers on one ROUTER and
// on one PUB.
func BenchmarkIdleConnections(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("MONOCOQUE_IDLE_PEERS")); err == nil && v > 0 {
		n = v
	}
	for _, c := range []struct {
		typ      SocketType
		peerType string
	}{{ROUTER, "DEALER"}, {PUB, "SUB"}} {
		b.Run(fmt.Sprintf("%s/peers=%d", c.typ, n), func(b *testing.B) {
			var heap, stack float64
			for i := 0; i < b.N; i++ {
				heap, stack = idleCost(b, c.typ, c.peerType, n)
			}
			b.ReportMetric(heap, "heap-B/conn")
			b.ReportMetric(stack, "stack-B/conn")
			b.ReportMetric(heap+stack, "B/conn")
		})
	}
}

// TestHostileLengthsCostLittle: 2,000 handshaken peers that each announce
// a 1 GiB frame and send 100 bytes of it cost well under 64 MiB: nothing
// is reserved beyond what arrived.
func TestHostileLengthsCostLittle(t *testing.T) {
	const n = 2000
	ctx := NewContext()
	defer ctx.Term()
	s, err := ctx.NewSocket(PULL)
	must(t, err)
	defer s.Close()
	must(t, s.SetInt(OptLinger, 0))
	must(t, s.Bind("tcp://127.0.0.1:*"))
	ep, _ := s.GetBytes(OptLastEndpoint)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	farm(t, s, n, "-mode", "hostile", "-connect", string(ep), "-type", "PUSH", "-n", strconv.Itoa(n), "-declare", strconv.Itoa(1<<30))
	time.Sleep(300 * time.Millisecond) // the partial frames arrive
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc+after.StackInuse) - int64(before.HeapAlloc+before.StackInuse)
	t.Logf("%d peers announcing 1 GiB: %.1f MiB in all", n, float64(grew)/(1<<20))
	if grew > 64<<20 {
		t.Errorf("%d peers announcing 1 GiB cost %d bytes", n, grew)
	}
}

// TestTrafficAfterIdle: after a quiet idleAfter (the writer stopped, the
// reader waiting without a buffer), messages flow again both ways, and a
// closing socket still delivers what it queued.
func TestTrafficAfterIdle(t *testing.T) {
	e := newEnv(t)
	router, dealer := e.socket(ROUTER), e.socket(DEALER)
	must(t, dealer.SetBytes(OptRoutingID, []byte("d")))
	must(t, dealer.Connect(e.bind(router)))
	send(t, dealer, "one")
	recv(t, router, "d", "one")
	send(t, router, "d", "back")
	recv(t, dealer, "back")
	time.Sleep(idleAfter + idleAfter/2)
	send(t, dealer, "two")
	recv(t, router, "d", "two")
	send(t, router, "d", "again")
	recv(t, dealer, "again")
	// Quiet again, then a message queued just before Close: LINGER
	// delivers it through a writer started for it.
	time.Sleep(idleAfter + idleAfter/2)
	must(t, dealer.SetInt(OptLinger, 1000))
	send(t, dealer, "last")
	must(t, dealer.Close())
	recv(t, router, "d", "last")
}
