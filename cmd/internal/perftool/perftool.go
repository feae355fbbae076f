// Package perftool is what cmd/local_thr, remote_thr, local_lat and
// remote_lat share: libzmq's perf-tool command line
// (<endpoint> <message-size> <count>), one socket on a context of its own,
// sizes checked on receipt, and libzmq's error texts.
package perftool

import (
	"fmt"
	"os"
	"strconv"

	zmq "github.com/monocoque-go/monocoque/zmq"
)

// Tool describes one program.
type Tool struct {
	Name      string   // program name, prefixed to errors
	Usage     string   // the usage line printed on a wrong argument count
	Type      zmq.Type // the socket's type
	Bind      bool     // bind to the endpoint (else connect)
	CountName string   // what the count counts, for errors ("message count")
	MinCount  int      // the smallest count accepted
}

// Run is one run of a tool: its arguments and its socket.
type Run struct {
	Size, Count int
	Socket      *zmq.Socket
}

// Main runs the tool with the process's arguments: body gets the open
// socket; afterwards the socket is closed and the context terminated
// (Term waits, with the default infinite linger, until what was sent has
// gone out). A wrong argument count prints the usage line to standard
// output and exits with status 1; any other failure goes to standard error
// with status 1.
func (t Tool) Main(body func(r *Run) error) {
	if len(os.Args) != 4 {
		fmt.Println(t.Usage)
		os.Exit(1)
	}
	if err := t.run(os.Args[1], os.Args[2], os.Args[3], body); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", t.Name, err)
		os.Exit(1)
	}
}

func (t Tool) run(endpoint, sizeArg, countArg string, body func(r *Run) error) error {
	size, err := strconv.Atoi(sizeArg)
	if err != nil || size < 0 {
		return fmt.Errorf("bad message size %q", sizeArg)
	}
	count, err := strconv.Atoi(countArg)
	if err != nil || count < t.MinCount {
		return fmt.Errorf("bad %s %q", t.CountName, countArg)
	}

	ctx, err := zmq.NewContext()
	if err != nil {
		return fmt.Errorf("error in zmq_init: %w", err)
	}
	s, err := ctx.NewSocket(t.Type)
	if err != nil {
		return fmt.Errorf("error in zmq_socket: %w", err)
	}
	if t.Bind {
		if err := s.Bind(endpoint); err != nil {
			return fmt.Errorf("error in zmq_bind: %w", err)
		}
	} else if err := s.Connect(endpoint); err != nil {
		return fmt.Errorf("error in zmq_connect: %w", err)
	}

	if err := body(&Run{Size: size, Count: count, Socket: s}); err != nil {
		return err
	}

	if err := s.Close(); err != nil {
		return fmt.Errorf("error in zmq_close: %w", err)
	}
	if err := ctx.Term(); err != nil {
		return fmt.Errorf("error in zmq_ctx_term: %w", err)
	}
	return nil
}

// Recv receives one message and checks that it has the run's size.
func (r *Run) Recv() ([]byte, error) {
	msg, err := r.Socket.RecvBytes(0)
	if err != nil {
		return nil, fmt.Errorf("error in zmq_recvmsg: %w", err)
	}
	if len(msg) != r.Size {
		return nil, fmt.Errorf("message of incorrect size received: %d bytes, want %d", len(msg), r.Size)
	}
	return msg, nil
}

// Send sends msg (SendBytes copies it, so one buffer serves every message).
func (r *Run) Send(msg []byte) error {
	if _, err := r.Socket.SendBytes(msg, 0); err != nil {
		return fmt.Errorf("error in zmq_sendmsg: %w", err)
	}
	return nil
}
