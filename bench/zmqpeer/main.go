// Command zmqpeer is one end of a benchmark scenario of the suite in
// bench/, on monocoque's pebbe/zmq4-style facade or (built with -tags
// pebbe) on libzmq through pebbe/zmq4: the same source measures both.
//
//	zmqpeer MODE PATTERN ENDPOINT SIZE COUNT [curve]
//
// The command line and output are the contract in bench/PEERS.md, shared
// with the C and plain TCP peers. With ZMQPEER_CPUPROFILE=FILE it writes a
// CPU profile of its run to FILE.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

// The fixed CURVE keys of the contract (Z85).
const (
	serverPublic = "}KPyf=7)!@BJNT-@4@nx4h8p2zF.bK^h-y&NITo$"
	serverSecret = "X+F-$hK/Ig}ed6PxD*-2L-khsn?vgZq@mz+gkH]J"
	clientPublic = ">vV#+k={:*s#ngwG+Bsxa1T>{8)oo5(EXuQHHBec"
	clientSecret = "d2{@J80BRq<5RLH>9S9S56vl!x[Y[KzFR4g@#xW^"
)

func main() {
	if len(os.Args) < 6 || len(os.Args) > 7 || len(os.Args) == 7 && os.Args[6] != "curve" {
		fmt.Fprintln(os.Stderr, "usage: zmqpeer MODE PATTERN ENDPOINT SIZE COUNT [curve]")
		os.Exit(1)
	}
	mode, pattern, endpoint := os.Args[1], os.Args[2], os.Args[3]
	size, err1 := strconv.Atoi(os.Args[4])
	count, err2 := strconv.Atoi(os.Args[5])
	if err1 != nil || err2 != nil || size < 1 || count < 1 {
		fail(fmt.Errorf("SIZE and COUNT must be positive numbers"))
	}
	curve := len(os.Args) == 7
	if path := os.Getenv("ZMQPEER_CPUPROFILE"); path != "" {
		// A CPU profile of this end, for the profile summary in
		// docs/performance.md: go tool pprof -top PEER FILE.
		f, err := os.Create(path)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	switch mode {
	case "recv":
		s := open(receiverType(pattern), endpoint, pattern != "pubsub", curve)
		ready()
		report(receive(s, pattern, size, count))
		s.Close()
	case "send":
		s := open(senderType(pattern), endpoint, pattern == "pubsub", curve)
		transmit(s, pattern, size, count)
		// Stay connected until the driver says the receivers are done:
		// libzmq 4.3 can lose the input it had not yet queued when the
		// peer hangs up while the receiving pipe is full.
		io.Copy(io.Discard, os.Stdin)
		s.Close()
	case "echo":
		s := open(typeREP, endpoint, true, false)
		ready()
		echo(s, size, count+1)
		s.Close()
	case "rtt":
		s := open(typeREQ, endpoint, false, false)
		fmt.Printf("RESULT %.3f\n", roundTrips(s, size, count))
		s.Close()
	case "inproc-thr":
		r := open(typePULL, endpoint, true, false)
		s := open(typePUSH, endpoint, false, false)
		go transmit(s, "pushpull", size, count)
		report(receive(r, "pushpull", size, count))
		s.Close()
		r.Close()
	case "inproc-rtt":
		r := open(typeREP, endpoint, true, false)
		s := open(typeREQ, endpoint, false, false)
		done := make(chan struct{})
		go func() { echo(r, size, count+1); close(done) }()
		fmt.Printf("RESULT %.3f\n", roundTrips(s, size, count))
		<-done
		s.Close()
		r.Close()
	default:
		fail(fmt.Errorf("unknown mode %q", mode))
	}
	term()
}

// ready tells the driver that a receiving side has bound (or connected).
func ready() { fmt.Println("READY") }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "zmqpeer:", err)
	os.Exit(1)
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func receiverType(pattern string) (t typeOf) {
	switch pattern {
	case "pushpull":
		return typePULL
	case "dealerrouter":
		return typeROUTER
	case "pubsub":
		return typeSUB
	}
	fail(fmt.Errorf("unknown pattern %q", pattern))
	return
}

func senderType(pattern string) (t typeOf) {
	switch pattern {
	case "pushpull":
		return typePUSH
	case "dealerrouter":
		return typeDEALER
	case "pubsub":
		return typePUB
	}
	fail(fmt.Errorf("unknown pattern %q", pattern))
	return
}

// open makes a socket of type t and binds or connects it to endpoint; with
// curve, the binding side is the CURVE server.
func open(t typeOf, endpoint string, bind, curve bool) *socket {
	s, err := newSocket(t)
	check(err)
	// libzmq's default, which pebbe/zmq4 changes to 0 (its contexts are
	// not "blocky"): Term waits until what was sent is delivered.
	check(s.SetLinger(-1))
	if curve {
		if bind {
			check(s.SetCurveServer(1))
			check(s.SetCurveSecretkey(serverSecret))
		} else {
			check(s.SetCurveServerkey(serverPublic))
			check(s.SetCurvePublickey(clientPublic))
			check(s.SetCurveSecretkey(clientSecret))
		}
	}
	if t == typeSUB {
		check(s.SetSubscribe(""))
	}
	if t == typePUB {
		// Lossless fan-out: at a subscriber's high-water mark the
		// publisher waits instead of dropping.
		check(s.SetXpubNodrop(true))
	}
	if bind {
		check(s.Bind(endpoint))
	} else {
		check(s.Connect(endpoint))
	}
	return s
}

// receive takes the scenario's messages, timing from the first to the
// last; it returns the rate and how many arrived.
func receive(s *socket, pattern string, size, count int) (float64, int) {
	var start, last time.Time
	n := 0
	for n < count {
		if pattern == "dealerrouter" {
			_, err := s.RecvBytes(0) // the routing id
			check(err)
		}
		b, err := s.RecvBytes(0)
		check(err)
		if len(b) == 0 && pattern == "pubsub" {
			last = time.Now() // the end marker, sent right after the last message
			break
		}
		if len(b) != size {
			fail(fmt.Errorf("message %d has %d bytes, want %d", n, len(b), size))
		}
		if n == 0 || n == count-1 {
			last = time.Now()
		}
		if n == 0 {
			start = last
		}
		n++
	}
	if n < 2 {
		return 0, n
	}
	return float64(n) / last.Sub(start).Seconds(), n
}

func report(rate float64, n int) {
	fmt.Printf("RESULT %.1f %d\n", rate, n)
}

// transmit sends the scenario's messages (and, to subscribers, the end
// markers).
func transmit(s *socket, pattern string, size, count int) {
	buf := make([]byte, size)
	if pattern == "pubsub" {
		time.Sleep(500 * time.Millisecond) // subscribers connect
	}
	for i := 0; i < count; i++ {
		_, err := s.SendBytes(buf, 0)
		check(err)
	}
	if pattern == "pubsub" {
		for i := 0; i < 20; i++ {
			_, err := s.SendBytes(nil, 0)
			check(err)
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func echo(s *socket, size, n int) {
	for i := 0; i < n; i++ {
		b, err := s.RecvBytes(0)
		check(err)
		if len(b) != size {
			fail(fmt.Errorf("request of %d bytes, want %d", len(b), size))
		}
		_, err = s.SendBytes(b, 0)
		check(err)
	}
}

// roundTrips makes one warm-up round trip and count timed ones; it returns
// the mean in microseconds.
func roundTrips(s *socket, size, count int) float64 {
	buf := make([]byte, size)
	var start time.Time
	for i := 0; i <= count; i++ {
		if i == 1 {
			start = time.Now()
		}
		_, err := s.SendBytes(buf, 0)
		check(err)
		b, err := s.RecvBytes(0)
		check(err)
		if len(b) != size {
			fail(fmt.Errorf("reply of %d bytes, want %d", len(b), size))
		}
	}
	return time.Since(start).Seconds() * 1e6 / float64(count)
}
