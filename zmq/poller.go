package zmq4

import (
	"fmt"
	"time"
)

// Polled is one entry of a Poll result.
type Polled struct {
	Socket *Socket // socket with matched event(s)
	Events State   // actual matched event(s)
}

// Poller waits for readiness on a set of sockets, like zmq_poll.
type Poller struct {
	items []pollItem
}

type pollItem struct {
	soc    *Socket
	events State
}

// NewPoller returns an empty Poller.
func NewPoller() *Poller {
	return &Poller{}
}

// Add adds a socket with the events to wait for (POLLIN, POLLOUT or both)
// and returns its id: its index in the results of PollAll, and the handle
// for Update and Remove.
func (p *Poller) Add(soc *Socket, events State) int {
	p.items = append(p.items, pollItem{soc, events})
	return len(p.items) - 1
}

// Update replaces the events to wait for on the socket with the given id.
// It returns the previous events, or ErrorNoSocket for an unknown id.
func (p *Poller) Update(id int, events State) (previous State, err error) {
	if id < 0 || id >= len(p.items) {
		return 0, ErrorNoSocket
	}
	previous, p.items[id].events = p.items[id].events, events
	return previous, nil
}

// UpdateBySocket replaces the events to wait for on a socket. It returns
// the previous events, or ErrorNoSocket if the socket is not in the poller.
func (p *Poller) UpdateBySocket(soc *Socket, events State) (previous State, err error) {
	for id, it := range p.items {
		if it.soc == soc {
			return p.Update(id, events)
		}
	}
	return 0, ErrorNoSocket
}

// Remove removes the socket with the given id; the ids of the sockets added
// after it go down by one. It returns ErrorNoSocket for an unknown id.
func (p *Poller) Remove(id int) error {
	if id < 0 || id >= len(p.items) {
		return ErrorNoSocket
	}
	p.items = append(p.items[:id], p.items[id+1:]...)
	return nil
}

// RemoveBySocket removes a socket. It returns ErrorNoSocket if the socket
// is not in the poller.
func (p *Poller) RemoveBySocket(soc *Socket) error {
	for id, it := range p.items {
		if it.soc == soc {
			return p.Remove(id)
		}
	}
	return ErrorNoSocket
}

// Poll waits until at least one socket is ready for one of its events and
// returns the sockets that are, with their ready events. The timeout is
// counted in whole milliseconds, as libzmq does: 0 (or less than a
// millisecond) checks without waiting, a negative timeout waits without
// limit. When it expires, Poll returns an empty list and no error.
//
//	poller := zmq.NewPoller()
//	poller.Add(frontend, zmq.POLLIN)
//	poller.Add(backend, zmq.POLLIN)
//	for {
//		polled, err := poller.Poll(-1)
//		if err != nil {
//			break // the context was terminated
//		}
//		for _, item := range polled {
//			switch s := item.Socket; s {
//			case frontend:
//				msg, _ := s.RecvMessage(0)
//				// ...
//			case backend:
//				msg, _ := s.RecvMessage(0)
//				// ...
//			}
//		}
//	}
func (p *Poller) Poll(timeout time.Duration) ([]Polled, error) {
	return p.poll(timeout, false)
}

// PollAll is Poll returning every socket, in the order they were added,
// with its ready events (possibly none). On error the list is empty.
func (p *Poller) PollAll(timeout time.Duration) ([]Polled, error) {
	return p.poll(timeout, true)
}

func (p *Poller) poll(timeout time.Duration, all bool) ([]Polled, error) {
	lst := make([]Polled, 0, len(p.items))
	if len(p.items) == 0 {
		return lst, nil
	}
	for _, it := range p.items {
		if _, err := it.soc.core(); err != nil {
			return lst, err
		}
	}
	revents := make([]State, len(p.items))
	socks := make([]*Socket, len(p.items))
	for i, it := range p.items {
		socks[i] = it.soc
	}
	err := waitReady(socks, msTimeout(timeout), func() (bool, error) {
		ready := false
		for i, it := range p.items {
			ev, err := it.soc.events()
			if err != nil {
				return false, err
			}
			revents[i] = ev & it.events
			ready = ready || revents[i] != 0
		}
		return ready, nil
	})
	if err != nil {
		return lst, err
	}
	for i, it := range p.items {
		if all || revents[i] != 0 {
			lst = append(lst, Polled{it.soc, revents[i]})
		}
	}
	return lst, nil
}

// String describes the poller: each socket followed by its events.
func (p *Poller) String() string {
	str := make([]string, 0, len(p.items))
	for _, it := range p.items {
		str = append(str, fmt.Sprintf("%v%v", it.soc, it.events))
	}
	return fmt.Sprint("Poller", str)
}

// events returns the socket's readiness, with the error zmq_poll would
// give for a closed socket (ENOTSOCK) or a terminated context (ETERM).
func (soc *Socket) events() (State, error) {
	if soc == nil || soc.s == nil || !soc.s.opened.Load() {
		return 0, ENOTSOCK
	}
	if soc.s.ctx.closed.Load() {
		return 0, ETERM
	}
	return State(soc.s.soc.Events()), nil
}

// msTimeout truncates a poll timeout to whole milliseconds as libzmq
// counts it; any negative timeout becomes -1, no limit.
func msTimeout(timeout time.Duration) time.Duration {
	if timeout < 0 {
		return -1
	}
	return timeout / time.Millisecond * time.Millisecond
}

// waitReady calls check until it reports ready or fails, or until timeout
// has passed (0: one check; negative: no limit), and returns check's error.
// Between checks it sleeps until one of the sockets signals that its state
// may have changed (input, room for output, close, context termination).
func waitReady(socks []*Socket, timeout time.Duration, check func() (bool, error)) error {
	wake := make(chan struct{}, 1)
	for _, soc := range socks {
		if s, err := soc.core(); err == nil {
			s.Watch(wake)
			defer s.Unwatch(wake)
		}
	}
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	for {
		ready, err := check()
		if ready || err != nil || timeout == 0 {
			return err
		}
		select {
		case <-wake:
		case <-expired:
			_, err := check()
			return err
		}
	}
}
