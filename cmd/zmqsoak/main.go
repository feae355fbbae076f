// Command zmqsoak puts a monocoque (or any ZeroMQ) endpoint under many
// peers.
//
//	zmqsoak -mode idle -connect tcp://127.0.0.1:5555 -type DEALER -n 10000
//
// connects n handshaken, silent peers (ZMTP 3.1, NULL) and holds them
// until its standard input closes: the far side of a measurement of what
// idle connections cost the process that accepted them.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	mode := flag.String("mode", "idle", "idle: connect silent peers and hold them")
	endpoint := flag.String("connect", "", "endpoint to connect the peers to")
	typ := flag.String("type", "DEALER", "ZMTP socket type the peers announce")
	n := flag.Int("n", 2000, "number of peers")
	flag.Parse()
	var err error
	switch *mode {
	case "idle":
		err = runIdle(*endpoint, *typ, *n)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zmqsoak:", err)
		os.Exit(1)
	}
}
