package wire

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkEncode64B(b *testing.B) {
	m := msgOf(pattern(64, 0))
	e := NewEncoder()
	b.ReportAllocs()
	b.SetBytes(64)
	for i := 0; i < b.N; i++ {
		e.AppendMsg(m)
		if e.Len() >= 64<<10 {
			e.WriteTo(io.Discard)
		}
	}
	e.WriteTo(io.Discard)
}

func BenchmarkEncodeMultipart(b *testing.B) {
	m := msgOf([]byte("identity"), nil, pattern(64, 0))
	e := NewEncoder()
	b.ReportAllocs()
	b.SetBytes(int64(m.Size()))
	for i := 0; i < b.N; i++ {
		e.AppendMsg(m)
		if e.Len() >= 64<<10 {
			e.WriteTo(io.Discard)
		}
	}
	e.WriteTo(io.Discard)
}

func BenchmarkEncode1MiB(b *testing.B) {
	m := msgOf(pattern(1<<20, 0))
	e := NewEncoder()
	b.ReportAllocs()
	b.SetBytes(1 << 20)
	for i := 0; i < b.N; i++ {
		e.AppendMsg(m)
		e.WriteTo(io.Discard)
	}
}

func benchDecode(b *testing.B, size int) {
	frames := max(4, (4<<20)/size) // about 4 MiB of stream
	var stream []byte
	for i := 0; i < frames; i++ {
		stream = AppendFrameHeader(stream, 0, size)
		stream = append(stream, pattern(size, byte(i))...)
	}
	r := bytes.NewReader(stream)
	d := NewDecoder(r, -1)
	b.ReportAllocs()
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%frames == 0 {
			r.Reset(stream)
			d.Reset(r)
		}
		if _, err := d.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode64B(b *testing.B)  { benchDecode(b, 64) }
func BenchmarkDecode1KiB(b *testing.B) { benchDecode(b, 1024) }
func BenchmarkDecode1MiB(b *testing.B) { benchDecode(b, 1<<20) }
