package core

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// trieOp is one step of a table-driven trie test.
type trieOp struct {
	rm    bool
	topic string
	who   int // index into the test's subscribers; 0 is nil
	// expected results
	count, holders int
	found          bool // rm only
}

func TestTrieAddRm(t *testing.T) {
	tests := []struct {
		name string
		ops  []trieOp
	}{
		{"single", []trieOp{
			{topic: "abc", who: 1, count: 1, holders: 1},
			{rm: true, topic: "abc", who: 1, found: true},
		}},
		{"duplicate counts", []trieOp{
			{topic: "a", count: 1, holders: 1},
			{topic: "a", count: 2, holders: 1},
			{rm: true, topic: "a", found: true, count: 1, holders: 1},
			{rm: true, topic: "a", found: true},
			{rm: true, topic: "a"},
		}},
		{"holders", []trieOp{
			{topic: "x", who: 1, count: 1, holders: 1},
			{topic: "x", who: 2, count: 1, holders: 2},
			{rm: true, topic: "x", who: 1, found: true, holders: 1},
			{rm: true, topic: "x", who: 1, holders: 1},
			{rm: true, topic: "x", who: 2, found: true},
		}},
		{"empty topic", []trieOp{
			{topic: "", who: 1, count: 1, holders: 1},
			{topic: "a", who: 1, count: 1, holders: 1},
			{rm: true, topic: "", who: 1, found: true},
			{topic: "", who: 2, count: 1, holders: 1},
		}},
		{"split and merge", []trieOp{
			{topic: "abcdef", who: 1, count: 1, holders: 1},
			{topic: "abcxyz", who: 1, count: 1, holders: 1},
			{topic: "abc", who: 1, count: 1, holders: 1},
			{topic: "ab", who: 2, count: 1, holders: 1},
			{rm: true, topic: "abc", who: 1, found: true},
			{rm: true, topic: "abcd", who: 1},
			{rm: true, topic: "abcdef", who: 1, found: true},
			{topic: "abcdef", who: 2, count: 1, holders: 1},
			{rm: true, topic: "ab", who: 2, found: true},
			{rm: true, topic: "a", who: 2},
		}},
		{"unknown", []trieOp{
			{rm: true, topic: "nothing", who: 1},
			{rm: true, topic: "", who: 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			whos := []*subscriber{nil, {}, {}}
			var tr subTrie
			for i, op := range tc.ops {
				if op.rm {
					found, c, h := tr.rm([]byte(op.topic), whos[op.who])
					if found != op.found || c != op.count || h != op.holders {
						t.Fatalf("op %d rm(%q,%d) = %v,%d,%d; want %v,%d,%d", i, op.topic, op.who, found, c, h, op.found, op.count, op.holders)
					}
				} else {
					c, h := tr.add([]byte(op.topic), whos[op.who])
					if c != op.count || h != op.holders {
						t.Fatalf("op %d add(%q,%d) = %d,%d; want %d,%d", i, op.topic, op.who, c, h, op.count, op.holders)
					}
				}
				checkShape(t, &tr.root, true)
			}
		})
	}
}

func TestTrieMatch(t *testing.T) {
	topics := []string{"", "a", "ab", "abc", "abd", "b", "weather.", "weather.paris", "\x00\x01"}
	tests := []struct {
		subs []string
		msg  string
		want []string // topics matched
	}{
		{[]string{""}, "anything", []string{""}},
		{[]string{""}, "", []string{""}},
		{[]string{"a"}, "", nil},
		{[]string{"a", "ab", "abc"}, "abcd", []string{"a", "ab", "abc"}},
		{[]string{"abc", "abd"}, "ab", nil},
		{[]string{"abc", "abd"}, "abd", []string{"abd"}},
		{[]string{"b", "a"}, "ba", []string{"b"}},
		{[]string{"weather.", "weather.paris"}, "weather.london", []string{"weather."}},
		{[]string{"weather.", "weather.paris"}, "weather.paris 12C", []string{"weather.", "weather.paris"}},
		{[]string{"\x00\x01"}, "\x00\x01\x02", []string{"\x00\x01"}},
		{[]string{"\x00\x01"}, "\x00", nil},
		{nil, "abc", nil},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q/%q", tc.subs, tc.msg), func(t *testing.T) {
			var tr subTrie
			who := map[*subscriber]string{}
			byTopic := map[string]*subscriber{}
			for _, tp := range topics {
				byTopic[tp] = &subscriber{}
				who[byTopic[tp]] = tp
			}
			for _, s := range tc.subs {
				tr.add([]byte(s), byTopic[s])
			}
			var got []string
			tr.match([]byte(tc.msg), func(s *subscriber) { got = append(got, who[s]) })
			sort.Strings(got)
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("match = %q, want %q", got, want)
			}
			if m := tr.matches([]byte(tc.msg)); m != (len(want) > 0) {
				t.Fatalf("matches = %v", m)
			}
		})
	}
}

func TestTrieWalkRmAll(t *testing.T) {
	var tr subTrie
	a, b := &subscriber{}, &subscriber{}
	for _, s := range []string{"", "x", "xy", "xyz", "q"} {
		tr.add([]byte(s), a)
	}
	tr.add([]byte("xy"), b)
	tr.add([]byte("r"), b)
	var walked []string
	tr.walk(func(topic []byte, refs []subRef) { walked = append(walked, fmt.Sprintf("%s:%d", topic, len(refs))) })
	sort.Strings(walked)
	if fmt.Sprint(walked) != "[:1 q:1 r:1 x:1 xy:2 xyz:1]" {
		t.Fatalf("walk = %v", walked)
	}
	var gone []string
	tr.rmAll(a, func(topic []byte, holders int) { gone = append(gone, fmt.Sprintf("%s:%d", topic, holders)) })
	sort.Strings(gone)
	if fmt.Sprint(gone) != "[:0 q:0 x:0 xy:1 xyz:0]" {
		t.Fatalf("rmAll reported %v", gone)
	}
	checkShape(t, &tr.root, true)
	if tr.size != 2 || tr.count([]byte("xy"), b) != 1 || tr.count([]byte("r"), b) != 1 {
		t.Fatalf("after rmAll: size %d", tr.size)
	}
	tr.rmAll(b, nil)
	if tr.size != 0 || len(tr.root.kids) != 0 || len(tr.root.refs) != 0 {
		t.Fatalf("trie not empty: %+v", tr.root)
	}
}

// checkShape verifies the radix-tree invariants: no empty leaves, no
// subscription-less node with a single child (except the root), first
// bytes in step with the children's labels.
func checkShape(t testing.TB, n *trieNode, root bool) {
	t.Helper()
	if len(n.first) != len(n.kids) {
		t.Fatalf("first/kids out of step")
	}
	if !root {
		if len(n.label) == 0 {
			t.Fatalf("empty label below the root")
		}
		if len(n.refs) == 0 && len(n.kids) < 2 {
			t.Fatalf("node %q: %d refs, %d kids", n.label, len(n.refs), len(n.kids))
		}
	}
	seen := map[byte]bool{}
	for i, c := range n.kids {
		if c.label[0] != n.first[i] || seen[n.first[i]] {
			t.Fatalf("bad first byte %q for %q", n.first[i], c.label)
		}
		seen[n.first[i]] = true
		checkShape(t, c, false)
	}
	for _, r := range n.refs {
		if r.n <= 0 {
			t.Fatalf("ref with count %d", r.n)
		}
	}
}

// FuzzTrie applies random operations to the trie and to a naive model
// and compares them.
func FuzzTrie(f *testing.F) {
	f.Add([]byte("\x01a\x01ab\x02a\x00abc\x03b"))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Fuzz(runTrieProg)
}

func runTrieProg(t *testing.T, prog []byte) {
	{
		whos := []*subscriber{nil, {}, {}}
		type key struct {
			topic string
			who   int
		}
		model := map[key]int{}
		var tr subTrie
		for len(prog) >= 2 {
			op, n := prog[0], int(prog[1])%6
			prog = prog[2:]
			n = min(n, len(prog))
			topic := prog[:n]
			prog = prog[n:]
			w := int(op>>2) % 3
			k := key{string(topic), w}
			switch op % 4 {
			case 0, 1:
				c, _ := tr.add(topic, whos[w])
				model[k]++
				if c != model[k] {
					t.Fatalf("add count %d, model %d", c, model[k])
				}
			case 2:
				found, c, _ := tr.rm(topic, whos[w])
				if found != (model[k] > 0) {
					t.Fatalf("rm found %v, model %d", found, model[k])
				}
				if found {
					model[k]--
					if model[k] == 0 {
						delete(model, k)
					}
				}
				if c != model[k] {
					t.Fatalf("rm count %d, model %d", c, model[k])
				}
			case 3:
				tr.rmAll(whos[w], nil)
				for k := range model {
					if k.who == w {
						delete(model, k)
					}
				}
			}
			checkShape(t, &tr.root, true)
			if tr.size != len(model) {
				t.Fatalf("size %d, model %d", tr.size, len(model))
			}
			// Every prefix-match must agree with the model.
			msg := append(bytes.Clone(topic), 'z')
			want := map[int]int{}
			for k := range model {
				if bytes.HasPrefix(msg, []byte(k.topic)) {
					want[k.who]++
				}
			}
			got := map[int]int{}
			tr.match(msg, func(s *subscriber) {
				for i, x := range whos {
					if x == s {
						got[i]++
					}
				}
			})
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("match(%q) = %v, model %v", msg, got, want)
			}
			if tr.matches(msg) != (len(want) > 0) {
				t.Fatalf("matches(%q) disagrees", msg)
			}
		}
	}
}

func benchTrie(nTopics, nSubs int) (*subTrie, [][]byte) {
	r := rand.New(rand.NewPCG(1, 2))
	var tr subTrie
	subs := make([]*subscriber, nSubs)
	for i := range subs {
		subs[i] = &subscriber{}
	}
	topics := make([][]byte, nTopics)
	for i := range topics {
		topics[i] = fmt.Appendf(nil, "market.%d.%d", r.IntN(50), i)
		tr.add(topics[i], subs[r.IntN(nSubs)])
	}
	return &tr, topics
}

func BenchmarkTrieMatch(b *testing.B) {
	for _, size := range []struct{ topics, subs int }{{10, 10}, {1000, 100}, {100000, 1000}} {
		b.Run(fmt.Sprintf("topics=%d/subs=%d", size.topics, size.subs), func(b *testing.B) {
			tr, topics := benchTrie(size.topics, size.subs)
			msgs := make([][]byte, len(topics))
			for i, tp := range topics {
				msgs[i] = append(append([]byte(nil), tp...), " payload of the message"...)
			}
			n := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tr.match(msgs[i%len(msgs)], func(*subscriber) { n++ })
			}
			if n == 0 {
				b.Fatal("nothing matched")
			}
		})
	}
}

func BenchmarkTrieMatchesMiss(b *testing.B) {
	tr, _ := benchTrie(1000, 1)
	msg := []byte("market.7.not-a-topic payload")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if tr.matches(msg) {
			b.Fatal("matched")
		}
	}
}
