// Command bench is monocoque's benchmark suite: it runs each scenario on
// monocoque, on libzmq through its C API (a small C program it builds with
// gcc against libzmq3-dev), on libzmq through pebbe/zmq4 and on a plain TCP
// program (the ceiling for throughput, the floor for round trips),
// interleaved over rounds, and prints medians and ratios.
//
//	cd bench && go run . [-rounds 3] [-run REGEXP] [-impl LIST] [-scale F] [-tsv FILE]
//
// Throughput is measured as libzmq's perf tools do: at the receiver, from
// the first message to the last, with sender and receiver in separate
// processes for tcp and ipc (both ends in one process for inproc). Round
// trips are REQ/REP echoes of 64 B. The peers share one command line,
// described in PEERS.md; the chart program in chart/ draws the -tsv output.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// impl is one implementation under test.
type impl struct {
	name  string // short name, used by -impl
	title string // column heading
	bin   string // built peer program
}

// scenario is one measurement.
type scenario struct {
	name      string
	pattern   string // pushpull, dealerrouter, pubsub, reqrep
	transport string // tcp, ipc, inproc
	size      int
	count     int
	subs      int  // pubsub: subscriber processes
	curve     bool // CURVE between the peers
	rtt       bool // a round-trip scenario (lower is better)
	tcp       bool // the plain TCP peer runs it
}

// scenarios lists the suite: the scenarios, and PUSH/PULL over tcp
// from 16 B to 64 KiB for the chart.
func scenarios() []scenario {
	var list []scenario
	thr := func(transport string, size int) scenario {
		// About half a gigabyte, at most two million messages.
		count := min(2_000_000, (512<<20)/size)
		return scenario{
			name: fmt.Sprintf("PUSH/PULL %s %s", transport, sizeName(size)), pattern: "pushpull",
			transport: transport, size: size, count: count, tcp: transport != "inproc",
		}
	}
	for _, size := range []int{16, 64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10} {
		list = append(list, thr("tcp", size))
	}
	for _, tr := range []string{"ipc", "inproc"} {
		for _, size := range []int{64, 1 << 10, 64 << 10} {
			list = append(list, thr(tr, size))
		}
	}
	list = append(list,
		scenario{name: "PUB/SUB tcp 64 B, 1 subscriber", pattern: "pubsub", transport: "tcp", size: 64, count: 2_000_000, subs: 1},
		scenario{name: "PUB/SUB tcp 64 B, 8 subscribers (each)", pattern: "pubsub", transport: "tcp", size: 64, count: 500_000, subs: 8},
		scenario{name: "DEALER->ROUTER tcp 1 KiB", pattern: "dealerrouter", transport: "tcp", size: 1 << 10, count: 500_000},
		scenario{name: "CURVE PUSH/PULL tcp 1 KiB", pattern: "pushpull", transport: "tcp", size: 1 << 10, count: 300_000, curve: true},
		scenario{name: "REQ/REP tcp 64 B round trip", pattern: "reqrep", transport: "tcp", size: 64, count: 20_000, rtt: true, tcp: true},
		scenario{name: "REQ/REP inproc 64 B round trip", pattern: "reqrep", transport: "inproc", size: 64, count: 50_000, rtt: true},
	)
	return list
}

func sizeName(n int) string {
	switch {
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d B", n)
	}
}

func main() {
	rounds := flag.Int("rounds", 3, "rounds; every scenario runs once per implementation per round")
	run := flag.String("run", "", "run only the scenarios whose name matches this regular expression")
	impls := flag.String("impl", "c,pebbe,mono,tcp", "implementations to run (c, pebbe, mono, tcp)")
	scale := flag.Float64("scale", 1, "multiply message counts by this (e.g. 0.01 for a smoke run)")
	tsv := flag.String("tsv", "", "also write every measurement to this file (input of chart/)")
	flag.Parse()

	re, err := regexp.Compile(*run)
	if err != nil {
		fatal(err)
	}
	dir, err := os.MkdirTemp("", "monocoque-bench")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)
	all, err := build(dir, strings.Split(*impls, ","))
	if err != nil {
		fatal(err)
	}
	var list []scenario
	for _, s := range scenarios() {
		if re.MatchString(s.name) {
			s.count = max(2, int(float64(s.count)**scale))
			list = append(list, s)
		}
	}
	if len(list) == 0 {
		fatal(errors.New("no scenario matches -run"))
	}

	results := map[string]map[string][]float64{} // scenario -> impl -> values
	var rows []string
	seq := 0
	for r := 0; r < *rounds; r++ {
		for _, s := range list {
			for i := range all {
				// Rotate the order each round, so that no implementation
				// always runs first (or right after another).
				im := all[(i+r)%len(all)]
				if im.name == "tcp" && !s.tcp {
					continue
				}
				seq++
				v, err := measure(dir, im, s, seq)
				if err != nil {
					fmt.Fprintf(os.Stderr, "round %d, %s, %s: %v\n", r+1, s.name, im.title, err)
					continue
				}
				if results[s.name] == nil {
					results[s.name] = map[string][]float64{}
				}
				results[s.name][im.name] = append(results[s.name][im.name], v)
				rows = append(rows, fmt.Sprintf("%s\t%s\t%s\t%d\t%s\t%d\t%g", s.name, s.pattern, s.transport, s.size, im.name, r+1, v))
				fmt.Fprintf(os.Stderr, "round %d/%d  %-40s %-10s %s\n", r+1, *rounds, s.name, im.name, format(s, v))
			}
		}
	}
	if *tsv != "" {
		out := "scenario\tpattern\ttransport\tsize\timpl\tround\tvalue\n" + strings.Join(rows, "\n") + "\n"
		if err := os.WriteFile(*tsv, []byte(out), 0o644); err != nil {
			fatal(err)
		}
	}
	printTable(list, all, results, *rounds)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

// build compiles the peers of the chosen implementations into dir.
func build(dir string, names []string) ([]impl, error) {
	var out []impl
	for _, name := range names {
		var cmd *exec.Cmd
		im := impl{name: name, bin: filepath.Join(dir, name+"-peer")}
		switch name {
		case "c":
			im.title = "libzmq C"
			cmd = exec.Command("gcc", "-O2", "-o", im.bin, "cpeer/zmqpeer.c", "-lzmq", "-lpthread")
		case "pebbe":
			im.title = "pebbe/zmq4"
			cmd = exec.Command("go", "build", "-tags", "pebbe", "-o", im.bin, "./zmqpeer")
		case "mono":
			im.title = "monocoque"
			cmd = exec.Command("go", "build", "-o", im.bin, "./zmqpeer")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		case "tcp":
			im.title = "plain TCP"
			cmd = exec.Command("go", "build", "-o", im.bin, "./tcppeer")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		default:
			return nil, fmt.Errorf("unknown implementation %q (c, pebbe, mono, tcp)", name)
		}
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building the %s peer: %v\n%s", name, err, b)
		}
		out = append(out, im)
	}
	return out, nil
}

// measure runs scenario s once on im and returns msgs/s per receiver
// (the median of the subscribers' for pubsub) or the mean round trip in
// microseconds.
func measure(dir string, im impl, s scenario, seq int) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var endpoint string
	switch s.transport {
	case "tcp":
		endpoint = fmt.Sprintf("tcp://127.0.0.1:%d", 20000+seq%20000)
	case "ipc":
		endpoint = fmt.Sprintf("ipc://%s/%d.ipc", dir, seq)
	case "inproc":
		endpoint = fmt.Sprintf("inproc://bench-%d", seq)
	}
	args := func(mode string) []string {
		a := []string{mode, s.pattern, endpoint, strconv.Itoa(s.size), strconv.Itoa(s.count)}
		if s.curve {
			a = append(a, "curve")
		}
		return a
	}
	if s.transport == "inproc" {
		mode := "inproc-thr"
		if s.rtt {
			mode = "inproc-rtt"
		}
		out, err := exec.CommandContext(ctx, im.bin, args(mode)...).Output()
		if err != nil {
			return 0, exitErr(err)
		}
		return parseResult(out)
	}
	recvMode, sendMode := "recv", "send"
	receivers := 1
	if s.rtt {
		recvMode, sendMode = "echo", "rtt"
	}
	if s.subs > 0 {
		receivers = s.subs
	}
	type proc struct {
		cmd  *exec.Cmd
		out  bytes.Buffer
		done chan struct{} // closed when stdout is read to its end
	}
	procs := make([]*proc, receivers)
	defer func() {
		for _, p := range procs {
			if p != nil && p.cmd.ProcessState == nil {
				p.cmd.Process.Kill()
				p.cmd.Wait()
			}
		}
	}()
	for i := range procs {
		p := &proc{cmd: exec.CommandContext(ctx, im.bin, args(recvMode)...), done: make(chan struct{})}
		p.cmd.Stderr = os.Stderr
		stdout, err := p.cmd.StdoutPipe()
		if err != nil {
			return 0, err
		}
		if err := p.cmd.Start(); err != nil {
			return 0, err
		}
		procs[i] = p
		// Wait for READY (bound, or connected and subscribed), then keep
		// the rest of the output.
		r := bufio.NewReader(stdout)
		line, err := r.ReadString('\n')
		if strings.TrimSpace(line) != "READY" {
			return 0, fmt.Errorf("receiver: %q before READY (%v)", line, err)
		}
		go func() {
			p.out.ReadFrom(r)
			close(p.done)
		}()
	}
	sender := exec.CommandContext(ctx, im.bin, args(sendMode)...)
	sender.Stderr = os.Stderr
	var sout bytes.Buffer
	sender.Stdout = &sout
	stdin, err := sender.StdinPipe() // a sender stays connected until closed
	if err != nil {
		return 0, err
	}
	if err := sender.Start(); err != nil {
		return 0, err
	}
	defer func() {
		stdin.Close()
		if sender.ProcessState == nil {
			sender.Wait()
		}
	}()
	if s.rtt {
		if err := sender.Wait(); err != nil {
			return 0, fmt.Errorf("rtt: %v", err)
		}
		return parseResult(sout.Bytes())
	}
	var rates []float64
	for _, p := range procs {
		<-p.done
		if err := p.cmd.Wait(); err != nil {
			return 0, fmt.Errorf("receiver: %v", exitErr(err))
		}
		v, err := parseResult(p.out.Bytes())
		if err != nil {
			return 0, err
		}
		rates = append(rates, v)
	}
	stdin.Close()
	if err := sender.Wait(); err != nil {
		return 0, fmt.Errorf("sender: %v", err)
	}
	return median(rates), nil
}

func exitErr(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(ee.Stderr))
	}
	return err
}

// parseResult reads the first number of a peer's RESULT line.
func parseResult(out []byte) (float64, error) {
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "RESULT" {
			return strconv.ParseFloat(f[1], 64)
		}
	}
	return 0, fmt.Errorf("no RESULT line in %q", out)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// format shows a measurement: msgs/s (and MB/s from 4 KiB up), or a round
// trip in microseconds.
func format(s scenario, v float64) string {
	if v == 0 {
		return "-"
	}
	if s.rtt {
		return fmt.Sprintf("%.1f us", v)
	}
	str := rate(v)
	if s.size >= 4<<10 {
		str += fmt.Sprintf(" (%.0f MB/s)", v*float64(s.size)/1e6)
	}
	return str
}

func rate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// printTable prints the medians as a Markdown table with monocoque's ratio
// to libzmq's C API and to plain TCP.
func printTable(list []scenario, all []impl, results map[string]map[string][]float64, rounds int) {
	fmt.Printf("\nmedians of %d rounds; msgs/s per receiver, round trips in microseconds\n\n", rounds)
	cols := []string{"c", "pebbe", "mono", "tcp"}
	titles := map[string]string{"c": "libzmq C", "pebbe": "pebbe/zmq4", "mono": "monocoque", "tcp": "plain TCP"}
	have := map[string]bool{}
	for _, im := range all {
		have[im.name] = true
	}
	head := []string{"scenario"}
	for _, c := range cols {
		if have[c] {
			head = append(head, titles[c])
		}
	}
	if have["mono"] && have["c"] {
		head = append(head, "monocoque / C")
	}
	if have["mono"] && have["tcp"] {
		head = append(head, "monocoque / TCP")
	}
	fmt.Println("| " + strings.Join(head, " | ") + " |")
	fmt.Println("|---" + strings.Repeat("|---:", len(head)-1) + "|")
	for _, s := range list {
		med := map[string]float64{}
		for c, v := range results[s.name] {
			med[c] = median(v)
		}
		row := []string{s.name}
		for _, c := range cols {
			if have[c] {
				row = append(row, format(s, med[c]))
			}
		}
		ratio := func(other string) string {
			if med["mono"] == 0 || med[other] == 0 {
				return "-"
			}
			// Throughput: how many times the other's rate; round trips:
			// how many of the other's round trips one of ours costs.
			return fmt.Sprintf("%.2fx", med["mono"]/med[other])
		}
		if have["mono"] && have["c"] {
			row = append(row, ratio("c"))
		}
		if have["mono"] && have["tcp"] {
			row = append(row, ratio("tcp"))
		}
		fmt.Println("| " + strings.Join(row, " | ") + " |")
	}
}
