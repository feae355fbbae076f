package core

import "bytes"

// subscriber is one pipe as seen by the publish-subscribe policies: its
// place in the distributor and whether its peer has been handshaken.
type subscriber struct {
	p     *pipe
	idx   int  // position in distributor.subs
	ready bool // a handshake completed at least once (SUB/XSUB)
}

// subTrie is a radix tree of subscriptions. Each subscription is a topic
// (any bytes, possibly empty) held by a subscriber; a subscriber may hold
// the same topic several times, and the trie counts how often. SUB and XSUB
// keep their own subscriptions with a nil subscriber; PUB and XPUB keep each
// pipe's subscriptions under that pipe's subscriber.
//
// A message matches a subscription when the topic is a prefix of the
// message's first frame, so matching walks the tree along the frame's bytes
// and reports every node on the way that holds subscriptions.
type subTrie struct {
	root trieNode
	size int // number of distinct (topic, subscriber) pairs
}

// trieNode is a node of the radix tree. The node's key is the concatenation
// of the labels from the root to it.
type trieNode struct {
	label []byte      // bytes on the edge from the parent (empty at the root)
	first []byte      // first label byte of each child, parallel to kids
	kids  []*trieNode // children
	refs  []subRef    // subscriptions whose topic is exactly this key
}

// subRef counts how many times who holds one topic.
type subRef struct {
	who *subscriber
	n   int
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// find returns the node whose key is exactly topic, or nil.
func (t *subTrie) find(topic []byte) *trieNode {
	n := &t.root
	for len(topic) > 0 {
		i := bytes.IndexByte(n.first, topic[0])
		if i < 0 {
			return nil
		}
		c := n.kids[i]
		if !bytes.HasPrefix(topic, c.label) {
			return nil
		}
		topic = topic[len(c.label):]
		n = c
	}
	return n
}

// add records one more subscription to topic by who. It returns how many
// times who now holds topic and how many distinct subscribers hold it.
func (t *subTrie) add(topic []byte, who *subscriber) (count, holders int) {
	n := &t.root
	key := topic
	for len(key) > 0 {
		i := bytes.IndexByte(n.first, key[0])
		if i < 0 {
			leaf := &trieNode{label: bytes.Clone(key)}
			n.first = append(n.first, key[0])
			n.kids = append(n.kids, leaf)
			n = leaf
			break
		}
		c := n.kids[i]
		l := commonPrefix(c.label, key)
		if l < len(c.label) {
			// Split c: a new node takes the common part of the label.
			mid := &trieNode{
				label: c.label[:l:l],
				first: []byte{c.label[l]},
				kids:  []*trieNode{c},
			}
			c.label = c.label[l:]
			n.kids[i] = mid
			c = mid
		}
		key = key[l:]
		n = c
	}
	for i := range n.refs {
		if n.refs[i].who == who {
			n.refs[i].n++
			return n.refs[i].n, len(n.refs)
		}
	}
	n.refs = append(n.refs, subRef{who: who, n: 1})
	t.size++
	return 1, len(n.refs)
}

// count returns how many times who holds topic.
func (t *subTrie) count(topic []byte, who *subscriber) int {
	n := t.find(topic)
	if n == nil {
		return 0
	}
	for _, r := range n.refs {
		if r.who == who {
			return r.n
		}
	}
	return 0
}

// rm removes one subscription to topic by who. found is false when who did
// not hold topic; count is how many times who still holds it and holders
// how many distinct subscribers still hold it.
func (t *subTrie) rm(topic []byte, who *subscriber) (found bool, count, holders int) {
	// Remember the path so that emptied nodes can be pruned.
	var pathBuf [16]*trieNode
	path := append(pathBuf[:0], &t.root)
	n := &t.root
	key := topic
	for len(key) > 0 {
		i := bytes.IndexByte(n.first, key[0])
		if i < 0 {
			return false, 0, 0
		}
		c := n.kids[i]
		if !bytes.HasPrefix(key, c.label) {
			return false, 0, 0
		}
		key = key[len(c.label):]
		n = c
		path = append(path, n)
	}
	for i := range n.refs {
		if n.refs[i].who != who {
			continue
		}
		n.refs[i].n--
		count = n.refs[i].n
		if count == 0 {
			last := len(n.refs) - 1
			n.refs[i] = n.refs[last]
			n.refs[last] = subRef{}
			n.refs = n.refs[:last]
			t.size--
			for k := len(path) - 1; k > 0; k-- {
				path[k-1].tidy(path[k])
			}
		}
		return true, count, len(n.refs)
	}
	return false, 0, len(n.refs)
}

// tidy restores the radix-tree shape after kid (a child of n) may have
// lost subscriptions: an empty leaf is removed, and a node without
// subscriptions and with a single child is merged with that child.
func (n *trieNode) tidy(kid *trieNode) {
	if len(kid.refs) > 0 {
		return
	}
	switch len(kid.kids) {
	case 0:
		for i, c := range n.kids {
			if c == kid {
				last := len(n.kids) - 1
				n.kids[i], n.first[i] = n.kids[last], n.first[last]
				n.kids[last] = nil
				n.kids, n.first = n.kids[:last], n.first[:last]
				return
			}
		}
	case 1:
		only := kid.kids[0]
		label := make([]byte, 0, len(kid.label)+len(only.label))
		label = append(append(label, kid.label...), only.label...)
		kid.label = label
		kid.first, kid.kids, kid.refs = only.first, only.kids, only.refs
	}
}

// matches reports whether some subscription's topic is a prefix of data.
func (t *subTrie) matches(data []byte) bool {
	n := &t.root
	for {
		if len(n.refs) > 0 {
			return true
		}
		if len(data) == 0 {
			return false
		}
		i := bytes.IndexByte(n.first, data[0])
		if i < 0 {
			return false
		}
		c := n.kids[i]
		if !bytes.HasPrefix(data, c.label) {
			return false
		}
		data = data[len(c.label):]
		n = c
	}
}

// match calls fn for each subscriber holding a topic that is a prefix of
// data. A subscriber holding several such topics is reported once per topic.
func (t *subTrie) match(data []byte, fn func(*subscriber)) {
	n := &t.root
	for {
		for i := range n.refs {
			fn(n.refs[i].who)
		}
		if len(data) == 0 {
			return
		}
		i := bytes.IndexByte(n.first, data[0])
		if i < 0 {
			return
		}
		c := n.kids[i]
		if !bytes.HasPrefix(data, c.label) {
			return
		}
		data = data[len(c.label):]
		n = c
	}
}

// walk calls fn for every topic held by anyone, with its holders. The topic
// slice is only valid during the call.
func (t *subTrie) walk(fn func(topic []byte, refs []subRef)) {
	var buf []byte
	t.root.walk(buf, fn)
}

func (n *trieNode) walk(key []byte, fn func([]byte, []subRef)) []byte {
	key = append(key, n.label...)
	if len(n.refs) > 0 {
		fn(key, n.refs)
	}
	for _, c := range n.kids {
		key = c.walk(key, fn)
	}
	return key[:len(key)-len(n.label)]
}

// rmAll removes every subscription held by who, calling fn (when not nil)
// for each topic removed with the number of distinct subscribers still
// holding it. The topic slice is only valid during the call.
func (t *subTrie) rmAll(who *subscriber, fn func(topic []byte, holders int)) {
	var buf []byte
	t.root.rmAll(t, buf, who, fn)
}

func (n *trieNode) rmAll(t *subTrie, key []byte, who *subscriber, fn func([]byte, int)) []byte {
	key = append(key, n.label...)
	for i := range n.refs {
		if n.refs[i].who == who {
			last := len(n.refs) - 1
			n.refs[i] = n.refs[last]
			n.refs[last] = subRef{}
			n.refs = n.refs[:last]
			t.size--
			if fn != nil {
				fn(key, len(n.refs))
			}
			break
		}
	}
	// Children first, then tidy them; tidy may swap kids around, so walk
	// a copy of the list.
	var kidsBuf [8]*trieNode
	kids := append(kidsBuf[:0], n.kids...)
	for _, c := range kids {
		key = c.rmAll(t, key, who, fn)
		n.tidy(c)
	}
	return key[:len(key)-len(n.label)]
}
