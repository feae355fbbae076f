package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// raceEnabled is set by race_test.go when the tests run with -race; the
// programs under test are then built with -race too.
var raceEnabled bool

// binDir holds the four programs, built once by TestMain.
var binDir string

const modulePath = "github.com/monocoque-go/monocoque/cmd/"

var programs = []string{"local_thr", "remote_thr", "local_lat", "remote_lat"}

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "perftools")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	if raceEnabled {
		args = append(args, "-race")
	}
	for _, p := range programs {
		args = append(args, modulePath+p)
	}
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go %s: %v\n%s", strings.Join(args, " "), err, out)
		return 1
	}
	binDir = dir
	return m.Run()
}

// freeEndpoint returns a tcp endpoint on 127.0.0.1 whose port was free a
// moment ago.
func freeEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "tcp://" + l.Addr().String()
}

// proc is one running program with its outputs.
type proc struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

// start runs program name with args; it is killed when the test ends or
// after a minute, whichever comes first.
func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	p := &proc{name: name, done: make(chan error, 1)}
	p.cmd = exec.CommandContext(ctx, filepath.Join(binDir, name), args...)
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

// wait waits for p to exit, for at most d, and returns its exit status
// (-1 if it timed out and was killed).
func (p *proc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitCode()
		default:
			t.Fatalf("%s: %v", p.name, err)
		}
	case <-time.After(d):
		p.cmd.Process.Kill()
		t.Errorf("%s did not exit within %v; stdout:\n%s\nstderr:\n%s", p.name, d, &p.stdout, &p.stderr)
	}
	return -1
}

// expectSuccess waits for p and fails the test unless it exits with status 0.
func (p *proc) expectSuccess(t *testing.T) {
	t.Helper()
	if code := p.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("%s exited with status %d; stdout:\n%s\nstderr:\n%s", p.name, code, &p.stdout, &p.stderr)
	}
}

var (
	thrOutput = regexp.MustCompile(`^message size: (\d+) \[B\]\n` +
		`message count: (\d+)\n` +
		`mean throughput: (\d+) \[msg/s\]\n` +
		`mean throughput: (\d+\.\d{3}) \[Mb/s\]\n$`)
	latOutput = regexp.MustCompile(`^message size: (\d+) \[B\]\n` +
		`roundtrip count: (\d+)\n` +
		`average latency: (\d+\.\d{3}) \[us\]\n$`)
)

// checkThroughputOutput checks local_thr's report of count messages of size
// bytes, and that its two throughput lines agree.
func checkThroughputOutput(t *testing.T, out string, size, count int) {
	t.Helper()
	m := thrOutput.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("local_thr output does not match libzmq's format:\n%s", out)
	}
	if m[1] != strconv.Itoa(size) || m[2] != strconv.Itoa(count) {
		t.Errorf("local_thr reports size %s, count %s; want %d, %d", m[1], m[2], size, count)
	}
	msgs, _ := strconv.ParseUint(m[3], 10, 64)
	if msgs == 0 {
		t.Errorf("local_thr reports a throughput of 0 msg/s:\n%s", out)
	}
	if want := fmt.Sprintf("%.3f", float64(msgs*uint64(size)*8)/1e6); m[4] != want {
		t.Errorf("local_thr reports %s Mb/s for %d msg/s of %d B; want %s", m[4], msgs, size, want)
	}
}

// checkLatencyOutput checks remote_lat's report.
func checkLatencyOutput(t *testing.T, out string, size, count int) {
	t.Helper()
	m := latOutput.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("remote_lat output does not match libzmq's format:\n%s", out)
	}
	if m[1] != strconv.Itoa(size) || m[2] != strconv.Itoa(count) {
		t.Errorf("remote_lat reports size %s, count %s; want %d, %d", m[1], m[2], size, count)
	}
	if lat, _ := strconv.ParseFloat(m[3], 64); lat <= 0 {
		t.Errorf("remote_lat reports a latency of %s us", m[3])
	}
}

func TestThroughput(t *testing.T) {
	ep := freeEndpoint(t)
	local := start(t, "local_thr", ep, "64", "10000")
	remote := start(t, "remote_thr", ep, "64", "10000")
	remote.expectSuccess(t)
	local.expectSuccess(t)
	checkThroughputOutput(t, local.stdout.String(), 64, 10000)
	if remote.stdout.Len() != 0 || remote.stderr.Len() != 0 {
		t.Errorf("remote_thr printed %q, %q; want nothing", &remote.stdout, &remote.stderr)
	}
}

func TestLatency(t *testing.T) {
	ep := freeEndpoint(t)
	local := start(t, "local_lat", ep, "64", "1000")
	remote := start(t, "remote_lat", ep, "64", "1000")
	remote.expectSuccess(t)
	local.expectSuccess(t)
	checkLatencyOutput(t, remote.stdout.String(), 64, 1000)
	if local.stdout.Len() != 0 || local.stderr.Len() != 0 {
		t.Errorf("local_lat printed %q, %q; want nothing", &local.stdout, &local.stderr)
	}
}

// TestLatencyIPC runs the latency pair over ipc, the other transport users
// are likely to measure.
func TestLatencyIPC(t *testing.T) {
	ep := "ipc://" + filepath.Join(t.TempDir(), "lat")
	local := start(t, "local_lat", ep, "1024", "200")
	remote := start(t, "remote_lat", ep, "1024", "200")
	remote.expectSuccess(t)
	local.expectSuccess(t)
	checkLatencyOutput(t, remote.stdout.String(), 1024, 200)
}

// TestWrongSize checks that the receiving programs refuse a message of
// another size than they were told, with exit status 1.
func TestWrongSize(t *testing.T) {
	for _, tc := range []struct{ local, remote string }{
		{"local_thr", "remote_thr"},
		{"local_lat", "remote_lat"},
	} {
		t.Run(tc.local, func(t *testing.T) {
			ep := freeEndpoint(t)
			local := start(t, tc.local, ep, "64", "10")
			start(t, tc.remote, ep, "32", "10") // killed at cleanup if still waiting
			if code := local.wait(t, 20*time.Second); code != 1 {
				t.Fatalf("%s exited with status %d, want 1; stderr:\n%s", tc.local, code, &local.stderr)
			}
			if !strings.Contains(local.stderr.String(), "message of incorrect size received") {
				t.Errorf("%s stderr = %q; want it to report the incorrect size", tc.local, &local.stderr)
			}
			if local.stdout.Len() != 0 {
				t.Errorf("%s stdout = %q; want nothing", tc.local, &local.stdout)
			}
		})
	}
}

// TestUsage checks that each program, given the wrong number of arguments,
// prints libzmq's usage line on standard output and exits with status 1.
func TestUsage(t *testing.T) {
	for _, name := range programs {
		endpoint := "<bind-to>"
		if strings.HasPrefix(name, "remote") {
			endpoint = "<connect-to>"
		}
		count := "<message-count>"
		if strings.HasSuffix(name, "lat") {
			count = "<roundtrip-count>"
		}
		want := fmt.Sprintf("usage: %s %s <message-size> %s\n", name, endpoint, count)
		for _, args := range [][]string{nil, {"tcp://127.0.0.1:1", "64"}, {"tcp://127.0.0.1:1", "64", "10", "extra"}} {
			p := start(t, name, args...)
			if code := p.wait(t, 10*time.Second); code != 1 {
				t.Errorf("%s %q exited with status %d, want 1", name, args, code)
			}
			if got := p.stdout.String(); got != want {
				t.Errorf("%s %q printed %q, want %q", name, args, got, want)
			}
		}
	}
}

// TestBadNumbers checks that arguments that are not counts are refused
// rather than read as 0, as atoi would.
func TestBadNumbers(t *testing.T) {
	for _, name := range programs {
		for _, args := range [][]string{{"tcp://127.0.0.1:1", "x", "10"}, {"tcp://127.0.0.1:1", "64", "-1"}} {
			p := start(t, name, args...)
			if code := p.wait(t, 10*time.Second); code != 1 {
				t.Errorf("%s %q exited with status %d, want 1", name, args, code)
			}
			if !strings.HasPrefix(p.stderr.String(), name+": bad ") {
				t.Errorf("%s %q stderr = %q; want a bad-argument error", name, args, &p.stderr)
			}
		}
	}
}
