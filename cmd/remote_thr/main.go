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
	"github.com/monocoque-go/monocoque/cmd/internal/perftool"
	zmq "github.com/monocoque-go/monocoque/zmq"
)

func main() {
	perftool.Tool{
		Name:      "remote_thr",
		Usage:     "usage: remote_thr <connect-to> <message-size> <message-count>",
		Type:      zmq.PUSH,
		CountName: "message count",
	}.Main(func(r *perftool.Run) error {
		msg := make([]byte, r.Size)
		for i := 0; i < r.Count; i++ {
			if err := r.Send(msg); err != nil {
				return err
			}
		}
		return nil // Term then waits until every message has gone out
	})
}
