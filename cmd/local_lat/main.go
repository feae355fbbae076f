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
	"github.com/monocoque-go/monocoque/cmd/internal/perftool"
	zmq "github.com/monocoque-go/monocoque/zmq"
)

func main() {
	perftool.Tool{
		Name:      "local_lat",
		Usage:     "usage: local_lat <bind-to> <message-size> <roundtrip-count>",
		Type:      zmq.REP,
		Bind:      true,
		CountName: "roundtrip count",
	}.Main(func(r *perftool.Run) error {
		for i := 0; i < r.Count; i++ {
			msg, err := r.Recv()
			if err != nil {
				return err
			}
			if err := r.Send(msg); err != nil {
				return err
			}
		}
		return nil // Term then waits until the last reply has gone out
	})
}
