// Command hwclient is the ZeroMQ guide's hello-world client: a REQ socket
// that sends "Hello" to tcp://localhost:5555 ten times and prints each reply.
package main

import (
	"flag"
	"fmt"
	"log"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

func main() {
	endpoint := flag.String("connect", "tcp://localhost:5555", "endpoint to connect to")
	count := flag.Int("n", 10, "number of requests")
	flag.Parse()

	requester, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		log.Fatal(err)
	}
	defer requester.Close()
	if err := requester.Connect(*endpoint); err != nil {
		log.Fatal(err)
	}
	for i := 0; i < *count; i++ {
		fmt.Println("Sending Hello", i)
		if _, err := requester.Send("Hello", 0); err != nil {
			log.Fatal(err)
		}
		reply, err := requester.Recv(0)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("Received", reply, i)
	}
}
