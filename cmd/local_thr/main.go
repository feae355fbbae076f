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
	"time"

	"github.com/monocoque-go/monocoque/cmd/internal/perftool"
	zmq "github.com/monocoque-go/monocoque/zmq"
)

func main() {
	perftool.Tool{
		Name:      "local_thr",
		Usage:     "usage: local_thr <bind-to> <message-size> <message-count>",
		Type:      zmq.PULL,
		Bind:      true,
		CountName: "message count",
		MinCount:  1,
	}.Main(func(r *perftool.Run) error {
		// As libzmq: the clock starts once the first message is in.
		if _, err := r.Recv(); err != nil {
			return err
		}
		start := time.Now()
		for i := 1; i < r.Count; i++ {
			if _, err := r.Recv(); err != nil {
				return err
			}
		}
		elapsed := uint64(time.Since(start).Microseconds())
		if elapsed == 0 {
			elapsed = 1
		}

		throughput := uint64(float64(r.Count) / float64(elapsed) * 1000000)
		megabits := float64(throughput*uint64(r.Size)*8) / 1000000

		fmt.Printf("message size: %d [B]\n", r.Size)
		fmt.Printf("message count: %d\n", r.Count)
		fmt.Printf("mean throughput: %d [msg/s]\n", throughput)
		fmt.Printf("mean throughput: %.3f [Mb/s]\n", megabits)
		return nil
	})
}
