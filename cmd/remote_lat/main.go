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
	"time"

	"github.com/monocoque-go/monocoque/cmd/internal/perftool"
	zmq "github.com/monocoque-go/monocoque/zmq"
)

func main() {
	perftool.Tool{
		Name:      "remote_lat",
		Usage:     "usage: remote_lat <connect-to> <message-size> <roundtrip-count>",
		Type:      zmq.REQ,
		CountName: "roundtrip count",
		MinCount:  1,
	}.Main(func(r *perftool.Run) error {
		msg := make([]byte, r.Size)
		start := time.Now()
		for i := 0; i < r.Count; i++ {
			if err := r.Send(msg); err != nil {
				return err
			}
			if _, err := r.Recv(); err != nil {
				return err
			}
		}
		elapsed := time.Since(start).Microseconds()

		latency := float64(elapsed) / float64(r.Count*2)

		fmt.Printf("message size: %d [B]\n", r.Size)
		fmt.Printf("roundtrip count: %d\n", r.Count)
		fmt.Printf("average latency: %.3f [us]\n", latency)
		return nil
	})
}
