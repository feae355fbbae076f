// Package pool holds monocoque's reusable memory: size-classed byte buffers
// for outbound frame payloads and Msg, a multipart message whose first
// frames live inline so that small messages need no extra allocation.
package pool

import (
	"sync"
	"unsafe"
)

// Size classes for pooled buffers: 64 B up to 64 KiB, each a power of two.
// Larger buffers are allocated exactly and never pooled.
const (
	minClassShift = 6
	maxClassShift = 16
	numClasses    = maxClassShift - minClassShift + 1
	// MaxPooled is the largest buffer capacity the pool keeps.
	MaxPooled = 1 << maxClassShift
)

var classes [numClasses]sync.Pool

func classOf(n int) int {
	c := 0
	for size := 1 << minClassShift; size < n; size <<= 1 {
		c++
	}
	return c
}

// Get returns a buffer of length n. Buffers up to MaxPooled bytes come from
// a size-classed pool; return them with Put when done.
func Get(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	if n > MaxPooled {
		return make([]byte, n)
	}
	c := classOf(n)
	if v := classes[c].Get(); v != nil {
		// The pool keeps a pointer to the array, not a slice header, so
		// that Put needs no allocation.
		return unsafe.Slice(v.(*byte), 1<<(minClassShift+c))[:n]
	}
	return make([]byte, n, 1<<(minClassShift+c))
}

// Put gives a buffer obtained from Get back to the pool. Buffers whose
// capacity is not one of the pool's classes are left to the garbage collector.
// The caller must not touch b afterwards.
func Put(b []byte) {
	c := cap(b)
	if c < 1<<minClassShift || c > MaxPooled || c&(c-1) != 0 {
		return
	}
	classes[classOf(c)].Put(unsafe.SliceData(b[:1]))
}

// Clone copies b into a pooled buffer.
func Clone(b []byte) []byte {
	out := Get(len(b))
	copy(out, b)
	return out
}
