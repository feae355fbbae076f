package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

// churnConfig is the churn mode's setting.
type churnConfig struct {
	peers    int           // DEALER clients connected at any time
	duration time.Duration // how long to run
	step     time.Duration // how often to report and churn
	churn    float64       // fraction of the clients replaced at each step
	size     int           // request size in bytes
	maxGrow  float64       // allowed growth of heap, goroutines and descriptors
}

// usage is one reading of the process's resources.
type usage struct {
	heap       uint64
	goroutines int
	fds        int
}

func readUsage() usage {
	runtime.GC()
	runtime.GC() // the second empties sync.Pools' victim caches
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fds := -1
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		fds = len(ents)
	}
	return usage{heap: m.HeapAlloc, goroutines: runtime.NumGoroutine(), fds: fds}
}

func (u usage) String() string {
	return fmt.Sprintf("heap %6.1f MB  goroutines %6d  fds %6d", float64(u.heap)/(1<<20), u.goroutines, u.fds)
}

// warmUp makes and ends one tcp connection between two sockets, so that
// what the runtime sets up once (its network poller) is in the baseline.
func warmUp() {
	ctx, err := zmq.NewContext()
	if err != nil {
		return
	}
	a, _ := ctx.NewSocket(zmq.PAIR)
	b, _ := ctx.NewSocket(zmq.PAIR)
	a.SetLinger(0)
	b.SetLinger(0)
	if a.Bind("tcp://127.0.0.1:*") == nil {
		ep, _ := a.GetLastEndpoint()
		b.Connect(ep)
		b.Send("x", 0)
		a.SetRcvtimeo(time.Second)
		a.Recv(0)
	}
	a.Close()
	b.Close()
	ctx.Term()
}

// runChurn runs a ROUTER echo server and cfg.peers DEALER clients in this
// process over tcp loopback. Each client sends a request and waits for the
// echo, again and again; at every step a share of the clients leaves and
// as many new ones connect. Each step prints the round trips per second,
// the heap, goroutines and open descriptors. It fails when those grow
// past the first full step by more than cfg.maxGrow, or do not come back
// to where they started once everything is closed.
func runChurn(cfg churnConfig) error {
	warmUp()
	start := readUsage()
	fmt.Printf("start: %v\n", start)
	ctx, err := zmq.NewContext()
	if err != nil {
		return err
	}
	if err := ctx.SetMaxSockets(cfg.peers + 16); err != nil {
		return err
	}
	server, err := ctx.NewSocket(zmq.ROUTER)
	if err != nil {
		return err
	}
	server.SetLinger(0)
	if err := server.Bind("tcp://127.0.0.1:*"); err != nil {
		return err
	}
	ep, _ := server.GetLastEndpoint()
	var serverDone sync.WaitGroup
	serverDone.Add(1)
	go func() {
		defer serverDone.Done()
		for {
			msg, err := server.RecvMessageBytes(0)
			if err != nil {
				return // the context was terminated
			}
			if _, err := server.SendMessage(msg); err != nil {
				return
			}
		}
	}()

	var trips atomic.Int64
	type client struct {
		stop chan struct{}
		done chan struct{}
	}
	newClient := func() (*client, error) {
		s, err := ctx.NewSocket(zmq.DEALER)
		if err != nil {
			return nil, err
		}
		s.SetLinger(0)
		s.SetRcvtimeo(2 * time.Second)
		if err := s.Connect(ep); err != nil {
			s.Close()
			return nil, err
		}
		c := &client{stop: make(chan struct{}), done: make(chan struct{})}
		go func() {
			defer close(c.done)
			defer s.Close()
			req := make([]byte, cfg.size)
			for {
				select {
				case <-c.stop:
					return
				default:
				}
				if _, err := s.SendBytes(req, 0); err != nil {
					return
				}
				if _, err := s.RecvBytes(0); err != nil {
					continue // timed out: the server is busy; ask again
				}
				trips.Add(1)
			}
		}()
		return c, nil
	}
	leave := func(c *client) {
		close(c.stop)
		<-c.done
	}

	clients := make([]*client, 0, cfg.peers)
	for len(clients) < cfg.peers {
		c, err := newClient()
		if err != nil {
			return err
		}
		clients = append(clients, c)
	}
	var base usage
	grown := ""
	deadline := time.Now().Add(cfg.duration)
	for step := 1; time.Now().Before(deadline); step++ {
		trips.Store(0)
		t0 := time.Now()
		time.Sleep(cfg.step)
		rate := float64(trips.Load()) / time.Since(t0).Seconds()
		// Churn: a share of the clients leaves, as many new ones come.
		k := int(cfg.churn * float64(len(clients)))
		for i := 0; i < k; i++ {
			j := rand.IntN(len(clients))
			leave(clients[j])
			c, err := newClient()
			if err != nil {
				return err
			}
			clients[j] = c
		}
		u := readUsage()
		fmt.Printf("step %3d: %8.0f round trips/s  %v\n", step, rate, u)
		if step == 1 {
			base = u
			continue
		}
		limit := func(b float64) float64 { return b*(1+cfg.maxGrow) + 64 }
		if float64(u.heap) > limit(float64(base.heap))+(4<<20) || float64(u.goroutines) > limit(float64(base.goroutines)) || float64(u.fds) > limit(float64(base.fds)) {
			grown = fmt.Sprintf("step %d: %v, after step 1: %v", step, u, base)
		}
	}
	for _, c := range clients {
		leave(c)
	}
	server.Close()
	ctx.Term()
	serverDone.Wait()
	time.Sleep(100 * time.Millisecond) // let closed descriptors go
	end := readUsage()
	fmt.Printf("end:   %v\n", end)
	if grown != "" {
		return fmt.Errorf("resources grew under churn: %s", grown)
	}
	if end.goroutines > start.goroutines || end.fds > start.fds || end.heap > start.heap+(8<<20) {
		return fmt.Errorf("resources not given back: %v, at start %v", end, start)
	}
	return nil
}
