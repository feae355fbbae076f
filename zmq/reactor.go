package zmq4

import (
	"errors"
	"fmt"
	"time"
)

// Reactor runs handlers for ready sockets and for values arriving on
// channels (timers or others), in one loop.
type Reactor struct {
	sockets  map[*Socket]*reactorSocket
	channels map[uint64]*reactorChannel
	poller   *Poller
	lastID   uint64
	remove   []uint64
	verbose  bool
}

type reactorSocket struct {
	events  State
	handler func(State) error
}

type reactorChannel struct {
	ch      <-chan interface{}
	limit   int
	handler func(interface{}) error
}

// NewReactor returns a reactor without sockets or channels.
//
//	reactor := zmq.NewReactor()
//	reactor.AddSocket(socket1, zmq.POLLIN, socket1Handler)
//	reactor.AddSocket(socket2, zmq.POLLIN, socket2Handler)
//	reactor.AddChannelTime(time.Tick(time.Second), 1, tickerHandler)
//	err := reactor.Run(100 * time.Millisecond)
func NewReactor() *Reactor {
	return &Reactor{
		sockets:  make(map[*Socket]*reactorSocket),
		channels: make(map[uint64]*reactorChannel),
		poller:   NewPoller(),
	}
}

// AddSocket sets the handler for a socket, replacing any previous one. The
// handler gets the socket's ready events among those asked for: POLLIN,
// POLLOUT or both.
func (r *Reactor) AddSocket(soc *Socket, events State, handler func(State) error) {
	r.RemoveSocket(soc)
	r.sockets[soc] = &reactorSocket{events: events, handler: handler}
	r.poller.Add(soc, events)
}

// RemoveSocket removes a socket's handler.
func (r *Reactor) RemoveSocket(soc *Socket) {
	if _, ok := r.sockets[soc]; ok {
		delete(r.sockets, soc)
		r.poller.RemoveBySocket(soc)
	}
}

// AddChannel adds a handler for the values received on a channel and
// returns its id for RemoveChannel. If limit is positive, at most that
// many values are handled in each round of the loop; otherwise all those
// waiting are.
func (r *Reactor) AddChannel(ch <-chan interface{}, limit int, handler func(interface{}) error) (id uint64) {
	r.lastID++
	r.channels[r.lastID] = &reactorChannel{ch: ch, limit: limit, handler: handler}
	return r.lastID
}

// AddChannelTime is AddChannel for a channel of time.Time values, such as
// a ticker's.
func (r *Reactor) AddChannelTime(ch <-chan time.Time, limit int, handler func(interface{}) error) (id uint64) {
	relay := make(chan interface{})
	go func() {
		defer close(relay)
		for t := range ch {
			relay <- t
		}
	}()
	return r.AddChannel(relay, limit, handler)
}

// RemoveChannel removes a channel's handler, from the next round of the
// loop on. Closed channels are removed without it.
func (r *Reactor) RemoveChannel(id uint64) {
	r.remove = append(r.remove, id)
}

// SetVerbose makes the reactor print what it does.
func (r *Reactor) SetVerbose(verbose bool) {
	r.verbose = verbose
}

// Run runs the reactor until a handler returns an error, and returns that
// error.
//
// Each round of the loop first handles the values waiting on the channels,
// without waiting for any, then polls the sockets for at most interval and
// runs the handlers of the ready ones. With channels, interval must not be
// negative; without channels, -1 waits for sockets without limit.
func (r *Reactor) Run(interval time.Duration) (err error) {
	for {
		for _, id := range r.remove {
			delete(r.channels, id)
		}
		r.remove = r.remove[:0]

		for id, ch := range r.channels {
			if err := r.drain(id, ch); err != nil {
				return err
			}
		}

		if len(r.channels) > 0 && interval < 0 {
			return errors.New("There are channels, but polling time-out is infinite")
		}
		if len(r.sockets) == 0 {
			if len(r.channels) == 0 {
				return errors.New("No sockets to poll, no channels to read")
			}
			time.Sleep(interval)
			continue
		}

		polled, err := r.poller.Poll(interval)
		if err != nil {
			return err
		}
		for _, item := range polled {
			if r.verbose {
				fmt.Printf("Reactor(%p) %v\n", r, item)
			}
			if s, ok := r.sockets[item.Socket]; ok {
				if err := s.handler(item.Events); err != nil {
					return err
				}
			}
		}
	}
}

// drain handles the values waiting on one channel, up to its limit.
func (r *Reactor) drain(id uint64, ch *reactorChannel) error {
	for n := 0; ch.limit <= 0 || n < ch.limit; n++ {
		select {
		case v, ok := <-ch.ch:
			if !ok {
				if r.verbose {
					fmt.Printf("Reactor(%p) removing closed channel %d\n", r, id)
				}
				r.RemoveChannel(id)
				return nil
			}
			if r.verbose {
				fmt.Printf("Reactor(%p) channel %d: %v\n", r, id, v)
			}
			if err := ch.handler(v); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}
