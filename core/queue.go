package core

import (
	"sync"

	"github.com/monocoque-go/monocoque/pool"
)

// queue is one direction of a pipe: a bounded FIFO of whole messages with a
// high-water mark. It is safe for one producer and any number of consumers.
// The producer and consumer are told about transitions with non-blocking
// sends on signal channels, so nothing ever blocks while holding mu.
type queue struct {
	mu   sync.Mutex
	ring []pool.Msg
	head int
	n    int
	hwm  int // 0 means no limit
	// conflate (CONFLATE) keeps only the newest message, cut down to its
	// last frame as libzmq does; such a queue is never full.
	conflate bool

	// notEmpty is called when the queue goes from empty to non-empty.
	notEmpty func()
	// notFull is called when a consumer takes from a full queue.
	notFull func()
}

// newQueue makes an empty queue; its ring is allocated by the first push,
// so an idle pipe costs little.
func newQueue(hwm int, notEmpty, notFull func()) *queue {
	return &queue{hwm: hwm, notEmpty: notEmpty, notFull: notFull}
}

func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func (q *queue) fullLocked() bool { return q.hwm > 0 && q.n >= q.hwm }

func (q *queue) grow() {
	size := max(len(q.ring)*2, 8)
	if q.hwm > 0 && size > q.hwm {
		size = q.hwm
	}
	if size <= len(q.ring) {
		// Past the high-water mark (forced pushes): keep doubling, so a
		// burst of forced pushes costs amortised O(1) each.
		size = 2 * len(q.ring)
	}
	if size == 0 {
		size = 1
	}
	ring := make([]pool.Msg, size)
	for i := 0; i < q.n; i++ {
		ring[i] = q.ring[(q.head+i)%len(q.ring)]
	}
	q.ring = ring
	q.head = 0
}

func (q *queue) pushLocked(m *pool.Msg) {
	if q.n == len(q.ring) {
		q.grow()
	}
	i := q.head + q.n
	if i >= len(q.ring) {
		i -= len(q.ring)
	}
	q.ring[i] = *m
	q.n++
}

// push adds m unless the queue is at its high-water mark; force skips the
// check (used for messages that must not be refused once accepted). On
// success m is moved into the queue and reset.
func (q *queue) push(m *pool.Msg, force bool) bool {
	q.mu.Lock()
	if q.conflate {
		q.replaceLocked(m) // unlocks
		return true
	}
	if !force && q.fullLocked() {
		q.mu.Unlock()
		return false
	}
	wasEmpty := q.n == 0
	q.pushLocked(m)
	q.mu.Unlock()
	*m = pool.Msg{}
	if wasEmpty {
		q.notEmpty()
	}
	return true
}

// pushBatch moves as many messages of batch into the queue as the high-water
// mark allows and returns how many it took.
func (q *queue) pushBatch(batch []pool.Msg) int {
	q.mu.Lock()
	if q.conflate {
		n := len(batch)
		if n == 0 {
			q.mu.Unlock()
			return 0
		}
		q.replaceLocked(&batch[n-1]) // unlocks
		for i := range batch[:n-1] {
			batch[i].Release()
		}
		return n
	}
	wasEmpty := q.n == 0
	k := 0
	for k < len(batch) && !q.fullLocked() {
		q.pushLocked(&batch[k])
		k++
	}
	q.mu.Unlock()
	if k > 0 && wasEmpty {
		q.notEmpty()
	}
	return k
}

// replaceLocked makes m, cut down to its last frame, the only queued
// message; the one it replaces goes back to the pool. m is reset. It is
// called with mu held and releases it.
func (q *queue) replaceLocked(m *pool.Msg) {
	m.KeepLast()
	if len(q.ring) == 0 {
		q.grow()
	}
	old := q.ring[q.head]
	wasEmpty := q.n == 0
	q.ring[q.head] = *m
	q.n = 1
	q.mu.Unlock()
	*m = pool.Msg{}
	old.Release()
	if wasEmpty {
		q.notEmpty()
	}
}

// setConflate turns the queue into a conflating one: of what is queued,
// only the newest message stays, and the high-water mark no longer applies.
func (q *queue) setConflate() {
	q.mu.Lock()
	if q.conflate {
		q.mu.Unlock()
		return
	}
	wasFull := q.fullLocked()
	q.conflate = true
	q.hwm = 0
	if q.n > 0 {
		last := (q.head + q.n - 1) % len(q.ring)
		for i := 0; i < q.n-1; i++ {
			j := (q.head + i) % len(q.ring)
			q.ring[j].Release()
		}
		m := q.ring[last]
		q.ring[last] = pool.Msg{}
		m.KeepLast()
		q.ring[q.head] = m
		q.n = 1
	}
	q.mu.Unlock()
	if wasFull {
		q.notFull()
	}
}

// setHWM changes the queue's high-water mark, waking the producer if that
// made room.
func (q *queue) setHWM(hwm int) {
	q.mu.Lock()
	if q.conflate {
		q.mu.Unlock()
		return // a conflating queue has no limit
	}
	wasFull := q.fullLocked()
	q.hwm = hwm
	room := wasFull && !q.fullLocked()
	q.mu.Unlock()
	if room {
		q.notFull()
	}
}

// pop moves the oldest message into m.
func (q *queue) pop(m *pool.Msg) bool {
	q.mu.Lock()
	if q.n == 0 {
		q.mu.Unlock()
		return false
	}
	wasFull := q.fullLocked()
	*m = q.ring[q.head]
	q.ring[q.head] = pool.Msg{}
	q.head++
	if q.head == len(q.ring) {
		q.head = 0
	}
	q.n--
	more := q.n > 0
	q.mu.Unlock()
	if wasFull {
		q.notFull()
	}
	if more {
		// Let another waiting consumer see the rest.
		q.notEmpty()
	}
	return true
}

// popSmall appends to dst, oldest first, the queued messages up to the
// first one larger than size bytes (no limit when size < 0), at most max
// of them.
func (q *queue) popSmall(dst []pool.Msg, max, size int) []pool.Msg {
	q.mu.Lock()
	wasFull := q.fullLocked()
	for q.n > 0 && max > 0 && (size < 0 || q.ring[q.head].Size() <= size) {
		dst = append(dst, q.ring[q.head])
		q.ring[q.head] = pool.Msg{}
		q.head++
		if q.head == len(q.ring) {
			q.head = 0
		}
		q.n--
		max--
	}
	q.mu.Unlock()
	if wasFull {
		q.notFull()
	}
	return dst
}

// popAll appends up to max queued messages to dst (oldest first).
func (q *queue) popAll(dst []pool.Msg, max int) []pool.Msg {
	return q.popSmall(dst, max, -1)
}

func (q *queue) len() int {
	q.mu.Lock()
	n := q.n
	q.mu.Unlock()
	return n
}

func (q *queue) full() bool {
	q.mu.Lock()
	f := q.fullLocked()
	q.mu.Unlock()
	return f
}

// drop releases every queued message.
func (q *queue) drop() {
	q.mu.Lock()
	wasFull := q.fullLocked()
	for q.n > 0 {
		q.ring[q.head].Release()
		q.head = (q.head + 1) % len(q.ring)
		q.n--
	}
	q.mu.Unlock()
	if wasFull {
		q.notFull()
	}
}
