package core

import (
	"fmt"
	"testing"
)

// benchPair returns a pair of sockets connected through endpoint.
func benchPair(b *testing.B, bindType, connType SocketType, endpoint string) (*Context, *Socket, *Socket) {
	b.Helper()
	ctx := NewContext()
	x, _ := ctx.NewSocket(bindType)
	y, _ := ctx.NewSocket(connType)
	for _, s := range []*Socket{x, y} {
		s.SetInt(OptLinger, 0)
		s.SetInt(OptSndhwm, 10000)
		s.SetInt(OptRcvhwm, 10000)
	}
	if err := x.Bind(endpoint); err != nil {
		b.Fatal(err)
	}
	ep, _ := x.GetBytes(OptLastEndpoint)
	if err := y.Connect(string(ep)); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		x.Close()
		y.Close()
		ctx.Term()
	})
	return ctx, x, y
}

func BenchmarkPushPullTCP(b *testing.B) {
	benchPushPull(b, "tcp://127.0.0.1:*")
}

func BenchmarkPushPullInproc(b *testing.B) {
	benchPushPull(b, "inproc://bench")
}

func benchPushPull(b *testing.B, endpoint string) {
	for _, size := range []int{64, 1024, 65536} {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			_, pull, push := benchPair(b, PULL, PUSH, endpoint)
			b.SetBytes(int64(size))
			pump(b, push, pull, size, (*Socket).Recv)
		})
	}
}

// pump times b.N messages of size bytes sent from push on another
// goroutine and received from pull with recv, and reports msgs/s.
func pump[T any](b *testing.B, push, pull *Socket, size int, recv func(*Socket, Flag) (T, error)) {
	msg := make([]byte, size)
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for i := 0; i < b.N; i++ {
			if err := push.Send(msg, 0); err != nil {
				panic(err)
			}
		}
	}()
	for i := 0; i < b.N; i++ {
		if _, err := recv(pull, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkReqRepTCP(b *testing.B) {
	benchReqRep(b, "tcp://127.0.0.1:*")
}

func BenchmarkReqRepInproc(b *testing.B) {
	benchReqRep(b, "inproc://bench")
}

func benchReqRep(b *testing.B, endpoint string) {
	_, rep, req := benchPair(b, REP, REQ, endpoint)
	msg := make([]byte, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := rep.Recv(0)
			if err != nil {
				return
			}
			if rep.Send(m, 0) != nil {
				return
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := req.Send(msg, 0); err != nil {
			b.Fatal(err)
		}
		if _, err := req.Recv(0); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	rep.Close()
	<-done
}
