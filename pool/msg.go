package pool

import "math/bits"

// InlineFrames is how many frames a Msg stores without allocating.
const InlineFrames = 4

// Msg is one multipart message: an ordered list of frames. The first
// InlineFrames frame headers are stored inside the struct (a "small vector"),
// so a message of up to four frames costs no allocation beyond its payloads.
// The zero Msg is an empty message, ready to use.
type Msg struct {
	n      int
	inline [InlineFrames][]byte
	extra  [][]byte
	// pooled has bit i set when frame i came from Get and may be given back
	// by Release. Frames past the 64th are never given back.
	pooled uint64
	// Meta, when set by the receiving side, describes the connection the
	// message came in on (its metadata properties). The pool and the codec
	// never look at it.
	Meta any
}

// Len returns the number of frames.
func (m *Msg) Len() int { return m.n }

// Frame returns frame i (0 <= i < Len).
func (m *Msg) Frame(i int) []byte {
	if i < InlineFrames {
		return m.inline[i]
	}
	return m.extra[i-InlineFrames]
}

// SetFrame replaces frame i (0 <= i < Len).
func (m *Msg) SetFrame(i int, b []byte) {
	if i < InlineFrames {
		m.inline[i] = b
		return
	}
	m.extra[i-InlineFrames] = b
}

// AppendPooled adds a frame obtained from Get at the end; Release gives it
// back to the pool.
func (m *Msg) AppendPooled(b []byte) {
	if m.n < 64 {
		m.pooled |= 1 << m.n
	}
	m.Append(b)
}

// Append adds a frame at the end.
func (m *Msg) Append(b []byte) {
	if m.n < InlineFrames {
		m.inline[m.n] = b
	} else {
		m.extra = append(m.extra, b)
	}
	m.n++
}

// PrependPooled inserts a frame obtained from Get at the front.
func (m *Msg) PrependPooled(b []byte) {
	m.Prepend(b)
	m.pooled |= 1
}

// Prepend inserts a frame at the front (used for envelopes).
func (m *Msg) Prepend(b []byte) {
	m.pooled <<= 1
	if m.n >= InlineFrames {
		m.extra = append(m.extra, nil)
		copy(m.extra[1:], m.extra)
		m.extra[0] = m.inline[InlineFrames-1]
	}
	copy(m.inline[1:], m.inline[:InlineFrames-1])
	m.inline[0] = b
	m.n++
}

// FramePooled reports whether frame i came from the pool, so that whoever
// takes it out with PopFront knows it may give it back with Put.
func (m *Msg) FramePooled(i int) bool { return i < 64 && m.pooled&(1<<i) != 0 }

// PopFront removes and returns the first frame; it returns nil when empty.
func (m *Msg) PopFront() []byte {
	if m.n == 0 {
		return nil
	}
	f := m.inline[0]
	m.pooled >>= 1
	copy(m.inline[:], m.inline[1:])
	if len(m.extra) > 0 {
		m.inline[InlineFrames-1] = m.extra[0]
		copy(m.extra, m.extra[1:])
		m.extra[len(m.extra)-1] = nil
		m.extra = m.extra[:len(m.extra)-1]
	} else {
		m.inline[InlineFrames-1] = nil
	}
	m.n--
	return f
}

// DropLast removes the last frame, giving it back to the pool if it came
// from there.
func (m *Msg) DropLast() {
	if m.n == 0 {
		return
	}
	i := m.n - 1
	if m.FramePooled(i) {
		Put(m.Frame(i))
		m.pooled &^= 1 << i
	}
	m.SetFrame(i, nil)
	if i >= InlineFrames {
		m.extra = m.extra[:len(m.extra)-1]
	}
	m.n--
}

// KeepLast cuts m down to its last frame, giving the others back to the
// pool if they came from there. Meta is kept.
func (m *Msg) KeepLast() {
	n := m.n
	if n <= 1 {
		return
	}
	last, pooled := m.Frame(n-1), m.FramePooled(n-1)
	for mask := m.pooled &^ (1 << (n - 1)); mask != 0; mask &= mask - 1 {
		Put(m.Frame(bits.TrailingZeros64(mask)))
	}
	meta := m.Meta
	m.Reset()
	m.Meta = meta
	if pooled {
		m.AppendPooled(last)
	} else {
		m.Append(last)
	}
}

// Frames returns the frames as a new slice.
func (m *Msg) Frames() [][]byte {
	out := make([][]byte, m.n)
	for i := range out {
		out[i] = m.Frame(i)
	}
	return out
}

// Size returns the total payload size in bytes.
func (m *Msg) Size() int {
	s := 0
	for i := 0; i < m.n; i++ {
		s += len(m.Frame(i))
	}
	return s
}

// Release gives the frames added with AppendPooled or PrependPooled back to
// the pool and resets m to the empty message.
func (m *Msg) Release() {
	for mask := m.pooled; mask != 0; mask &= mask - 1 {
		Put(m.Frame(bits.TrailingZeros64(mask)))
	}
	m.Reset()
}

// Reset empties m without touching the payloads.
func (m *Msg) Reset() {
	m.inline = [InlineFrames][]byte{}
	for i := range m.extra {
		m.extra[i] = nil
	}
	m.extra = m.extra[:0]
	m.n = 0
	m.pooled = 0
	m.Meta = nil
}
