package core

import "github.com/monocoque-go/monocoque/pool"

// shareMin is the frame size from which a fanned-out frame is shared by the
// copies of a message instead of copied for each pipe. A shared frame is
// never given back to the pool: the garbage collector frees it once every
// pipe has written it.
const shareMin = 8 << 10

// distributor fans messages out to a set of pipes. Before each message the
// policy marks the pipes that should get it (match, matchAll, reverse); the
// marked pipes are kept at the front of subs, so marking is O(1) and a
// pipe marked twice counts once.
type distributor struct {
	subs     []*subscriber
	matching int // subs[:matching] are marked
}

func (d *distributor) swap(i, j int) {
	d.subs[i], d.subs[j] = d.subs[j], d.subs[i]
	d.subs[i].idx = i
	d.subs[j].idx = j
}

func (d *distributor) attach(s *subscriber) {
	s.idx = len(d.subs)
	d.subs = append(d.subs, s)
}

func (d *distributor) detach(s *subscriber) {
	i := s.idx
	if i >= len(d.subs) || d.subs[i] != s {
		return
	}
	if i < d.matching {
		d.matching--
		d.swap(i, d.matching)
		i = d.matching
	}
	last := len(d.subs) - 1
	d.swap(i, last)
	d.subs[last] = nil
	d.subs = d.subs[:last]
}

// match marks s.
func (d *distributor) match(s *subscriber) {
	if s.idx >= d.matching {
		d.swap(s.idx, d.matching)
		d.matching++
	}
}

func (d *distributor) matchAll() { d.matching = len(d.subs) }
func (d *distributor) unmatch()  { d.matching = 0 }

// reverse marks exactly the pipes that were not marked.
func (d *distributor) reverse() {
	n := len(d.subs)
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		d.swap(i, j)
	}
	d.matching = n - d.matching
}

// roomForAll reports whether every marked pipe can take a message now.
func (d *distributor) roomForAll() bool {
	for _, s := range d.subs[:d.matching] {
		if s.p.out.full() {
			return false
		}
	}
	return true
}

// send gives m to every marked pipe and unmarks them. A pipe at its
// high-water mark misses the message; with force the mark is ignored. m is
// consumed either way.
func (d *distributor) send(m *pool.Msg, force bool) {
	n := d.matching
	d.matching = 0
	switch n {
	case 0:
		m.Release()
		return
	case 1:
		if !writePipe(d.subs[0].p, m, force) {
			m.Release()
		}
		return
	}
	// The original goes to the last pipe. Frames of shareMin bytes or more
	// are shared by the copies for engine pipes (the engine only reads
	// them); an inproc receiver keeps its frames and may write to them, so
	// it gets copies only, and the original goes to an engine pipe if any.
	if d.subs[n-1].p.link != nil {
		for j := n - 2; j >= 0; j-- {
			if d.subs[j].p.link == nil {
				d.swap(j, n-1)
				break
			}
		}
	}
	share := d.subs[n-1].p.link == nil
	for _, s := range d.subs[:n-1] {
		shareHere := share && s.p.link == nil
		var c pool.Msg
		for i := 0; i < m.Len(); i++ {
			f := m.Frame(i)
			if shareHere && len(f) >= shareMin {
				c.Append(f)
			} else {
				c.AppendPooled(pool.Clone(f))
			}
		}
		if !writePipe(s.p, &c, force) {
			c.Release()
		}
	}
	last := d.subs[n-1].p
	if !share {
		if !writePipe(last, m, force) {
			m.Release()
		}
		return
	}
	// The last pipe's message gives up pool ownership of the shared frames.
	var c pool.Msg
	for i := 0; i < m.Len(); i++ {
		f := m.Frame(i)
		if len(f) < shareMin && m.FramePooled(i) {
			c.AppendPooled(f)
		} else {
			c.Append(f)
		}
	}
	m.Reset()
	if !writePipe(last, &c, force) {
		c.Release()
	}
}

// writePipe queues m on p, ignoring the high-water mark when force is set.
func writePipe(p *pipe, m *pool.Msg, force bool) bool {
	if !force {
		return p.write(m)
	}
	if p.dead.Load() {
		return false
	}
	return p.out.push(m, true)
}
