// Command remote_lat is the measuring half of a latency test, with the
// arguments and output of libzmq's perf/remote_lat:
//
//	remote_lat <connect-to> <message-size> <roundtrip-count>
//
// A REQ socket connects to connect-to and, roundtrip-count times, sends a
// message of message-size zero bytes and waits for its echo, which must be
// message-size bytes long. The clock covers the whole loop, including the
// connection's set-up (as in libzmq's tool), and the program prints
//
//	message size: 64 [B]
//	roundtrip count: 100000
//	average latency: 31.416 [us]
//
// where the latency is libzmq's one-way figure: the elapsed time in whole
// microseconds divided by twice the number of round trips.
//
// Its peer is local_lat, this repository's (cmd/local_lat) or libzmq's:
// the two speak the same wire protocol, so either end can be libzmq's tool
// on another machine, as in
//
//	host-a$ local_lat tcp://*:5555 64 100000
//	host-b$ remote_lat tcp://host-a:5555 64 100000
//
// Socket options are left at their defaults, as in libzmq's tool. A wrong
// number of arguments prints the usage line and exits with status 1; any
// other failure, such as a reply of the wrong size, is reported on
// standard error with exit status 1.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

const usage = "usage: remote_lat <connect-to> <message-size> <roundtrip-count>"

func main() {
	if len(os.Args) != 4 {
		fmt.Println(usage)
		os.Exit(1)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "remote_lat:", err)
		os.Exit(1)
	}
}

func run(connectTo, sizeArg, countArg string) error {
	size, err := strconv.Atoi(sizeArg)
	if err != nil || size < 0 {
		return fmt.Errorf("bad message size %q", sizeArg)
	}
	count, err := strconv.Atoi(countArg)
	if err != nil || count < 1 {
		return fmt.Errorf("bad roundtrip count %q", countArg)
	}

	ctx, err := zmq.NewContext()
	if err != nil {
		return fmt.Errorf("error in zmq_init: %w", err)
	}
	s, err := ctx.NewSocket(zmq.REQ)
	if err != nil {
		return fmt.Errorf("error in zmq_socket: %w", err)
	}
	if err := s.Connect(connectTo); err != nil {
		return fmt.Errorf("error in zmq_connect: %w", err)
	}

	msg := make([]byte, size)
	start := time.Now()
	for i := 0; i < count; i++ {
		if _, err := s.SendBytes(msg, 0); err != nil {
			return fmt.Errorf("error in zmq_sendmsg: %w", err)
		}
		reply, err := s.RecvBytes(0)
		if err != nil {
			return fmt.Errorf("error in zmq_recvmsg: %w", err)
		}
		if len(reply) != size {
			return fmt.Errorf("message of incorrect size received: %d bytes, want %d", len(reply), size)
		}
	}
	elapsed := time.Since(start).Microseconds()

	latency := float64(elapsed) / float64(count*2)

	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("roundtrip count: %d\n", count)
	fmt.Printf("average latency: %.3f [us]\n", latency)

	if err := s.Close(); err != nil {
		return fmt.Errorf("error in zmq_close: %w", err)
	}
	if err := ctx.Term(); err != nil {
		return fmt.Errorf("error in zmq_ctx_term: %w", err)
	}
	return nil
}
