package wire

import (
	"encoding/binary"
	"io"
	"net"

	"github.com/monocoque-go/monocoque/pool"
)

const (
	// CopyThreshold is the body size from which the Encoder stops copying
	// a body into its buffer and writes it from the caller's memory with
	// vectored I/O instead.
	CopyThreshold = 8 << 10

	// maxRetainedBuffer is the largest buffer capacity Reset keeps for reuse.
	maxRetainedBuffer = 4 << 20

	// minEncoderBuffer is the smallest buffer the Encoder takes.
	minEncoderBuffer = 4 << 10
)

// Encoder batches frames for one write. Headers and small bodies are
// copied into a contiguous buffer; bodies of CopyThreshold bytes or more
// are kept by reference and written with vectored I/O (net.Buffers, which
// becomes writev on TCP and Unix connections). The caller must keep
// referenced bodies unchanged until WriteTo or Reset returns.
//
// The buffer comes from the pool package (pool.Get) and grows through it;
// Release gives it back while nothing is pending, so that an idle
// connection holds none. In steady state an Encoder does not allocate,
// whether it keeps its buffer or releases it between batches. It is not
// safe for concurrent use.
type Encoder struct {
	buf  []byte   // headers and copied bodies; from pool.Get, or nil
	segs [][]byte // with referenced bodies pending: slices of buf and bodies, in order
	mark int      // buf[mark:] is not yet in segs
	refd int      // bytes pending in referenced bodies
	nb   net.Buffers
	// hint is the capacity of the buffer last released, for the next one.
	hint int
}

// NewEncoder returns an empty Encoder.
func NewEncoder() *Encoder { return &Encoder{} }

// Len returns the number of bytes pending.
func (e *Encoder) Len() int { return len(e.buf) + e.refd }

// Release gives the buffer back to the pool if nothing is pending
// (Len() == 0); otherwise it does nothing. The next append takes a buffer
// of the same size again.
func (e *Encoder) Release() {
	if e.Len() != 0 || e.buf == nil {
		return
	}
	e.hint = min(cap(e.buf), pool.MaxPooled)
	pool.Put(e.buf)
	e.buf = nil
	e.mark = 0
}

// Reset drops everything pending, keeping the buffers for reuse (unless
// they have grown unusually large).
func (e *Encoder) Reset() {
	if cap(e.buf) > maxRetainedBuffer {
		e.buf = nil
	} else {
		e.buf = e.buf[:0]
	}
	clear(e.segs)
	e.segs = e.segs[:0]
	e.mark, e.refd = 0, 0
}

// AppendMsg appends every frame of m, with FlagMore on all but the last.
// An empty message appends nothing: ZMTP cannot express it.
func (e *Encoder) AppendMsg(m *pool.Msg) {
	n := m.Len()
	if n == 1 {
		e.appendFrame(0, m.Frame(0))
		return
	}
	for i := 0; i < n-1; i++ {
		e.appendFrame(FlagMore, m.Frame(i))
	}
	if n > 0 {
		e.appendFrame(0, m.Frame(n-1))
	}
}

// AppendFrame appends one frame. Only FlagMore and FlagCommand are taken
// from flags; FlagLong is set as the body size requires.
func (e *Encoder) AppendFrame(flags byte, body []byte) {
	e.appendFrame(flags&(FlagMore|FlagCommand), body)
}

// AppendCommand appends a command frame whose body is the name (1 to 255
// bytes) followed by data.
func (e *Encoder) AppendCommand(name string, data []byte) {
	size := 1 + len(name) + len(data)
	copied := LongHeaderSize + 1 + len(name)
	if len(data) < CopyThreshold {
		copied += len(data)
	}
	e.room(copied)
	e.buf = AppendFrameHeader(e.buf, FlagCommand, size)
	e.buf = append(e.buf, byte(len(name)))
	e.buf = append(e.buf, name...)
	if len(data) < CopyThreshold {
		e.buf = append(e.buf, data...)
		return
	}
	e.reference(data)
}

// AppendRaw appends bytes with no framing at all, for connections that
// carry a raw byte stream (STREAM sockets): copied when small, referenced
// from CopyThreshold bytes on, like frame bodies.
func (e *Encoder) AppendRaw(b []byte) {
	if len(b) >= CopyThreshold {
		e.reference(b)
		return
	}
	e.room(len(b))
	e.buf = append(e.buf, b...)
}

func (e *Encoder) appendFrame(flags byte, body []byte) {
	n := len(body)
	l := len(e.buf)
	if n <= MaxShortSize {
		if cap(e.buf)-l < ShortHeaderSize+n {
			e.grow(ShortHeaderSize + n)
		}
		b := e.buf[:l+ShortHeaderSize+n]
		b[l] = flags
		b[l+1] = byte(n)
		copy(b[l+ShortHeaderSize:], body)
		e.buf = b
		return
	}
	if n < CopyThreshold {
		if cap(e.buf)-l < LongHeaderSize+n {
			e.grow(LongHeaderSize + n)
		}
		b := e.buf[:l+LongHeaderSize+n]
		b[l] = flags | FlagLong
		binary.BigEndian.PutUint64(b[l+1:], uint64(n))
		copy(b[l+LongHeaderSize:], body)
		e.buf = b
		return
	}
	e.room(LongHeaderSize)
	e.buf = AppendFrameHeader(e.buf, flags, n)
	e.reference(body)
}

// reference queues body to be written from the caller's memory after what
// is already in buf.
func (e *Encoder) reference(body []byte) {
	if e.mark < len(e.buf) {
		e.segs = append(e.segs, e.buf[e.mark:])
		e.mark = len(e.buf)
	}
	e.segs = append(e.segs, body)
	e.refd += len(body)
}

// room makes sure n more bytes fit in buf without append reallocating it.
func (e *Encoder) room(n int) {
	if cap(e.buf)-len(e.buf) < n {
		e.grow(n)
	}
}

// grow replaces buf by a pooled buffer with room for at least n more bytes.
// The old buffer goes back to the pool unless segs still points into it.
func (e *Encoder) grow(n int) {
	c := max(2*cap(e.buf), minEncoderBuffer, e.hint, len(e.buf)+n)
	nb := pool.Get(c)[:len(e.buf)]
	copy(nb, e.buf)
	if len(e.segs) == 0 && e.buf != nil {
		pool.Put(e.buf)
	}
	e.buf = nb
}

// Flat returns the pending bytes when they are all in the buffer (no body
// is referenced), for a caller that writes them itself; ok is false
// otherwise. The bytes stay pending until Discard or Reset.
func (e *Encoder) Flat() (b []byte, ok bool) {
	if len(e.segs) != 0 {
		return nil, false
	}
	return e.buf, true
}

// Discard drops the first n pending bytes of a flat Encoder (see Flat):
// they were written. Discarding everything resets it.
func (e *Encoder) Discard(n int) {
	if len(e.segs) != 0 || n < 0 || n > len(e.buf) {
		panic("wire: Discard beyond the flat pending bytes")
	}
	if n == len(e.buf) {
		e.Reset()
		return
	}
	k := copy(e.buf, e.buf[n:])
	e.buf = e.buf[:k]
}

// WriteTo writes everything pending to w, with a single Write when no body
// is referenced and with net.Buffers (one writev on most connections)
// otherwise. The Encoder is reset afterwards, even on error: a failed
// write leaves the stream in an unknown state, so the connection should
// be dropped.
func (e *Encoder) WriteTo(w io.Writer) (int64, error) {
	if len(e.segs) == 0 {
		if len(e.buf) == 0 {
			return 0, nil
		}
		n, err := w.Write(e.buf)
		if err == nil && n < len(e.buf) {
			err = io.ErrShortWrite
		}
		e.Reset()
		return int64(n), err
	}
	if e.mark < len(e.buf) {
		e.segs = append(e.segs, e.buf[e.mark:])
	}
	e.nb = e.segs
	n, err := e.nb.WriteTo(w)
	e.nb = nil
	e.Reset()
	return n, err
}
