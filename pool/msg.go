package pool

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
	// Pooled reports that the frame payloads came from Get and may be given
	// back with Release once the message has been written out.
	Pooled bool
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

// Append adds a frame at the end.
func (m *Msg) Append(b []byte) {
	if m.n < InlineFrames {
		m.inline[m.n] = b
	} else {
		m.extra = append(m.extra, b)
	}
	m.n++
}

// Prepend inserts a frame at the front (used for envelopes).
func (m *Msg) Prepend(b []byte) {
	if m.n >= InlineFrames {
		m.extra = append(m.extra, nil)
		copy(m.extra[1:], m.extra)
		m.extra[0] = m.inline[InlineFrames-1]
	}
	copy(m.inline[1:], m.inline[:InlineFrames-1])
	m.inline[0] = b
	m.n++
}

// PopFront removes and returns the first frame; it returns nil when empty.
func (m *Msg) PopFront() []byte {
	if m.n == 0 {
		return nil
	}
	f := m.inline[0]
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

// Release returns pooled payloads to the pool (when Pooled is set) and
// resets m to the empty message, keeping the spill storage for reuse.
func (m *Msg) Release() {
	if m.Pooled {
		for i := 0; i < m.n; i++ {
			Put(m.Frame(i))
		}
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
	m.Pooled = false
}
