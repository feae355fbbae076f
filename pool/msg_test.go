package pool

import (
	"bytes"
	"fmt"
	"testing"
)

func TestMsgAppendPrependPop(t *testing.T) {
	for n := 0; n <= 9; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var m Msg
			for i := 0; i < n; i++ {
				m.Append([]byte{byte(i)})
			}
			m.Prepend([]byte("id"))
			if m.Len() != n+1 {
				t.Fatalf("len %d, want %d", m.Len(), n+1)
			}
			if !bytes.Equal(m.Frame(0), []byte("id")) {
				t.Fatalf("frame 0 = %q", m.Frame(0))
			}
			for i := 0; i < n; i++ {
				if got := m.Frame(i + 1); len(got) != 1 || got[0] != byte(i) {
					t.Fatalf("frame %d = %v", i+1, got)
				}
			}
			if f := m.PopFront(); string(f) != "id" {
				t.Fatalf("pop = %q", f)
			}
			for i := 0; i < n; i++ {
				if f := m.PopFront(); len(f) != 1 || f[0] != byte(i) {
					t.Fatalf("pop %d = %v", i, f)
				}
			}
			if m.Len() != 0 || m.PopFront() != nil {
				t.Fatal("not empty")
			}
		})
	}
}

func TestGetPutClasses(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 1000, 65536, 65537} {
		b := Get(n)
		if len(b) != n {
			t.Fatalf("Get(%d) len %d", n, len(b))
		}
		Put(b)
	}
}

func TestMsgNoAllocSmall(t *testing.T) {
	var m Msg
	f := []byte("x")
	allocs := testing.AllocsPerRun(100, func() {
		m.Append(f)
		m.Append(f)
		m.Prepend(f)
		m.PopFront()
		m.Reset()
	})
	if allocs != 0 {
		t.Fatalf("allocs = %v", allocs)
	}
}

func BenchmarkGetPut64(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Put(Get(64))
	}
}

func TestGetPutNoAlloc(t *testing.T) {
	Put(Get(100))
	allocs := testing.AllocsPerRun(1000, func() { Put(Get(100)) })
	if allocs != 0 {
		t.Fatalf("allocs = %v", allocs)
	}
}

func TestPooledBitsFollowFrames(t *testing.T) {
	var m Msg
	m.Append([]byte("wire")) // not pooled
	m.AppendPooled(Get(10))  // pooled
	m.Prepend([]byte("env")) // not pooled
	m.PrependPooled(Get(3))  // pooled
	want := []bool{true, false, false, true}
	for i, w := range want {
		if m.FramePooled(i) != w {
			t.Fatalf("frame %d pooled = %v, want %v", i, !w, w)
		}
	}
	m.PopFront()
	want = want[1:]
	for i, w := range want {
		if m.FramePooled(i) != w {
			t.Fatalf("after pop, frame %d pooled = %v, want %v", i, !w, w)
		}
	}
	m.DropLast()
	if m.Len() != 2 || m.FramePooled(0) || m.FramePooled(1) {
		t.Fatalf("after DropLast: len %d", m.Len())
	}
	m.Release()
	if m.Len() != 0 {
		t.Fatal("Release did not reset")
	}
}

func TestMsgKeepLast(t *testing.T) {
	cases := []struct {
		name   string
		frames []string
		pooled []bool
	}{
		{"empty", nil, nil},
		{"one", []string{"a"}, []bool{true}},
		{"last pooled", []string{"a", "b", "c"}, []bool{true, false, true}},
		{"last not pooled", []string{"a", "b"}, []bool{true, false}},
		{"many", []string{"0", "1", "2", "3", "4", "5", "6"}, []bool{true, true, false, true, false, true, true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m Msg
			for i, f := range tc.frames {
				if tc.pooled[i] {
					m.AppendPooled(Clone([]byte(f)))
				} else {
					m.Append([]byte(f))
				}
			}
			m.Meta = "meta"
			m.KeepLast()
			n := len(tc.frames)
			if n == 0 {
				if m.Len() != 0 {
					t.Fatalf("len %d, want 0", m.Len())
				}
				return
			}
			if m.Len() != 1 || string(m.Frame(0)) != tc.frames[n-1] {
				t.Fatalf("got %q, want [%q]", m.Frames(), tc.frames[n-1])
			}
			if m.FramePooled(0) != tc.pooled[n-1] {
				t.Fatalf("pooled = %v, want %v", m.FramePooled(0), tc.pooled[n-1])
			}
			if m.Meta != "meta" {
				t.Fatalf("Meta lost: %v", m.Meta)
			}
			m.Release()
		})
	}
}
