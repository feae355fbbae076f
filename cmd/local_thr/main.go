// Command local_thr is the receiving half of a throughput test, with the
// arguments and output of libzmq's perf/local_thr:
//
//	local_thr <bind-to> <message-size> <message-count>
//
// A PULL socket binds to bind-to and receives message-count messages,
// each of which must be message-size bytes long. The clock starts once the
// first message has arrived and stops at the last, and the program prints
//
//	message size: 64 [B]
//	message count: 1000000
//	mean throughput: 2345678 [msg/s]
//	mean throughput: 1200.987 [Mb/s]
//
// computed as libzmq does: message-count messages over the time from the
// first to the last, in whole microseconds.
//
// Its sender is remote_thr, this repository's (cmd/remote_thr) or
// libzmq's: the two speak the same wire protocol, so either end can be
// libzmq's tool on another machine, as in
//
//	host-a$ local_thr tcp://*:5555 64 1000000
//	host-b$ remote_thr tcp://host-a:5555 64 1000000
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
	"time"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

const usage = "usage: local_thr <bind-to> <message-size> <message-count>"

func main() {
	if len(os.Args) != 4 {
		fmt.Println(usage)
		os.Exit(1)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "local_thr:", err)
		os.Exit(1)
	}
}

func run(bindTo, sizeArg, countArg string) error {
	size, err := strconv.Atoi(sizeArg)
	if err != nil || size < 0 {
		return fmt.Errorf("bad message size %q", sizeArg)
	}
	count, err := strconv.Atoi(countArg)
	if err != nil || count < 1 {
		return fmt.Errorf("bad message count %q", countArg)
	}

	ctx, err := zmq.NewContext()
	if err != nil {
		return fmt.Errorf("error in zmq_init: %w", err)
	}
	s, err := ctx.NewSocket(zmq.PULL)
	if err != nil {
		return fmt.Errorf("error in zmq_socket: %w", err)
	}
	if err := s.Bind(bindTo); err != nil {
		return fmt.Errorf("error in zmq_bind: %w", err)
	}

	recv := func() error {
		msg, err := s.RecvBytes(0)
		if err != nil {
			return fmt.Errorf("error in zmq_recvmsg: %w", err)
		}
		if len(msg) != size {
			return fmt.Errorf("message of incorrect size received: %d bytes, want %d", len(msg), size)
		}
		return nil
	}

	if err := recv(); err != nil {
		return err
	}
	start := time.Now()
	for i := 1; i < count; i++ {
		if err := recv(); err != nil {
			return err
		}
	}
	elapsed := uint64(time.Since(start).Microseconds())
	if elapsed == 0 {
		elapsed = 1
	}

	throughput := uint64(float64(count) / float64(elapsed) * 1000000)
	megabits := float64(throughput*uint64(size)*8) / 1000000

	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("message count: %d\n", count)
	fmt.Printf("mean throughput: %d [msg/s]\n", throughput)
	fmt.Printf("mean throughput: %.3f [Mb/s]\n", megabits)

	if err := s.Close(); err != nil {
		return fmt.Errorf("error in zmq_close: %w", err)
	}
	if err := ctx.Term(); err != nil {
		return fmt.Errorf("error in zmq_ctx_term: %w", err)
	}
	return nil
}
