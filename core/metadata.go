package core

import (
	"strings"

	"github.com/monocoque-go/monocoque/wire"
)

// Properties are the metadata of a received message, as zmq_msg_gets
// reports them: the properties of the connection it came in on.
type Properties struct {
	peer     wire.Metadata // the peer's READY (or INITIATE) properties
	zap      wire.Metadata // what the ZAP handler added
	userID   string
	peerAddr string
}

// Get returns a property by name, ignoring case: "Socket-Type",
// "Identity" or "Routing-Id" (when the peer sent one), "Peer-Address",
// "User-Id" (when a ZAP handler named the user), and any other property the
// peer or the ZAP handler declared.
func (p *Properties) Get(name string) (string, bool) {
	if p == nil {
		return "", false
	}
	switch {
	case strings.EqualFold(name, "Peer-Address"):
		return p.peerAddr, p.peerAddr != ""
	case strings.EqualFold(name, "User-Id"):
		return p.userID, p.userID != ""
	case strings.EqualFold(name, "Routing-Id"):
		name = wire.PropIdentity
	}
	if v, ok := p.zap.Get(name); ok {
		return string(v), true
	}
	if v, ok := p.peer.Get(name); ok {
		return string(v), true
	}
	return "", false
}

// connProperties gathers a connection's properties after its handshake.
func connProperties(mech wire.Mechanism, peerAddr string) *Properties {
	p := &Properties{peer: mech.PeerMetadata(), peerAddr: peerAddr}
	if zm, ok := mech.(wire.ZAPMechanism); ok {
		p.userID = string(zm.UserID())
		p.zap = zm.ZAPMetadata()
	}
	return p
}

// RecvFrameProps is Recv that also returns the properties of the message
// the frame belongs to (nil for messages from inproc peers).
func (s *Socket) RecvFrameProps(flags Flag) ([]byte, *Properties, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fill(flags); err != nil {
		return nil, nil, err
	}
	props, _ := s.current.Meta.(*Properties)
	return s.nextFrame(), props, nil
}
