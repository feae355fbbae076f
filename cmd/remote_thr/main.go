// Command remote_thr is the sending half of a throughput test, with the
// arguments of libzmq's perf/remote_thr:
//
//	remote_thr <connect-to> <message-size> <message-count>
//
// A PUSH socket connects to connect-to and sends message-count messages of
// message-size zero bytes each as fast as it can, then closes with the
// default linger, so that the program exits only once every message has
// been handed to the network. It prints nothing; the receiver, local_thr,
// measures and reports the throughput.
//
// Either end can be libzmq's tool, on this machine or another one:
//
//	host-a$ local_thr tcp://*:5555 64 1000000      # libzmq's or cmd/local_thr
//	host-b$ remote_thr tcp://host-a:5555 64 1000000
//
// Socket options are left at their defaults, as in libzmq's tool. A wrong
// number of arguments prints the usage line and exits with status 1; any
// other failure is reported on standard error with exit status 1.
package main

import (
	"fmt"
	"os"
	"strconv"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

const usage = "usage: remote_thr <connect-to> <message-size> <message-count>"

func main() {
	if len(os.Args) != 4 {
		fmt.Println(usage)
		os.Exit(1)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "remote_thr:", err)
		os.Exit(1)
	}
}

func run(connectTo, sizeArg, countArg string) error {
	size, err := strconv.Atoi(sizeArg)
	if err != nil || size < 0 {
		return fmt.Errorf("bad message size %q", sizeArg)
	}
	count, err := strconv.Atoi(countArg)
	if err != nil || count < 0 {
		return fmt.Errorf("bad message count %q", countArg)
	}

	ctx, err := zmq.NewContext()
	if err != nil {
		return fmt.Errorf("error in zmq_init: %w", err)
	}
	s, err := ctx.NewSocket(zmq.PUSH)
	if err != nil {
		return fmt.Errorf("error in zmq_socket: %w", err)
	}
	if err := s.Connect(connectTo); err != nil {
		return fmt.Errorf("error in zmq_connect: %w", err)
	}

	// SendBytes copies the data, so one buffer serves every message.
	msg := make([]byte, size)
	for i := 0; i < count; i++ {
		if _, err := s.SendBytes(msg, 0); err != nil {
			return fmt.Errorf("error in zmq_sendmsg: %w", err)
		}
	}

	if err := s.Close(); err != nil {
		return fmt.Errorf("error in zmq_close: %w", err)
	}
	// Term waits, with the default (infinite) linger, until every queued
	// message has gone out.
	if err := ctx.Term(); err != nil {
		return fmt.Errorf("error in zmq_ctx_term: %w", err)
	}
	return nil
}
