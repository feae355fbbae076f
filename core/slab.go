package core

// Small copies handed to users are carved out of shared chunks of this
// size; copies larger than slabMax get an allocation of their own.
const (
	slabSize = 64 << 10
	slabMax  = 2 << 10
)

// slab makes small copies that users may keep forever, one allocation per
// chunk instead of one per copy: a chunk is never reused, so a kept copy
// only keeps its chunk alive (as frames received over tcp keep their read
// buffer). The caller serialises use (a socket's mu).
type slab struct {
	free []byte
}

// copy returns a copy of b whose capacity ends with it, so that appending to
// it cannot touch a neighbour.
func (sl *slab) copy(b []byte) []byte {
	n := len(b)
	if n > slabMax {
		return append([]byte(nil), b...)
	}
	if len(sl.free) < n {
		sl.free = make([]byte, slabSize)
	}
	c := sl.free[:n:n]
	sl.free = sl.free[n:]
	copy(c, b)
	return c
}
