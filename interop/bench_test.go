package interop

import (
	"fmt"
	"testing"
)

// benchPairs lists the implementation of each end for the benchmarks:
// each library talking to itself, and our sender with libzmq's receiver.
var benchPairs = []struct {
	name     string
	from, to impl
}{
	{"monocoque", mono, mono},
	{"libzmq", libzmq, libzmq},
	{"monocoque-to-libzmq", mono, libzmq},
}

// BenchmarkPushPull measures one-way throughput over tcp loopback: a
// goroutine sends b.N messages from PUSH, the benchmark goroutine receives
// them on PULL.
func BenchmarkPushPull(b *testing.B) {
	for _, p := range benchPairs {
		for _, size := range []int{64, 1 << 10, 64 << 10} {
			b.Run(fmt.Sprintf("impl=%s/size=%d", p.name, size), func(b *testing.B) {
				e := newEnv(b)
				push := e.socket(p.from, PUSH)
				pull := e.socket(p.to, PULL)
				link(b, pull, push)
				buf := payload(size)
				// One message end to end first, so the connection is up
				// before the clock starts.
				if err := push.SendFrame(buf); err != nil {
					b.Fatal(err)
				}
				if _, err := pull.RecvFrame(); err != nil {
					b.Fatal(err)
				}

				b.SetBytes(int64(size))
				b.ReportAllocs()
				b.ResetTimer()
				done := make(chan struct{})
				go func() {
					defer close(done)
					for i := 0; i < b.N; i++ {
						if err := push.SendFrame(buf); err != nil {
							b.Errorf("send %d: %v", i, err)
							return
						}
					}
				}()
				for i := 0; i < b.N; i++ {
					m, err := pull.RecvFrame()
					if err != nil {
						b.Errorf("recv %d: %v", i, err)
						break
					}
					if len(m) != size {
						b.Errorf("recv %d: %d bytes, want %d", i, len(m), size)
						break
					}
				}
				b.StopTimer()
				<-done
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

// BenchmarkReqRep measures round-trip latency: ns/op is one request and
// its reply over tcp loopback, with the REP side echoing in a goroutine.
func BenchmarkReqRep(b *testing.B) {
	for _, p := range benchPairs {
		const size = 64
		b.Run(fmt.Sprintf("impl=%s/size=%d", p.name, size), func(b *testing.B) {
			e := newEnv(b)
			req := e.socket(p.from, REQ)
			rep := e.socket(p.to, REP)
			link(b, rep, req)
			buf := payload(size)

			done := make(chan struct{})
			go func() {
				defer close(done)
				// One extra round trip warms the connection up.
				for i := 0; i < b.N+1; i++ {
					m, err := rep.RecvFrame()
					if err != nil {
						b.Errorf("rep recv %d: %v", i, err)
						return
					}
					if err := rep.SendFrame(m); err != nil {
						b.Errorf("rep send %d: %v", i, err)
						return
					}
				}
			}()
			roundTrip := func(i int) bool {
				if err := req.SendFrame(buf); err != nil {
					b.Errorf("req send %d: %v", i, err)
					return false
				}
				m, err := req.RecvFrame()
				if err != nil || len(m) != size {
					b.Errorf("req recv %d: %d bytes, %v", i, len(m), err)
					return false
				}
				return true
			}
			if !roundTrip(-1) {
				<-done
				return
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if !roundTrip(i) {
					break
				}
			}
			b.StopTimer()
			<-done
		})
	}
}
