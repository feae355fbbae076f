package core

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkFanIn: one PUSH sends 64 B messages to a PULL (or a DEALER to a
// ROUTER) that also has many idle, handshaken peers, connected from another
// process by cmd/zmqsoak. Routing does not look at idle pipes (the active
// prefix of fairQueue); what remains is the garbage collector's work on
// the idle connections' goroutines and objects.
func BenchmarkFanIn(b *testing.B) {
	for _, idle := range []int{0, 100, 1000, 4000} {
		for _, typ := range []SocketType{PULL, ROUTER} {
			b.Run(fmt.Sprintf("%s/idle=%d", typ, idle), func(b *testing.B) {
				ctx, pull, push := benchPair(b, typ, PUSH, "tcp://127.0.0.1:*")
				_ = ctx
				if typ == ROUTER {
					push.Close()
					var err error
					push, err = ctx.NewSocket(DEALER)
					if err != nil {
						b.Fatal(err)
					}
					push.SetInt(OptLinger, 0)
					push.SetInt(OptSndhwm, 10000)
					b.Cleanup(func() { push.Close() })
					ep, _ := pull.GetBytes(OptLastEndpoint)
					if err := push.Connect(string(ep)); err != nil {
						b.Fatal(err)
					}
				}
				ep, _ := pull.GetBytes(OptLastEndpoint)
				peerType := "PUSH"
				if typ == ROUTER {
					peerType = "DEALER"
				}
				if idle > 0 {
					idleFarm(b, pull, string(ep), peerType, idle)
				}
				if idle > 0 {
					// Idle peers are quiet: let their connections give
					// their read buffers back, as they would in a broker.
					time.Sleep(idleAfter + idleAfter/2)
				}
				b.SetBytes(64)
				pump(b, push, pull, 64, (*Socket).RecvMsg)
			})
		}
	}
}

// BenchmarkLoadBalanceFullPipes: a PUSH with many peers whose pipes are
// full (they never read) and one that reads: each message still costs the
// same as with one peer.
func BenchmarkLoadBalanceFullPipes(b *testing.B) {
	for _, full := range []int{0, 100, 1000} {
		b.Run(fmt.Sprintf("full=%d", full), func(b *testing.B) {
			_, pull, push := benchPair(b, PULL, PUSH, "inproc://lb-full")
			ctx := push.Context()
			for i := 0; i < full; i++ {
				name := fmt.Sprintf("inproc://lb-full-%d", i)
				sink, err := ctx.NewSocket(PULL)
				if err != nil {
					b.Fatal(err)
				}
				sink.SetInt(OptLinger, 0)
				sink.SetInt(OptRcvhwm, 1)
				b.Cleanup(func() { sink.Close() })
				if err := sink.Bind(name); err != nil {
					b.Fatal(err)
				}
				if err := push.Connect(name); err != nil {
					b.Fatal(err)
				}
			}
			// Fill every pipe (SNDHWM 1 leaves room for 2 messages on
			// each sink's), then empty the reader's.
			if err := push.SetInt(OptSndhwm, 1); err != nil {
				b.Fatal(err)
			}
			msg := make([]byte, 64)
			for push.Send(msg, DontWait) == nil {
			}
			for {
				if _, err := pull.Recv(DontWait); err != nil {
					break
				}
			}
			pump(b, push, pull, len(msg), (*Socket).Recv)
		})
	}
}
