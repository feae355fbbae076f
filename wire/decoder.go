package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/monocoque-go/monocoque/pool"
)

const (
	// DefaultChunkSize is the size of the read buffer of a Decoder made by
	// NewDecoder.
	DefaultChunkSize = 64 << 10

	// MinChunkSize is the smallest read buffer NewDecoderSize accepts;
	// smaller requests are rounded up.
	MinChunkSize = 16

	// DirectMin is the body size from which a frame that has not fully
	// arrived is read straight into a buffer of its own instead of through
	// the read buffer. Smaller bodies are copied out of the read buffer.
	DirectMin = 16 << 10

	// largeMin is the smallest first allocation for a body read into its
	// own buffer (unless the body is smaller). The buffer starts at what has
	// arrived (at least largeMin) and doubles, up to the declared size, only
	// when full: a forged length costs the attacker as much bandwidth as it
	// costs us memory.
	largeMin = 8 << 10

	// maxBody is the largest body length any header may declare, whatever
	// the limit set with SetMaxFrameSize: 64 TiB on 64-bit platforms and
	// math.MaxInt32 on 32-bit ones, beyond what could ever be allocated.
	// A longer declaration is refused at the header with ErrFrameTooLarge.
	maxBody = is64<<46 | (1-is64)*math.MaxInt32
	is64    = uint64(^uint(0) >> 63)

	// maxReadSpace is the free space below which the decoder moves the
	// unconsumed bytes to the front of its buffer rather than issuing a
	// small Read into the tail.
	maxReadSpace = 2 << 10

	// maxEmptyReads is how many (0, nil) results from Read are tolerated in
	// a row before giving up with io.ErrNoProgress.
	maxEmptyReads = 100
)

// Decoder reads ZMTP frames from an io.Reader.
//
// Every body it returns belongs to the caller: it never aliases the
// decoder's read buffer, and the decoder never touches it again. Bodies
// that have fully arrived are copied out of the read buffer into an
// allocation of exactly their size (an empty body costs nothing); a body of
// DirectMin bytes or more, or larger than the read buffer, that is still
// arriving is read straight into a buffer of its own, which starts at the
// size of what has arrived (at least 8 KiB) and doubles, up to the declared
// size, only as bytes keep coming. Keeping one small frame therefore never
// pins a large buffer, and a peer that declares a huge frame costs only
// what it actually sends.
//
// The read buffer is reused for every read and taken from the pool package
// (pool.Get); Release gives it back while nothing is buffered, and with a
// waiter (SetWaiter) the decoder does so itself before every wait, so an
// idle connection holds no read buffer.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	r   io.Reader
	max int64 // largest body accepted; < 0 means no limit
	// shortMax is min(max, 255) (255 when unlimited), for the fast path.
	shortMax int
	chunk    int          // size of the read buffer (its largest, when adaptive)
	wait     func() error // see SetWaiter; nil when not set
	// size is the read buffer size to take next: chunk, or with
	// SetAdaptive a size between minSize and chunk that follows the reads.
	size    int
	minSize int

	buf  []byte // read buffer from pool.Get, or nil; bytes [rpos, wpos) are unconsumed
	rpos int
	wpos int

	// A frame whose body is being read into its own buffer.
	largest    int // the largest such frame that arrived whole
	inLarge    bool
	large      []byte // received body bytes; cap grows towards largeSize
	largeSize  int
	largeFlags byte

	err     error // protocol error: sticky
	readErr error // read error that arrived together with data: reported once
}

// NewDecoder returns a Decoder reading from r that refuses frames whose
// body exceeds maxFrameSize bytes; a negative maxFrameSize means no limit
// (libzmq's ZMQ_MAXMSGSIZE default of -1) other than the 64 TiB (2 GiB on
// 32-bit platforms) no allocation could reach.
func NewDecoder(r io.Reader, maxFrameSize int64) *Decoder {
	return NewDecoderSize(r, maxFrameSize, DefaultChunkSize)
}

// NewDecoderSize is NewDecoder with a chosen read buffer size (at least
// MinChunkSize). Frames whose header and body fit in it are read through it
// and copied out; larger ones are read into a buffer of their own. Sizes
// above pool.MaxPooled are not pooled, so each buffer taken again after
// Release (or a wait) is a fresh allocation.
func NewDecoderSize(r io.Reader, maxFrameSize int64, chunkSize int) *Decoder {
	if chunkSize < MinChunkSize {
		chunkSize = MinChunkSize
	}
	d := &Decoder{r: r, chunk: chunkSize, size: chunkSize}
	d.SetMaxFrameSize(maxFrameSize)
	return d
}

// SetAdaptive makes the read buffer follow the traffic: it starts at
// smallest bytes (at least MinChunkSize, at most the decoder's size), doubles each
// time a read fills it, up to the size the decoder was made with, and
// starts small again whenever it is given back (Release, or a wait). A
// connection carrying small messages then holds a small buffer, while a
// busy stream soon reads in large ones. Call it before the first read.
func (d *Decoder) SetAdaptive(smallest int) {
	d.minSize = max(MinChunkSize, min(smallest, d.chunk))
	d.size = d.minSize
}

// Reset makes d read from r as if newly created, keeping its limits and its
// read buffer but not its waiter, which belonged to the old reader. Bodies
// returned earlier are unaffected.
func (d *Decoder) Reset(r io.Reader) {
	*d = Decoder{r: r, max: d.max, shortMax: d.shortMax, chunk: d.chunk, buf: d.buf, size: d.size, minSize: d.minSize}
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

// SetWaiter makes the decoder wait with w, holding no read buffer, whenever
// it must read while nothing at all is buffered (no unconsumed bytes, no
// frame in progress): it first gives its read buffer back to the pool, as
// Release does, then calls w, which must block until the reader has data to
// read (or the stream has ended; the caller implements it, for example with
// a poll or a MSG_PEEK read on the connection). When w returns nil the
// decoder takes a read buffer again and reads as usual.
//
// If w returns an error, Next returns it unchanged, and the next call of
// Next calls w again. Nothing is buffered then, so the error falls between
// frames: io.EOF means a clean end of stream, exactly as from Read. A nil w
// removes the waiter: the read buffer is then held while reading.
//
// With a waiter, the read buffer also goes back to the pool when a read
// with nothing buffered fails, and when a frame starts being read into a
// buffer of its own (its bytes so far move there). Only a partly received
// frame read through the read buffer (a body smaller than DirectMin) keeps
// the read buffer while Read blocks.
func (d *Decoder) SetWaiter(w func() error) { d.wait = w }

// Release gives the read buffer back to the pool if nothing unconsumed is
// buffered (no complete or partial frame, no frame in progress in a buffer
// of its own) and reports whether the decoder is in that state; the next
// read takes a buffer again. It returns false, and keeps everything, when
// bytes are buffered. It may be called at any time, for example when the
// caller is about to wait for input by other means.
func (d *Decoder) Release() bool {
	if d.rpos != d.wpos || d.inLarge {
		return false
	}
	d.putBuf()
	return true
}

// putBuf gives the read buffer back; nothing may be buffered in it. An
// adaptive decoder starts small again.
func (d *Decoder) putBuf() {
	if d.buf != nil {
		pool.Put(d.buf)
		d.buf = nil
	}
	if d.minSize > 0 {
		d.size = d.minSize
	}
	d.rpos, d.wpos = 0, 0
}

// Buffered returns the bytes read from the reader but not yet consumed as
// frames (excluding a partly received frame being read into a buffer of its
// own). The slice aliases the decoder's read buffer and is valid only until
// the next call of any of d's methods.
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
	if n > maxBody || (d.max >= 0 && n > uint64(d.max)) {
		limit := uint64(maxBody)
		if d.max >= 0 && uint64(d.max) < limit {
			limit = uint64(d.max)
		}
		return 0, 0, fmt.Errorf("%w: %d bytes (limit %d)", ErrFrameTooLarge, n, limit)
	}
	return hdr, int(n), nil
}

// Next returns the next frame; its body is the caller's (see Decoder). It
// calls Read only when no complete frame is buffered. At a clean end of
// stream between frames it returns io.EOF; if the stream ends inside a
// frame it returns io.ErrUnexpectedEOF. Protocol errors (ErrMalformed,
// ErrFrameTooLarge) are reported as soon as the offending header is read
// and are permanent; read errors, and errors from the waiter, are returned
// once, and a later call resumes where the stream left off.
func (d *Decoder) Next() (Frame, error) {
	// Fast path: a short frame (message, or command as under CURVE) that is
	// already buffered. While a large frame is in progress, or after a
	// protocol error, nothing is buffered, so it never applies then.
	if b := d.buf[d.rpos:d.wpos]; len(b) > 1 && (b[0] <= FlagMore || b[0] == FlagCommand) {
		if n := int(b[1]); n <= d.shortMax && n < len(b)-1 {
			d.rpos += ShortHeaderSize + n
			// In this form (names only) the compiler turns make+copy into
			// one allocation without zeroing; n == 0 allocates nothing.
			src := b[ShortHeaderSize : ShortHeaderSize+n]
			body := make([]byte, len(src))
			copy(body, src)
			return Frame{Flags: b[0], Body: body}, nil
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
				d.largest = max(d.largest, d.largeSize)
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
				src := d.buf[start:end]
				body := make([]byte, len(src))
				copy(body, src)
				return Frame{Flags: flags, Body: body}, nil
			}
			if size >= DirectMin || size > d.chunk-hdr {
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

// fill reads once into the read buffer, so that at least need bytes from
// rpos fit in it. With nothing buffered it first waits, holding no buffer,
// if there is a waiter; otherwise it moves the unconsumed bytes to the
// front when need would not fit or the free tail is small.
func (d *Decoder) fill(need int) error {
	if d.readErr != nil {
		err := d.readErr
		d.readErr = nil
		return err
	}
	if d.rpos == d.wpos {
		d.rpos, d.wpos = 0, 0
		if d.wait != nil {
			d.putBuf()
			if err := d.wait(); err != nil {
				return err
			}
		} else if d.buf != nil && len(d.buf) != d.size {
			// An adaptive buffer grew: take one of the new size.
			pool.Put(d.buf)
			d.buf = nil
		}
	} else if len(d.buf)-d.rpos < need || len(d.buf)-d.wpos < min(maxReadSpace, len(d.buf)/4) {
		if len(d.buf) < need || len(d.buf) < d.size {
			// An adaptive buffer that grew, or too small for this frame:
			// move to one of the new size.
			d.size = max(d.size, need)
			nb := pool.Get(d.size)
			d.wpos = copy(nb, d.buf[d.rpos:d.wpos])
			pool.Put(d.buf)
			d.buf, d.rpos = nb, 0
		} else {
			d.wpos = copy(d.buf, d.buf[d.rpos:d.wpos])
			d.rpos = 0
		}
	}
	if d.buf == nil {
		d.buf = pool.Get(d.size)
	}
	err := io.ErrNoProgress
	for i := 0; i < maxEmptyReads; i++ {
		free := len(d.buf) - d.wpos
		n, rerr := d.r.Read(d.buf[d.wpos:])
		d.wpos += n
		if n > 0 {
			if n == free && d.size < d.chunk {
				d.size = min(2*d.size, d.chunk) // full: read more at a time
			}
			d.readErr = rerr
			return nil
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	if d.wait != nil && d.rpos == d.wpos {
		d.putBuf() // nothing came: hold no buffer until the next wait
	}
	return err
}

// startLarge moves the frame at rpos, whose body is to be read into a
// buffer of its own, out of the read buffer, into a buffer sized by what
// has arrived rather than by what the header claims.
func (d *Decoder) startLarge(hdr, size int) {
	d.largeFlags = d.buf[d.rpos]
	have := d.buf[d.rpos+hdr : d.wpos]
	// Room for as much again as has arrived, or for as much as the
	// largest frame this peer really sent: a real frame gets its whole
	// buffer at once, while a forged length still costs at most twice what
	// was sent (or what the peer sent before).
	d.large = make([]byte, len(have), min(size, max(largeMin, 2*len(have), d.largest)))
	copy(d.large, have)
	d.largeSize = size
	d.inLarge = true
	d.rpos, d.wpos = 0, 0 // the frame was all that was buffered
	d.putBuf()            // not needed until the frame is complete
}

// readLarge reads more of the large frame straight into its buffer, first
// doubling the buffer (up to the frame size) if it is full: the buffer
// never exceeds twice what has arrived plus largeMin (or the largest
// frame the peer sent whole before).
func (d *Decoder) readLarge() error {
	if d.readErr != nil {
		err := d.readErr
		d.readErr = nil
		return err
	}
	if c := cap(d.large); len(d.large) == c {
		grow := d.largeSize - c
		if c < grow {
			// Double, rounded up to a multiple of largeMin as the
			// allocator would round it anyway (computed so as not to
			// overflow).
			grow = min(grow, c+(largeMin-2*c%largeMin)%largeMin)
		}
		nb := make([]byte, len(d.large), c+grow)
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
