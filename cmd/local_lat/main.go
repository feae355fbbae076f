// Command local_lat is the echoing half of a latency test, with the
// arguments of libzmq's perf/local_lat:
//
//	local_lat <bind-to> <message-size> <roundtrip-count>
//
// A REP socket binds to bind-to, receives roundtrip-count messages, each of
// which must be message-size bytes long, and sends each one back, then
// closes with the default linger so that the last reply is delivered. It
// prints nothing; the other half, remote_lat, measures and reports the
// latency.
//
// Either end can be libzmq's tool, on this machine or another one:
//
//	host-a$ local_lat tcp://*:5555 64 100000
//	host-b$ remote_lat tcp://host-a:5555 64 100000   # libzmq's or cmd/remote_lat
//
// Socket options are left at their defaults, as in libzmq's tool. A wrong
// number of arguments prints the usage line and exits with status 1; any
// other failure, such as a message of the wrong size, is reported on
// standard error with exit status 1.
package main

import (
	"fmt"
	"os"
	"strconv"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

const usage = "usage: local_lat <bind-to> <message-size> <roundtrip-count>"

func main() {
	if len(os.Args) != 4 {
		fmt.Println(usage)
		os.Exit(1)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "local_lat:", err)
		os.Exit(1)
	}
}

func run(bindTo, sizeArg, countArg string) error {
	size, err := strconv.Atoi(sizeArg)
	if err != nil || size < 0 {
		return fmt.Errorf("bad message size %q", sizeArg)
	}
	count, err := strconv.Atoi(countArg)
	if err != nil || count < 0 {
		return fmt.Errorf("bad roundtrip count %q", countArg)
	}

	ctx, err := zmq.NewContext()
	if err != nil {
		return fmt.Errorf("error in zmq_init: %w", err)
	}
	s, err := ctx.NewSocket(zmq.REP)
	if err != nil {
		return fmt.Errorf("error in zmq_socket: %w", err)
	}
	if err := s.Bind(bindTo); err != nil {
		return fmt.Errorf("error in zmq_bind: %w", err)
	}

	for i := 0; i < count; i++ {
		msg, err := s.RecvBytes(0)
		if err != nil {
			return fmt.Errorf("error in zmq_recvmsg: %w", err)
		}
		if len(msg) != size {
			return fmt.Errorf("message of incorrect size received: %d bytes, want %d", len(msg), size)
		}
		if _, err := s.SendBytes(msg, 0); err != nil {
			return fmt.Errorf("error in zmq_sendmsg: %w", err)
		}
	}

	if err := s.Close(); err != nil {
		return fmt.Errorf("error in zmq_close: %w", err)
	}
	// Term waits, with the default (infinite) linger, until the last reply
	// has gone out.
	if err := ctx.Term(); err != nil {
		return fmt.Errorf("error in zmq_ctx_term: %w", err)
	}
	return nil
}
