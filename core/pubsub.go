package core

import (
	"github.com/monocoque-go/monocoque/pool"
	"github.com/monocoque-go/monocoque/wire"
)

// Publish-subscribe routing. A subscription travels from a SUB (or XSUB) to
// the publisher as a message whose first frame is 1 (subscribe) or 0
// (unsubscribe) followed by the topic; ZMTP 3.1 peers may send SUBSCRIBE and
// CANCEL commands instead, which the engine turns into the same messages.
// We always send the message form: libzmq 4.x accepts it from ZMTP 3.0 and
// 3.1 peers alike.

// inboundPolicy is implemented by policies that consume their pipes' input
// as it arrives instead of on Recv (PUB and XPUB must apply subscriptions
// even when nobody calls Recv). The engine hands them each batch of
// messages under the socket's lock; the policy owns the messages.
type inboundPolicy interface {
	inbound(p *pipe, batch []pool.Msg)
}

// optionWatcher is implemented by policies that cache options: it is called
// with mu held after an integer option changed.
type optionWatcher interface {
	optionChanged(opt Option)
}

// subscriptionSetter is implemented by policies that take the SUBSCRIBE and
// UNSUBSCRIBE options.
type subscriptionSetter interface {
	setSubscription(topic []byte, subscribe bool) error
}

// subscriptionCommand turns a ZMTP 3.1 SUBSCRIBE or CANCEL command into the
// equivalent subscription message.
func subscriptionCommand(name string, data []byte) (pool.Msg, bool) {
	var m pool.Msg
	var flag byte
	switch name {
	case wire.CmdSubscribe:
		flag = 1
	case wire.CmdCancel:
		flag = 0
	default:
		return m, false
	}
	f := make([]byte, 1+len(data))
	f[0] = flag
	copy(f[1:], data)
	m.Append(f)
	return m, true
}

// subscriptionMsg builds the message that (un)subscribes topic.
func subscriptionMsg(topic []byte, subscribe bool) pool.Msg {
	f := pool.Get(1 + len(topic))
	f[0] = 0
	if subscribe {
		f[0] = 1
	}
	copy(f[1:], topic)
	var m pool.Msg
	m.AppendPooled(f)
	return m
}

// parseSubscription reports whether frame is a subscription message and
// splits it.
func parseSubscription(frame []byte) (topic []byte, subscribe, ok bool) {
	if len(frame) == 0 || frame[0] > 1 {
		return nil, false, false
	}
	return frame[1:], frame[0] == 1, true
}

// xpubPolicy is PUB and XPUB: each message goes to the pipes whose peers
// subscribed to a prefix of its first frame. Subscriptions arrive on the
// pipes; XPUB passes them to the user through Recv.
type xpubPolicy struct {
	s     *Socket
	plain bool // PUB: no Recv, nothing reported
	dist  distributor
	subs  subTrie
	byP   map[*pipe]*subscriber

	verbose, verboser, nodrop, manual, invert bool

	// notes are the (un)subscriptions and upstream messages waiting for
	// Recv (XPUB), oldest first from head.
	notes []xpubNote
	head  int
	// manual mode: each pipe's requests as it made them, and the pipe of
	// the last note received, to which SUBSCRIBE/UNSUBSCRIBE apply.
	asked subTrie
	last  *subscriber
}

type xpubNote struct {
	m    pool.Msg
	from *subscriber
}

func newXpubPolicy(s *Socket, plain bool) *xpubPolicy {
	return &xpubPolicy{s: s, plain: plain, byP: make(map[*pipe]*subscriber)}
}

func (x *xpubPolicy) optionChanged(Option) {
	x.verbose = x.s.opt.flag(OptXpubVerbose)
	x.verboser = x.s.opt.flag(OptXpubVerboser)
	x.nodrop = x.s.opt.flag(OptXpubNodrop)
	x.manual = !x.plain && x.s.opt.flag(OptXpubManual)
	x.invert = x.s.opt.flag(OptInvertMatching)
}

func (x *xpubPolicy) attach(p *pipe) bool {
	sub := &subscriber{p: p}
	x.byP[p] = sub
	x.dist.attach(sub)
	if w := x.s.opt.bytes[OptXpubWelcomeMsg]; len(w) > 0 {
		var m pool.Msg
		m.AppendPooled(pool.Clone(w))
		if !p.write(&m) {
			m.Release()
		}
	}
	return true
}

func (x *xpubPolicy) handshaken(*pipe, []byte) bool { return true }

// detach drops the pipe's subscriptions; XPUB reports the topics nobody
// holds any more (every topic of the pipe with XPUB_VERBOSER or, in manual
// mode, every topic the pipe asked for).
func (x *xpubPolicy) detach(p *pipe) {
	sub := x.byP[p]
	if sub == nil {
		return
	}
	delete(x.byP, p)
	x.dist.detach(sub)
	if x.last == sub {
		x.last = nil
	}
	for i := x.head; i < len(x.notes); i++ {
		if x.notes[i].from == sub {
			x.notes[i].from = nil
		}
	}
	report := func(topic []byte, holders int) {
		if !x.plain && (holders == 0 || x.verboser) {
			m := subscriptionMsg(topic, false)
			x.note(m, nil)
		}
	}
	if x.manual {
		x.asked.rmAll(sub, func(topic []byte, _ int) {
			if !x.plain {
				x.note(subscriptionMsg(topic, false), nil)
			}
		})
		x.subs.rmAll(sub, nil)
	} else {
		x.subs.rmAll(sub, report)
	}
	if x.head < len(x.notes) {
		x.wakeReceivers()
	}
}

// note queues m for Recv.
func (x *xpubPolicy) note(m pool.Msg, from *subscriber) {
	if x.head > 0 && (x.head == len(x.notes) || x.head >= 64 && x.head*2 >= len(x.notes)) {
		// Reuse the space of the notes already read.
		k := copy(x.notes, x.notes[x.head:])
		clear(x.notes[k:])
		x.notes = x.notes[:k]
		x.head = 0
	}
	x.notes = append(x.notes, xpubNote{m: m, from: from})
}

// inbound applies the subscriptions that arrived on p; XPUB keeps what the
// user should see.
func (x *xpubPolicy) inbound(p *pipe, batch []pool.Msg) {
	sub := x.byP[p]
	queued := false
	for i := range batch {
		m := &batch[i]
		if sub == nil || m.Len() == 0 {
			m.Release()
			continue
		}
		topic, on, ok := parseSubscription(m.Frame(0))
		if !ok {
			// A user message sent upstream by an XSUB: XPUB passes it on,
			// PUB drops it.
			if x.plain {
				m.Release()
			} else {
				x.note(*m, nil)
				*m = pool.Msg{}
				queued = true
			}
			continue
		}
		notify := false
		switch {
		case x.manual:
			if on {
				if x.asked.count(topic, sub) == 0 {
					x.asked.add(topic, sub)
				}
			} else {
				x.asked.rm(topic, sub)
			}
			notify = true
		case on:
			if x.subs.count(topic, sub) > 0 {
				notify = x.verbose || x.verboser
			} else {
				_, holders := x.subs.add(topic, sub)
				notify = holders == 1 || x.verbose || x.verboser
			}
		default:
			found, _, holders := x.subs.rm(topic, sub)
			// As libzmq: an unknown topic is reported too.
			notify = !found || holders == 0 || x.verboser
		}
		if notify && !x.plain {
			// Keep only the first frame: the subscription itself.
			var n pool.Msg
			n.Append(m.Frame(0))
			m.Reset()
			x.note(n, sub)
			queued = true
		} else {
			m.Release()
		}
	}
	if queued {
		x.wakeReceivers()
	}
}

// setSubscription applies SUBSCRIBE/UNSUBSCRIBE in manual mode to the pipe
// of the last subscription received.
func (x *xpubPolicy) setSubscription(topic []byte, on bool) error {
	if x.plain || !x.manual {
		return EINVAL
	}
	if x.last == nil {
		return nil
	}
	if on {
		if x.subs.count(topic, x.last) == 0 {
			x.subs.add(topic, x.last)
		}
	} else {
		x.subs.rm(topic, x.last)
	}
	return nil
}

// wakeReceivers tells Recv (and pollers) that notes are waiting; unlike
// notifyIn it does not mean pipe input.
func (x *xpubPolicy) wakeReceivers() {
	poke(x.s.inSig)
	if x.s.nWatch.Load() > 0 {
		x.s.pokeWatchers()
	}
}

// checkFirst admits a message on its first frame, as libzmq does: with
// XPUB_NODROP, only when every subscriber it goes to has room.
func (x *xpubPolicy) checkFirst(first []byte) error {
	if !x.nodrop {
		return nil
	}
	d := &x.dist
	d.unmatch()
	x.subs.match(first, d.match)
	if x.invert {
		d.reverse()
	}
	room := d.roomForAll()
	d.unmatch()
	if !room {
		return EAGAIN
	}
	return nil
}

func (x *xpubPolicy) send(m *pool.Msg) error {
	d := &x.dist
	d.unmatch()
	x.subs.match(m.Frame(0), d.match)
	if x.invert {
		d.reverse()
	}
	if x.nodrop && !d.roomForAll() {
		d.unmatch()
		return EAGAIN
	}
	d.send(m, false)
	return nil
}

func (x *xpubPolicy) canSend() bool { return true }

func (x *xpubPolicy) recv(m *pool.Msg) error {
	if x.plain {
		return ENOTSUP
	}
	if x.head == len(x.notes) {
		return EAGAIN
	}
	n := &x.notes[x.head]
	*m = n.m
	x.last = n.from
	*n = xpubNote{}
	x.head++
	return nil
}

func (x *xpubPolicy) canRecv() bool {
	if x.plain {
		return false
	}
	return x.head < len(x.notes)
}

// xsubPolicy is SUB and XSUB: fair-queued input, subscriptions sent to
// every pipe and re-sent after every handshake. SUB filters its input by
// its subscriptions and takes them as options; XSUB takes them as messages
// and passes all input up.
type xsubPolicy struct {
	s      *Socket
	plain  bool // SUB
	fq     fairQueue
	dist   distributor
	subs   subTrie
	byP    map[*pipe]*subscriber
	invert bool
	// SUB: a matching message taken by canRecv, handed out by recv.
	pre    pool.Msg
	hasPre bool
}

func newXsubPolicy(s *Socket, plain bool) *xsubPolicy {
	return &xsubPolicy{s: s, plain: plain, byP: make(map[*pipe]*subscriber)}
}

func (x *xsubPolicy) optionChanged(Option) { x.invert = x.s.opt.flag(OptInvertMatching) }

func (x *xsubPolicy) attach(p *pipe) bool {
	sub := &subscriber{p: p}
	x.byP[p] = sub
	x.dist.attach(sub)
	x.fq.attach(p)
	return true
}

// handshaken sends every subscription to the (re)connected peer.
func (x *xsubPolicy) handshaken(p *pipe, _ []byte) bool {
	sub := x.byP[p]
	if sub == nil {
		return true
	}
	sub.ready = true
	x.subs.walk(func(topic []byte, _ []subRef) {
		m := subscriptionMsg(topic, true)
		if !writePipe(p, &m, true) {
			m.Release()
		}
	})
	return true
}

func (x *xsubPolicy) detach(p *pipe) {
	if sub := x.byP[p]; sub != nil {
		delete(x.byP, p)
		x.dist.detach(sub)
	}
	x.fq.detach(p)
}

// upstream sends m to every pipe. Subscriptions (force) go only to pipes
// handshaken before: the others get all subscriptions with their handshake.
func (x *xsubPolicy) upstream(m *pool.Msg, force bool) {
	if !force {
		x.dist.matchAll()
	} else {
		for _, sub := range x.dist.subs {
			if sub.ready {
				x.dist.match(sub)
			}
		}
	}
	x.dist.send(m, force)
}

func (x *xsubPolicy) setSubscription(topic []byte, on bool) error {
	if !x.plain {
		return EINVAL
	}
	m := subscriptionMsg(topic, on)
	x.subscription(&m, topic, on)
	return nil
}

// subscription records a subscription message and sends it upstream;
// an unsubscription goes only when its topic's last holder is gone.
func (x *xsubPolicy) subscription(m *pool.Msg, topic []byte, on bool) {
	if on {
		x.subs.add(topic, nil)
	} else if found, n, _ := x.subs.rm(topic, nil); !found || n > 0 {
		m.Release()
		return
	}
	x.upstream(m, true)
}

func (x *xsubPolicy) checkFirst([]byte) error {
	if x.plain {
		return ENOTSUP
	}
	return nil
}

func (x *xsubPolicy) send(m *pool.Msg) error {
	if x.plain {
		return ENOTSUP
	}
	if topic, on, ok := parseSubscription(m.Frame(0)); ok {
		x.subscription(m, topic, on)
		return nil
	}
	x.upstream(m, false)
	return nil
}

func (x *xsubPolicy) canSend() bool { return !x.plain }

func (x *xsubPolicy) recv(m *pool.Msg) error {
	if !x.plain {
		_, err := x.fq.recv(m)
		return err
	}
	if x.hasPre || x.prefetch() {
		*m = x.pre
		x.pre = pool.Msg{}
		x.hasPre = false
		return nil
	}
	return EAGAIN
}

// prefetch takes the next message that passes SUB's filter into x.pre,
// dropping those that do not.
func (x *xsubPolicy) prefetch() bool {
	for {
		if _, err := x.fq.recv(&x.pre); err != nil {
			return false
		}
		if x.subs.matches(x.pre.Frame(0)) != x.invert {
			x.hasPre = true
			return true
		}
		x.pre.Release()
	}
}

func (x *xsubPolicy) canRecv() bool {
	if !x.plain {
		return x.fq.canRecv()
	}
	return x.hasPre || x.prefetch()
}
