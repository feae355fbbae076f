package interop

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lz "github.com/pebbe/zmq4"
)

// startBroker runs libzmq's own proxy between a ROUTER frontend and a
// DEALER backend and returns their endpoints. The proxy is stopped with a
// TERMINATE on its control socket at cleanup.
func startBroker(t *testing.T) (frontend, backend string) {
	t.Helper()
	ctx, err := lz.NewContext()
	must(t, err)
	newSock := func(typ lz.Type) *lz.Socket {
		t.Helper()
		s, err := ctx.NewSocket(typ)
		must(t, err)
		must(t, s.SetLinger(0))
		return s
	}
	fe, be := newSock(lz.ROUTER), newSock(lz.DEALER)
	must(t, fe.Bind("tcp://127.0.0.1:*"))
	must(t, be.Bind("tcp://127.0.0.1:*"))
	frontend, err = fe.GetLastEndpoint()
	must(t, err)
	backend, err = be.GetLastEndpoint()
	must(t, err)

	ctlAddr := fmt.Sprintf("inproc://broker-control-%p", fe)
	ctl := newSock(lz.PAIR)
	must(t, ctl.Bind(ctlAddr))
	stop := newSock(lz.PAIR)
	must(t, stop.Connect(ctlAddr))

	done := make(chan error, 1)
	go func() {
		err := lz.ProxySteerable(fe, be, nil, ctl)
		// The proxy goroutine owns these sockets until the proxy returns.
		fe.Close()
		be.Close()
		ctl.Close()
		done <- err
	}()
	t.Cleanup(func() {
		if _, err := stop.Send("TERMINATE", 0); err != nil {
			t.Errorf("stopping broker: %v", err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("broker proxy: %v", err)
			}
		case <-time.After(opTimeout):
			t.Errorf("broker proxy did not stop within %v", opTimeout)
			return
		}
		stop.Close()
		terminate(t, "broker", ctx.Term)
	})
	return frontend, backend
}

// TestBroker runs REQ clients and REP workers through a libzmq
// ROUTER/DEALER proxy. Requests reach the workers with the client's
// routing id and REQ's delimiter as an envelope, which the REP workers
// must hand back unchanged for the broker to route the reply.
func TestBroker(t *testing.T) {
	cases := []struct {
		name    string
		clients []impl
		workers []impl
	}{
		{"clients=monocoque,workers=monocoque", []impl{mono, mono, mono}, []impl{mono, mono}},
		{"clients=monocoque,workers=libzmq", []impl{mono, mono, mono}, []impl{libzmq, libzmq}},
		{"clients=libzmq,workers=monocoque", []impl{libzmq, libzmq, libzmq}, []impl{mono, mono}},
		{"clients=mixed,workers=mixed", []impl{mono, libzmq, mono, libzmq}, []impl{mono, libzmq, mono}},
	}
	const requestsPerClient = 25

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			frontend, backend := startBroker(t)
			e := newEnv(t)

			// Workers answer [request..., worker name] until stopped. Each
			// worker's socket is used only by its goroutine.
			stop := make(chan struct{})
			var wg sync.WaitGroup
			served := make([]atomic.Int64, len(c.workers))
			for i, wi := range c.workers {
				w := e.socket(wi, REP)
				must(t, w.SetRcvtimeo(50*time.Millisecond))
				must(t, w.Connect(backend))
				name := fmt.Sprintf("worker-%d-%s", i, wi)
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					for {
						req, err := w.RecvStrings()
						if err != nil {
							if errnoOf(err) == eagain {
								select {
								case <-stop:
									return
								default:
									continue
								}
							}
							t.Errorf("%s: %v", name, err)
							return
						}
						served[i].Add(1)
						if err := w.SendStrings(append(req, name)...); err != nil {
							t.Errorf("%s: reply: %v", name, err)
							return
						}
					}
				}(i)
			}
			// Cleanups run last-in first-out: this one, registered after
			// the worker sockets, stops the workers before those close.
			t.Cleanup(func() {
				close(stop)
				wg.Wait()
			})

			// Until every worker has answered once, some may still be
			// connecting; the DEALER only round-robins among connected
			// ones. Probe until all have served, so that each worker in the
			// mix is known to take part.
			probe := e.socket(libzmq, REQ)
			must(t, probe.Connect(frontend))
			deadline := time.Now().Add(opTimeout)
			probes := 0
			for all := false; !all; probes++ {
				if time.Now().After(deadline) {
					t.Fatalf("not every worker answered a probe within %v", opTimeout)
				}
				sendStr(t, probe, "probe")
				rep, err := probe.RecvStrings()
				if err != nil || len(rep) != 2 || rep[0] != "probe" {
					t.Fatalf("probe reply %q, %v; want [probe, <worker>]", rep, err)
				}
				all = true
				for i := range served {
					all = all && served[i].Load() > 0
				}
			}

			clients := make([]socket, len(c.clients))
			for i, ci := range c.clients {
				clients[i] = e.socket(ci, REQ)
				must(t, clients[i].Connect(frontend))
			}
			runAll(t, len(clients), 4*opTimeout, func(i int) {
				cl := clients[i]
				for r := 0; r < requestsPerClient; r++ {
					req := fmt.Sprintf("client-%d-%s/request-%d", i, cl.Impl(), r)
					if err := cl.SendStrings(req); err != nil {
						t.Errorf("%s: %v", req, err)
						return
					}
					rep, err := cl.RecvStrings()
					if err != nil {
						t.Errorf("%s: waiting for reply: %v", req, err)
						return
					}
					if len(rep) != 2 || rep[0] != req {
						t.Errorf("%s: got reply %q, want [%q, <worker>]", req, rep, req)
						return
					}
				}
			})
			var total int64
			for i := range served {
				total += served[i].Load()
			}
			t.Logf("requests served per worker: %v", func() []int64 {
				n := make([]int64, len(served))
				for i := range served {
					n[i] = served[i].Load()
				}
				return n
			}())
			if want := int64(len(clients)*requestsPerClient + probes); total != want {
				t.Errorf("workers served %d requests, want %d (%d probes + %d client requests)", total, want, probes, len(clients)*requestsPerClient)
			}
		})
	}
}
