// Command hwserver is the ZeroMQ guide's hello-world server: a REP socket on
// tcp://*:5555 that answers every "Hello" with "World".
package main

import (
	"flag"
	"fmt"
	"log"
	"time"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

func main() {
	endpoint := flag.String("bind", "tcp://*:5555", "endpoint to bind")
	count := flag.Int("n", 0, "stop after this many requests (0: never)")
	flag.Parse()

	responder, err := zmq.NewSocket(zmq.REP)
	if err != nil {
		log.Fatal(err)
	}
	defer responder.Close()
	if err := responder.Bind(*endpoint); err != nil {
		log.Fatal(err)
	}
	for i := 0; *count == 0 || i < *count; i++ {
		msg, err := responder.Recv(0)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("Received", msg)
		time.Sleep(10 * time.Millisecond) // do some "work"
		if _, err := responder.Send("World", 0); err != nil {
			log.Fatal(err)
		}
	}
}
