package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

const (
	// DefaultChunkSize is the size of the read buffers a Decoder made by
	// NewDecoder slices frame bodies from.
	DefaultChunkSize = 64 << 10

	// MinChunkSize is the smallest chunk NewDecoderSize accepts; smaller
	// requests are rounded up.
	MinChunkSize = 16

	// largeInitial bounds the first allocation for a frame bigger than a
	// chunk: the rest is allocated as bytes actually arrive, so a forged
	// length costs the attacker as much bandwidth as it costs us memory.
	largeInitial = 1 << 20

	// maxReadSpace is the free space below which the decoder starts a new
	// chunk rather than issuing a small Read into the tail of the old one.
	maxReadSpace = 2 << 10

	// maxEmptyReads is how many (0, nil) results from Read are tolerated in
	// a row before giving up with io.ErrNoProgress.
	maxEmptyReads = 100
)

// Decoder reads ZMTP frames from an io.Reader without copying them.
//
// It reads into large chunks and hands out frame bodies as sub-slices of
// them. A chunk is never written to again once a body has been handed out
// of it: when a frame does not fit in what is left, the decoder moves to a
// fresh chunk and leaves the old one to the garbage collector, which frees
// it once the caller drops the last body pointing into it. Frames larger
// than a chunk get a buffer of their own, grown as their bytes arrive.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	r   io.Reader
	max int64 // largest body accepted; < 0 means no limit
	// shortMax is min(max, 255) (255 when unlimited), for the fast path.
	shortMax int
	chunk    int // size of each chunk

	buf  []byte // current chunk; bytes [rpos, wpos) are unconsumed
	rpos int
	wpos int
	lent bool // a body pointing into buf has been returned: never rewrite buf

	// A frame larger than a chunk, being assembled in its own buffer.
	inLarge    bool
	large      []byte // received body bytes; cap grows towards largeSize
	largeSize  int
	largeFlags byte

	err     error // protocol error: sticky
	readErr error // read error that arrived together with data: reported once
}

// NewDecoder returns a Decoder reading from r that refuses frames whose
// body exceeds maxFrameSize bytes; a negative maxFrameSize means no limit
// (libzmq's ZMQ_MAXMSGSIZE default of -1).
func NewDecoder(r io.Reader, maxFrameSize int64) *Decoder {
	return NewDecoderSize(r, maxFrameSize, DefaultChunkSize)
}

// NewDecoderSize is NewDecoder with a chosen chunk size (at least
// MinChunkSize). Frames whose header and body fit in a chunk are decoded
// without copying; larger ones are copied into a buffer of their own.
func NewDecoderSize(r io.Reader, maxFrameSize int64, chunkSize int) *Decoder {
	if chunkSize < MinChunkSize {
		chunkSize = MinChunkSize
	}
	d := &Decoder{r: r, chunk: chunkSize}
	d.SetMaxFrameSize(maxFrameSize)
	return d
}

// Reset makes d read from r as if newly created, keeping its limits.
// Bodies returned earlier stay valid.
func (d *Decoder) Reset(r io.Reader) {
	*d = Decoder{r: r, max: d.max, shortMax: d.shortMax, chunk: d.chunk}
}

// SetMaxFrameSize changes the body size limit for frames whose header has
// not yet been decoded; negative means no limit.
func (d *Decoder) SetMaxFrameSize(n int64) {
	d.max = n
	d.shortMax = MaxShortSize
	if n >= 0 && n < MaxShortSize {
		d.shortMax = int(n)
	}
}

// Buffered returns the bytes read from the reader but not yet consumed as
// frames (excluding a partly received frame larger than a chunk). The
// slice aliases the decoder's buffer and is valid until the next call.
func (d *Decoder) Buffered() []byte { return d.buf[d.rpos:d.wpos] }

// Ready reports whether Next can return without reading: a complete frame
// is buffered, or the buffered bytes already show a protocol error.
func (d *Decoder) Ready() bool {
	if d.err != nil {
		return true
	}
	if d.inLarge {
		return len(d.large) == d.largeSize
	}
	hdr, size, err := d.header()
	if err != nil {
		return true
	}
	return hdr != 0 && d.wpos-d.rpos-hdr >= size
}

// header decodes and validates the frame header at rpos. It returns hdr == 0
// when the header is not complete yet.
func (d *Decoder) header() (hdr, size int, err error) {
	b := d.buf[d.rpos:d.wpos]
	if len(b) < ShortHeaderSize {
		return 0, 0, nil
	}
	flags := b[0]
	if flags&^flagsValid != 0 {
		return 0, 0, malformed("reserved frame flag bits set (0x%02x)", flags)
	}
	if flags&(FlagCommand|FlagMore) == FlagCommand|FlagMore {
		return 0, 0, malformed("command frame with MORE flag")
	}
	var n uint64
	if flags&FlagLong == 0 {
		hdr, n = ShortHeaderSize, uint64(b[1])
	} else {
		if len(b) < LongHeaderSize {
			return 0, 0, nil
		}
		hdr, n = LongHeaderSize, binary.BigEndian.Uint64(b[1:LongHeaderSize])
	}
	if n > math.MaxInt64 || n > math.MaxInt || (d.max >= 0 && n > uint64(d.max)) {
		return 0, 0, fmt.Errorf("%w: %d bytes (limit %d)", ErrFrameTooLarge, n, d.max)
	}
	return hdr, int(n), nil
}

// Next returns the next frame. It calls Read only when no complete frame is
// buffered. At a clean end of stream between frames it returns io.EOF; if
// the stream ends inside a frame it returns io.ErrUnexpectedEOF. Protocol
// errors (ErrMalformed, ErrFrameTooLarge) are reported as soon as the
// offending header is read and are permanent; read errors are returned
// once, and a later call resumes where the stream left off.
func (d *Decoder) Next() (Frame, error) {
	// Fast path: a short frame (message, or command as under CURVE) that is
	// already buffered. While a large frame is in progress, or after a
	// protocol error, nothing is buffered, so it never applies then.
	if b := d.buf[d.rpos:d.wpos]; len(b) > 1 && (b[0] <= FlagMore || b[0] == FlagCommand) {
		if n := int(b[1]); n <= d.shortMax && n < len(b)-1 {
			d.rpos += ShortHeaderSize + n
			d.lent = true
			return Frame{Flags: b[0], Body: b[ShortHeaderSize : ShortHeaderSize+n : ShortHeaderSize+n]}, nil
		}
	}
	return d.next()
}

func (d *Decoder) next() (Frame, error) {
	for {
		if d.err != nil {
			return Frame{}, d.err
		}
		if d.inLarge {
			if len(d.large) == d.largeSize {
				f := Frame{Flags: d.largeFlags, Body: d.large}
				d.inLarge, d.large = false, nil
				return f, nil
			}
			if err := d.readLarge(); err != nil {
				return Frame{}, d.eofInFrame(err)
			}
			continue
		}
		hdr, size, err := d.header()
		if err != nil {
			d.err = err
			d.wpos = d.rpos // the rest of the stream is meaningless
			return Frame{}, err
		}
		need := LongHeaderSize // enough for any header
		if hdr != 0 {
			start := d.rpos + hdr
			if d.wpos-start >= size {
				end := start + size
				flags := d.buf[d.rpos]
				d.rpos = end
				d.lent = true
				return Frame{Flags: flags, Body: d.buf[start:end:end]}, nil
			}
			if size > d.chunk-hdr {
				d.startLarge(hdr, size)
				continue
			}
			need = hdr + size
		}
		if err := d.fill(need); err != nil {
			if err == io.EOF && d.rpos == d.wpos {
				return Frame{}, io.EOF
			}
			return Frame{}, d.eofInFrame(err)
		}
	}
}

func (d *Decoder) eofInFrame(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// fill reads once into the current chunk, first moving to a fresh chunk if
// the unconsumed bytes plus need would not fit or the free tail is small.
func (d *Decoder) fill(need int) error {
	if d.readErr != nil {
		err := d.readErr
		d.readErr = nil
		return err
	}
	if len(d.buf)-d.rpos < need || len(d.buf)-d.wpos < min(maxReadSpace, d.chunk/4) {
		if d.lent || d.buf == nil {
			nb := make([]byte, d.chunk)
			d.wpos = copy(nb, d.buf[d.rpos:d.wpos])
			d.buf, d.rpos, d.lent = nb, 0, false
		} else {
			// Nothing was handed out of this chunk (only frames too large
			// for it passed through): reuse it.
			d.wpos = copy(d.buf, d.buf[d.rpos:d.wpos])
			d.rpos = 0
		}
	}
	for i := 0; i < maxEmptyReads; i++ {
		n, err := d.r.Read(d.buf[d.wpos:])
		d.wpos += n
		if n > 0 {
			d.readErr = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// startLarge moves the frame at rpos, whose body is bigger than a chunk,
// into a buffer of its own sized by what has arrived rather than by what
// the header claims.
func (d *Decoder) startLarge(hdr, size int) {
	d.largeFlags = d.buf[d.rpos]
	have := d.buf[d.rpos+hdr : d.wpos]
	d.large = make([]byte, len(have), min(size, max(largeInitial, len(have))))
	copy(d.large, have)
	d.largeSize = size
	d.inLarge = true
	d.rpos = d.wpos
}

// readLarge reads more of the large frame straight into its buffer,
// doubling the buffer (up to the frame size) when it is full.
func (d *Decoder) readLarge() error {
	if d.readErr != nil {
		err := d.readErr
		d.readErr = nil
		return err
	}
	if len(d.large) == cap(d.large) {
		nb := make([]byte, len(d.large), min(d.largeSize, 2*cap(d.large)))
		copy(nb, d.large)
		d.large = nb
	}
	for i := 0; i < maxEmptyReads; i++ {
		n, err := d.r.Read(d.large[len(d.large):cap(d.large)])
		d.large = d.large[:len(d.large)+n]
		if n > 0 {
			d.readErr = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// IsProtocolError reports whether err is one of the decoder's permanent
// protocol errors (malformed stream or oversized frame), as opposed to an
// I/O error.
func IsProtocolError(err error) bool {
	return errors.Is(err, ErrMalformed) || errors.Is(err, ErrFrameTooLarge)
}
