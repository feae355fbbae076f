package zmq4

import (
	"encoding/binary"
	"reflect"
	"testing"
	"time"
)

func TestProxySteerable(t *testing.T) {
	ctx := newTestContext(t)
	// client PUSH -> frontend PULL | proxy | backend PUSH -> worker PULL,
	// with a copy of each message on capture PUSH -> tap PULL.
	frontend, client := newConnected(t, ctx, PULL, PUSH)
	backend, worker := newConnected(t, ctx, PUSH, PULL)
	capture, tap := newConnected(t, ctx, PUSH, PULL)
	control, steer := newConnected(t, ctx, PAIR, PAIR)
	recvTimeout(t, worker, tap, steer)

	done := make(chan error, 1)
	go func() { done <- ProxySteerable(frontend, backend, capture, control) }()

	if _, err := client.SendMessage("hello", "world"); err != nil {
		t.Fatal(err)
	}
	want := []string{"hello", "world"}
	for name, s := range map[string]*Socket{"worker": worker, "tap": tap} {
		if got, err := s.RecvMessage(0); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s got %q, %v; want %q", name, got, err, want)
		}
	}

	// Paused, the proxy holds messages back until resumed. The STATISTICS
	// reply shows that PAUSE, sent before it, was handled.
	steer.Send("PAUSE", 0)
	steer.Send("STATISTICS", 0)
	if stats, err := steer.RecvMessageBytes(0); err != nil || len(stats) != 8 {
		t.Fatalf("STATISTICS reply: %d frames, %v", len(stats), err)
	}
	client.Send("held", 0)
	time.Sleep(20 * time.Millisecond)
	if got, err := worker.Recv(DONTWAIT); err == nil {
		t.Errorf("paused proxy passed %q", got)
	}
	steer.Send("RESUME", 0)
	if got, err := worker.Recv(0); err != nil || got != "held" {
		t.Errorf("after RESUME got %q, %v", got, err)
	}
	tap.Recv(0)

	steer.Send("STATISTICS", 0)
	stats, err := steer.RecvMessageBytes(0)
	if err != nil || len(stats) != 8 {
		t.Fatalf("STATISTICS reply: %d frames, %v", len(stats), err)
	}
	got := make([]uint64, 8)
	for i, f := range stats {
		got[i] = binary.NativeEndian.Uint64(f)
	}
	// frontend: 2 messages (14 bytes) in; backend: 2 messages out.
	if wantStats := []uint64{2, 14, 0, 0, 0, 0, 2, 14}; !reflect.DeepEqual(got, wantStats) {
		t.Errorf("statistics %v, want %v", got, wantStats)
	}

	steer.Send("TERMINATE", 0)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ProxySteerable after TERMINATE = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("TERMINATE did not stop the proxy")
	}
}

func TestProxyTerm(t *testing.T) {
	ctx, _ := NewContext()
	frontend, _ := ctx.NewSocket(ROUTER)
	backend, _ := ctx.NewSocket(DEALER)
	done := make(chan error, 1)
	go func() {
		done <- Proxy(frontend, backend, nil)
		frontend.Close()
		backend.Close()
	}()
	time.Sleep(10 * time.Millisecond)
	go ctx.Term()
	select {
	case err := <-done:
		if err != ETERM {
			t.Errorf("Proxy after Term = %v, want ETERM", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Term did not stop the proxy")
	}
}

func TestProxyClosed(t *testing.T) {
	ctx := newTestContext(t)
	a := newTestSocket(t, ctx, PULL)
	b := newTestSocket(t, ctx, PUSH)
	c := newTestSocket(t, ctx, PAIR)
	c.Close()
	if err := Proxy(a, b, c); err != ErrorSocketClosed {
		t.Errorf("Proxy with closed capture = %v", err)
	}
	if err := ProxySteerable(a, b, nil, c); err != ErrorSocketClosed {
		t.Errorf("ProxySteerable with closed control = %v", err)
	}
}

func TestReactor(t *testing.T) {
	ctx := newTestContext(t)
	pull, push := newConnected(t, ctx, PULL, PUSH)
	r := NewReactor()

	var got []string
	r.AddSocket(pull, POLLIN, func(State) error {
		msg, err := pull.Recv(0)
		if err != nil {
			return err
		}
		got = append(got, msg)
		if msg == "stop" {
			return errStop
		}
		return nil
	})
	ch := make(chan interface{}, 3)
	ch <- "a"
	ch <- "b"
	ch <- "c"
	close(ch)
	var fromChan []interface{}
	r.AddChannel(ch, 2, func(v interface{}) error {
		fromChan = append(fromChan, v)
		if len(fromChan) == 3 {
			push.SendMessage("one")
			push.SendMessage("stop")
		}
		return nil
	})
	if err := r.Run(-1); err == nil || err.Error() != "There are channels, but polling time-out is infinite" {
		t.Errorf("Run(-1) with channels = %v", err)
	}
	if err := r.Run(time.Millisecond); err != errStop {
		t.Fatalf("Run = %v, want the handler's error", err)
	}
	if !reflect.DeepEqual(got, []string{"one", "stop"}) || len(fromChan) != 3 {
		t.Errorf("sockets got %q, channels got %v", got, fromChan)
	}
	r.RemoveSocket(pull)
	if err := r.Run(time.Millisecond); err == nil || err.Error() != "No sockets to poll, no channels to read" {
		t.Errorf("Run with nothing left = %v", err)
	}
}

type stopError struct{}

func (stopError) Error() string { return "stop" }

var errStop error = stopError{}
