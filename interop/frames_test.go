package interop

import (
	"fmt"
	"testing"
)

// frameSizes straddle the ZMTP encodings: 0 and 1 are the smallest frames,
// 255 is the largest with a one-byte length and 256 the smallest with an
// eight-byte one; 64 KiB and 16 MiB exercise buffering across many reads.
var frameSizes = []int{0, 1, 255, 256, 64 << 10, 16 << 20}

// payload returns n bytes whose values depend on both n and the offset, so
// that a shifted, truncated or mixed-up frame does not compare equal.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + n + i>>8)
	}
	return b
}

// TestFrameSizes sends single-frame and multipart messages of each size,
// with empty frames around them, from each implementation to the other.
func TestFrameSizes(t *testing.T) {
	for _, sender := range []impl{mono, libzmq} {
		t.Run(fmt.Sprintf("from=%s,to=%s", sender, sender.other()), func(t *testing.T) {
			e := newEnv(t)
			tx := e.socket(sender, PAIR)
			rx := e.socket(sender.other(), PAIR)
			link(t, rx, tx)

			for _, size := range frameSizes {
				t.Run(fmt.Sprintf("size=%d", size), func(t *testing.T) {
					p := payload(size)
					send(t, tx, p)
					expect(t, rx, p)
					m := [][]byte{{}, p, {}, []byte("tail")}
					send(t, tx, m...)
					expect(t, rx, m...)
				})
			}

			t.Run("all-sizes-in-one-message", func(t *testing.T) {
				var m [][]byte
				for _, size := range frameSizes {
					m = append(m, payload(size), nil)
				}
				send(t, tx, m...)
				expect(t, rx, m...)
			})
		})
	}
}
