package interop

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"
)

// The perf tools' reports, in libzmq's format (perf/local_thr.cpp,
// perf/remote_lat.cpp).
var (
	localThrReport = regexp.MustCompile(`^message size: 64 \[B\]\n` +
		`message count: 10000\n` +
		`mean throughput: [1-9]\d* \[msg/s\]\n` +
		`mean throughput: \d+\.\d{3} \[Mb/s\]\n$`)
	remoteLatReport = regexp.MustCompile(`^message size: 64 \[B\]\n` +
		`roundtrip count: 1000\n` +
		`average latency: \d+\.\d{3} \[us\]\n$`)
)

// buildPerfTool builds the main module's cmd/<name> into dir.
func buildPerfTool(t *testing.T, dir, name string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/"+name)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building cmd/%s: %v\n%s", name, err, out)
	}
	return bin
}

// runPerfTool starts bin with args and returns a function that waits for it
// (killing it after timeout) and returns its standard output.
func runPerfTool(t *testing.T, timeout time.Duration, bin string, args ...string) func() string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	name := filepath.Base(bin)
	return func() string {
		t.Helper()
		select {
		case err := <-done:
			done <- err
			if err != nil {
				t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", name, err, &stdout, &stderr)
			}
		case <-time.After(timeout):
			t.Fatalf("%s did not finish within %v\nstdout:\n%s\nstderr:\n%s", name, timeout, &stdout, &stderr)
		}
		return stdout.String()
	}
}

// TestPerfToolsWithLibzmq pairs our cmd/local_thr and cmd/remote_lat with
// libzmq peers standing in for libzmq's remote_thr and local_lat, as a user
// measuring across two machines would.
func TestPerfToolsWithLibzmq(t *testing.T) {
	dir := t.TempDir()

	t.Run("local_thr", func(t *testing.T) {
		bin := buildPerfTool(t, dir, "local_thr")
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ep := "tcp://" + l.Addr().String()
		l.Close()

		wait := runPerfTool(t, 20*time.Second, bin, ep, "64", "10000")

		ctx, err := lz.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		defer terminate(t, "libzmq", ctx.Term)
		push, err := ctx.NewSocket(lz.PUSH)
		if err != nil {
			t.Fatal(err)
		}
		defer push.Close()
		push.SetLinger(0) // closed only after local_thr has everything
		push.SetSndtimeo(opTimeout)
		if err := push.Connect(ep); err != nil {
			t.Fatal(err)
		}
		msg := make([]byte, 64)
		for i := 0; i < 10000; i++ {
			if _, err := push.SendBytes(msg, 0); err != nil {
				t.Fatalf("libzmq PUSH send %d: %v", i, err)
			}
		}
		if out := wait(); !localThrReport.MatchString(out) {
			t.Errorf("local_thr output does not match libzmq's format:\n%s", out)
		}
	})

	t.Run("remote_lat", func(t *testing.T) {
		bin := buildPerfTool(t, dir, "remote_lat")

		ctx, err := lz.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		defer terminate(t, "libzmq", ctx.Term)
		rep, err := ctx.NewSocket(lz.REP)
		if err != nil {
			t.Fatal(err)
		}
		rep.SetLinger(0)
		rep.SetRcvtimeo(opTimeout)
		rep.SetSndtimeo(opTimeout)
		if err := rep.Bind("tcp://127.0.0.1:*"); err != nil {
			t.Fatal(err)
		}
		ep, err := rep.GetLastEndpoint()
		if err != nil {
			t.Fatal(err)
		}

		// The echoing side of libzmq's local_lat; the goroutine owns rep.
		echoed := make(chan error, 1)
		go func() {
			defer rep.Close()
			for i := 0; i < 1000; i++ {
				msg, err := rep.RecvBytes(0)
				if err != nil {
					echoed <- fmt.Errorf("libzmq REP recv %d: %w", i, err)
					return
				}
				if _, err := rep.SendBytes(msg, 0); err != nil {
					echoed <- fmt.Errorf("libzmq REP send %d: %w", i, err)
					return
				}
			}
			echoed <- nil
		}()

		out := runPerfTool(t, 20*time.Second, bin, ep, "64", "1000")()
		if !remoteLatReport.MatchString(out) {
			t.Errorf("remote_lat output does not match libzmq's format:\n%s", out)
		}
		if err := <-echoed; err != nil {
			t.Error(err)
		}
	})
}
