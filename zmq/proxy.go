package zmq4

import (
	"encoding/binary"

	"github.com/monocoque-go/monocoque/core"
)

// Proxy connects a frontend socket to a backend socket, as zmq_proxy does:
// it passes every message from each to the other, and sends a copy of each
// to capture, if not nil. It runs until the sockets' context is terminated
// (it then returns ETERM) or an error occurs.
func Proxy(frontend, backend, capture *Socket) error {
	if !opened(frontend) || !opened(backend) || capture != nil && !opened(capture) {
		return ErrorSocketClosed
	}
	return runProxy(frontend, backend, capture, nil)
}

// ProxySteerable is Proxy with a control socket, as zmq_proxy_steerable:
// a message "PAUSE" on control stops passing messages, "RESUME" starts it
// again, "TERMINATE" makes ProxySteerable return nil, and "STATISTICS"
// replies on control with eight 64-bit counters: messages and bytes
// received and sent on the frontend, then the same for the backend.
// Other commands are ignored. A nil control makes it Proxy.
func ProxySteerable(frontend, backend, capture, control *Socket) error {
	if !opened(frontend) || !opened(backend) || capture != nil && !opened(capture) ||
		control != nil && !opened(control) {
		return ErrorSocketClosed
	}
	return runProxy(frontend, backend, capture, control)
}

func opened(soc *Socket) bool {
	_, err := soc.core()
	return err == nil
}

// proxyStats counts what a proxy passed through one socket.
type proxyStats struct {
	msgsIn, bytesIn, msgsOut, bytesOut uint64
}

// proxyBurst bounds how many messages one side forwards before the proxy
// looks at the other side again, as in libzmq.
const proxyBurst = 1000

func runProxy(frontend, backend, capture, control *Socket) error {
	var frontStats, backStats proxyStats
	paused := false
	socks := []*Socket{frontend, backend}
	if control != nil {
		socks = append(socks, control)
	}
	for {
		var frontIn, backIn, controlIn bool
		err := waitReady(socks, -1, func() (bool, error) {
			frontEv, err := frontend.events()
			if err != nil {
				return false, err
			}
			backEv, err := backend.events()
			if err != nil {
				return false, err
			}
			if control != nil {
				ev, err := control.events()
				if err != nil {
					return false, err
				}
				controlIn = ev&POLLIN != 0
			}
			if !paused {
				// Only take a message when the other side can take it, so
				// that the proxy never blocks with a message in hand.
				same := frontend == backend
				frontIn = frontEv&POLLIN != 0 && (same || backEv&POLLOUT != 0)
				backIn = !same && backEv&POLLIN != 0 && frontEv&POLLOUT != 0
			}
			return controlIn || frontIn || backIn, nil
		})
		if err != nil {
			return err
		}
		if controlIn {
			stop, err := proxyCommand(control, &paused, &frontStats, &backStats)
			if err != nil || stop {
				return err
			}
			continue
		}
		if frontIn {
			if err := forward(frontend, &frontStats, backend, &backStats, capture); err != nil {
				return err
			}
		}
		if backIn {
			if err := forward(backend, &backStats, frontend, &frontStats, capture); err != nil {
				return err
			}
		}
	}
}

// forward passes up to proxyBurst waiting messages from one socket to the
// other, copying each to capture.
func forward(from *Socket, fromStats *proxyStats, to *Socket, toStats *proxyStats, capture *Socket) error {
	src, err := from.core()
	if err != nil {
		return err
	}
	dst, err := to.core()
	if err != nil {
		return err
	}
	for i := 0; i < proxyBurst; i++ {
		msg, err := src.RecvMsg(core.DontWait)
		if err == core.EAGAIN {
			return nil
		}
		if err != nil {
			return toErr(err)
		}
		if capture != nil {
			c, err := capture.core()
			if err != nil {
				return err
			}
			if err := c.SendMsg(msg, 0); err != nil {
				return toErr(err)
			}
		}
		if err := dst.SendMsg(msg, 0); err != nil {
			return toErr(err)
		}
		size := 0
		for _, f := range msg {
			size += len(f)
		}
		fromStats.msgsIn++
		fromStats.bytesIn += uint64(size)
		toStats.msgsOut++
		toStats.bytesOut += uint64(size)
	}
	return nil
}

// proxyCommand handles one message on the control socket; stop reports a
// TERMINATE command.
func proxyCommand(control *Socket, paused *bool, front, back *proxyStats) (stop bool, err error) {
	c, err := control.core()
	if err != nil {
		return false, err
	}
	msg, err := c.RecvMsg(core.DontWait)
	if err == core.EAGAIN {
		return false, nil
	}
	if err != nil {
		return false, toErr(err)
	}
	switch string(msg[0]) {
	case "PAUSE":
		*paused = true
	case "RESUME":
		*paused = false
	case "TERMINATE":
		return true, nil
	case "STATISTICS":
		counters := []uint64{
			front.msgsIn, front.bytesIn, front.msgsOut, front.bytesOut,
			back.msgsIn, back.bytesIn, back.msgsOut, back.bytesOut,
		}
		reply := make([][]byte, len(counters))
		for i, v := range counters {
			reply[i] = binary.NativeEndian.AppendUint64(nil, v)
		}
		if err := c.SendMsg(reply, 0); err != nil {
			return false, toErr(err)
		}
	}
	return false, nil
}
