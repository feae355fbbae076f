// Command zmqsoak puts monocoque under many peers.
//
//	zmqsoak -peers 2000 -duration 60s
//
// (the default, churn mode) runs a ROUTER echo server and that many DEALER
// clients over tcp loopback in one process: each client sends requests
// and waits for their echoes while, at every step, a share of the clients
// leaves and new ones connect. Each step prints round trips per second,
// heap, goroutines and open descriptors; the program fails (exit status 1)
// if those grow under churn or are not given back once everything is
// closed.
//
//	zmqsoak -mode idle -connect tcp://127.0.0.1:5555 -type DEALER -n 10000
//
// connects n handshaken, silent peers (ZMTP 3.1, NULL) to any ZeroMQ
// endpoint and holds them until its standard input closes: the far side
// of a measurement of what idle connections cost the process that
// accepted them. -mode hostile does the same with peers that then announce
// a frame of -declare bytes and send only 100 of them.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	mode := flag.String("mode", "churn", "churn, idle or hostile")
	endpoint := flag.String("connect", "", "idle, hostile: endpoint to connect the peers to")
	typ := flag.String("type", "DEALER", "idle, hostile: ZMTP socket type the peers announce")
	n := flag.Int("n", 2000, "idle, hostile: number of peers")
	declare := flag.Int("declare", 1<<30, "hostile: frame size the peers announce")
	peers := flag.Int("peers", 2000, "churn: clients connected at any time")
	duration := flag.Duration("duration", 60*time.Second, "churn: how long to run")
	step := flag.Duration("step", time.Second, "churn: how often to report and replace clients")
	churn := flag.Float64("churn", 0.1, "churn: share of the clients replaced at each step")
	size := flag.Int("size", 64, "churn: request size in bytes")
	maxGrow := flag.Float64("max-growth", 0.25, "churn: allowed growth after the first step")
	flag.Parse()
	var err error
	switch *mode {
	case "churn":
		err = runChurn(churnConfig{peers: *peers, duration: *duration, step: *step, churn: *churn, size: *size, maxGrow: *maxGrow})
	case "idle":
		err = runIdle(*endpoint, *typ, *n)
	case "hostile":
		err = runHostile(*endpoint, *typ, *n, *declare)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zmqsoak:", err)
		os.Exit(1)
	}
}
