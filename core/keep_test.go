package core

import (
	"runtime"
	"testing"
)

// TestKeptFramesPinNothingElse: an application that keeps 1% of 1M small
// frames it received holds about what it kept (at most 3x), over tcp and
// over inproc: frames are the receiver's own memory, not windows into
// shared buffers.
func TestKeptFramesPinNothingElse(t *testing.T) {
	const (
		total = 1_000_000
		every = 100
		size  = 100
	)
	for _, ep := range []string{"tcp://127.0.0.1:*", "inproc://kept"} {
		t.Run(ep[:3], func(t *testing.T) {
			e := newEnv(t)
			push, pull := e.socket(PUSH), e.socket(PULL)
			must(t, pull.Bind(ep))
			bound, err := pull.GetBytes(OptLastEndpoint)
			must(t, err)
			must(t, push.Connect(string(bound)))
			go func() {
				msg := make([]byte, size)
				for i := 0; i < total; i++ {
					if push.Send(msg, 0) != nil {
						return
					}
				}
			}()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			kept := make([][]byte, 0, total/every)
			for i := 0; i < total; i++ {
				f, err := pull.Recv(0)
				must(t, err)
				if i%every == 0 {
					kept = append(kept, f)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			keptBytes := int64(len(kept) * size)
			t.Logf("kept %d B, heap grew %d B (%.2fx)", keptBytes, held, float64(held)/float64(keptBytes))
			if held > 3*keptBytes {
				t.Errorf("heap grew %d B for %d B kept", held, keptBytes)
			}
			runtime.KeepAlive(kept)
		})
	}
}
