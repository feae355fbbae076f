// Command demo shows monocoque at work in one process, with no libzmq and no
// cgo: a REQ/REP exchange, a PUSH/PULL pipeline with several workers, and a
// ROUTER serving named DEALERs, all over tcp on the loopback interface.
package main

import (
	"fmt"
	"log"
	"sync"
	"time"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

func main() {
	ctx, err := zmq.NewContext()
	check(err)
	reqRep(ctx)
	pipeline(ctx)
	routerDealer(ctx)
	check(ctx.Term())
	fmt.Println("demo: done")
}

// socket makes a socket with a receive timeout, so that a bug ends the demo
// with an error instead of a hang.
func socket(ctx *zmq.Context, t zmq.Type) *zmq.Socket {
	s, err := ctx.NewSocket(t)
	check(err)
	check(s.SetRcvtimeo(5 * time.Second))
	return s
}

func bind(s *zmq.Socket) string {
	check(s.Bind("tcp://127.0.0.1:*"))
	ep, err := s.GetLastEndpoint()
	check(err)
	return ep
}

func reqRep(ctx *zmq.Context) {
	rep := socket(ctx, zmq.REP)
	ep := bind(rep)
	req := socket(ctx, zmq.REQ)
	check(req.Connect(ep))

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 3; i++ {
			msg, err := rep.RecvMessage(0)
			check(err)
			_, err = rep.SendMessage("World", msg[0])
			check(err)
		}
	}()
	for i := 0; i < 3; i++ {
		_, err := req.SendMessage(fmt.Sprintf("Hello #%d", i))
		check(err)
		reply, err := req.RecvMessage(0)
		check(err)
		fmt.Printf("req/rep: sent %q, got %q\n", fmt.Sprintf("Hello #%d", i), reply)
	}
	<-done
	check(req.Close())
	check(rep.Close())
}

func pipeline(ctx *zmq.Context) {
	const tasks, workers = 30, 3
	results := socket(ctx, zmq.PULL)
	sink := bind(results)
	ventilator := socket(ctx, zmq.PUSH)

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		in, out := socket(ctx, zmq.PULL), socket(ctx, zmq.PUSH)
		// The ventilator connects to each worker, so it has a pipe to every
		// worker from the start and deals tasks round-robin among them.
		check(ventilator.Connect(bind(in)))
		check(out.Connect(sink))
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			defer in.Close()
			defer out.Close()
			for {
				task, err := in.Recv(0)
				check(err)
				if task == "STOP" {
					return
				}
				_, err = out.SendMessage(task, fmt.Sprint("worker ", id))
				check(err)
			}
		}(w)
	}
	for i := 0; i < tasks+workers; i++ {
		task := fmt.Sprint("task ", i)
		if i >= tasks {
			task = "STOP" // one for each worker, dealt like the tasks
		}
		_, err := ventilator.Send(task, 0)
		check(err)
	}
	perWorker := map[string]int{}
	for i := 0; i < tasks; i++ {
		msg, err := results.RecvMessage(0)
		check(err)
		perWorker[msg[1]]++
	}
	fmt.Printf("push/pull: %d tasks done by %d workers: %v\n", tasks, len(perWorker), perWorker)
	wg.Wait()
	check(ventilator.Close())
	check(results.Close())
}

func routerDealer(ctx *zmq.Context) {
	router := socket(ctx, zmq.ROUTER)
	ep := bind(router)
	names := []string{"alice", "bob"}
	dealers := map[string]*zmq.Socket{}
	for _, name := range names {
		d := socket(ctx, zmq.DEALER)
		check(d.SetIdentity(name))
		check(d.Connect(ep))
		_, err := d.SendMessage("hi from " + name)
		check(err)
		dealers[name] = d
	}
	for range names {
		msg, err := router.RecvMessage(0)
		check(err)
		fmt.Printf("router: from %q: %q\n", msg[0], msg[1])
		_, err = router.SendMessage(msg[0], "welcome, "+msg[0])
		check(err)
	}
	for _, name := range names {
		reply, err := dealers[name].RecvMessage(0)
		check(err)
		fmt.Printf("dealer %s: got %q\n", name, reply)
		check(dealers[name].Close())
	}
	check(router.Close())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
