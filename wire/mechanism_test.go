package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// handshake runs two mechanisms against each other, delivering every
// command body, and returns each side's first error.
func handshake(t *testing.T, a, b Mechanism) (errA, errB error) {
	t.Helper()
	outA, errA := a.Start()
	outB, errB := b.Start()
	for round := 0; round < 10 && (len(outA) > 0 || len(outB) > 0); round++ {
		var nextA, nextB [][]byte
		for _, cmd := range outA {
			if errB != nil {
				break
			}
			var out [][]byte
			out, errB = b.Handle(cmd)
			nextB = append(nextB, out...)
		}
		for _, cmd := range outB {
			if errA != nil {
				break
			}
			var out [][]byte
			out, errA = a.Handle(cmd)
			nextA = append(nextA, out...)
		}
		outA, outB = nextA, nextB
	}
	return errA, errB
}

func TestNullHandshake(t *testing.T) {
	types := []string{"REQ", "REP", "DEALER", "ROUTER", "PUB", "SUB", "XPUB", "XSUB", "PUSH", "PULL", "PAIR", "STREAM"}
	compatible := map[string]bool{
		"REQ/REP": true, "REQ/ROUTER": true, "REP/DEALER": true, "DEALER/DEALER": true, "DEALER/ROUTER": true,
		"ROUTER/ROUTER": true, "PUB/SUB": true, "PUB/XSUB": true, "XPUB/SUB": true, "XPUB/XSUB": true,
		"PUSH/PULL": true, "PAIR/PAIR": true,
	}
	for _, ta := range types {
		for _, tb := range types {
			want := compatible[ta+"/"+tb] || compatible[tb+"/"+ta]
			if got := CompatibleSocketTypes(ta, tb); got != want {
				t.Errorf("CompatibleSocketTypes(%s, %s) = %v", ta, tb, got)
			}
			a := NewNull(SocketInfo{Type: ta, Identity: []byte("id-" + ta)})
			b := NewNull(SocketInfo{Type: tb})
			errA, errB := handshake(t, a, b)
			if want {
				if errA != nil || errB != nil || a.Status() != Ready || b.Status() != Ready {
					t.Fatalf("%s-%s: %v / %v, status %v / %v", ta, tb, errA, errB, a.Status(), b.Status())
				}
				if st, _ := a.PeerMetadata().Get("socket-type"); string(st) != tb {
					t.Fatalf("%s-%s: peer type %q", ta, tb, st)
				}
				id, ok := b.PeerMetadata().Get(PropIdentity)
				if sendsIdentity(ta) != ok || (ok && string(id) != "id-"+ta) {
					t.Fatalf("%s-%s: identity %q, %v", ta, tb, id, ok)
				}
				continue
			}
			if !errors.Is(errA, ErrIncompatible) || !errors.Is(errB, ErrIncompatible) {
				t.Fatalf("%s-%s: errors %v / %v", ta, tb, errA, errB)
			}
			if !strings.Contains(errA.Error(), ta) || !strings.Contains(errA.Error(), tb) {
				t.Fatalf("error does not name both types: %v", errA)
			}
			if a.Status() != Failed || b.Status() != Failed {
				t.Fatalf("%s-%s: status %v / %v", ta, tb, a.Status(), b.Status())
			}
		}
	}
}

// TestNullReadyBytes pins READY to what libzmq 4.3 sends.
func TestNullReadyBytes(t *testing.T) {
	tests := []struct {
		info SocketInfo
		want string
	}{
		{SocketInfo{Type: "DEALER", Identity: []byte("abc")},
			"\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc"},
		{SocketInfo{Type: "REQ"},
			"\x05READY\x0bSocket-Type\x00\x00\x00\x03REQ\x08Identity\x00\x00\x00\x00"},
		{SocketInfo{Type: "PUB", Identity: []byte("ignored")},
			"\x05READY\x0bSocket-Type\x00\x00\x00\x03PUB"},
		{SocketInfo{Type: "SUB", Properties: Metadata{{"X-Hello", []byte("w")}}},
			"\x05READY\x0bSocket-Type\x00\x00\x00\x03SUB\x07X-Hello\x00\x00\x00\x01w"},
	}
	for _, tt := range tests {
		m := NewNull(tt.info)
		if m.Name() != MechanismNull {
			t.Fatal(m.Name())
		}
		out, err := m.Start()
		if err != nil || len(out) != 1 || string(out[0]) != tt.want {
			t.Errorf("%s: READY = %q, %v", tt.info.Type, out, err)
		}
		if m.Status() != Handshaking {
			t.Errorf("status after Start = %v", m.Status())
		}
		if again, _ := m.Start(); len(again) != 0 {
			t.Error("second Start sent READY again")
		}
	}
}

func TestNullHandleBeforeStart(t *testing.T) {
	m := NewNull(SocketInfo{Type: "PULL"})
	out, err := m.Handle(AppendReady(nil, Metadata{{PropSocketType, []byte("PUSH")}}))
	if err != nil || m.Status() != Ready || len(out) != 1 {
		t.Fatalf("out %q, err %v, status %v", out, err, m.Status())
	}
	if out, _ := m.Start(); len(out) != 0 {
		t.Fatal("Start after READY sent READY twice")
	}
}

func TestNullHandleErrors(t *testing.T) {
	tests := []struct {
		name string
		cmd  []byte
		want error
	}{
		{"peer ERROR", AppendError(nil, "go away"), nil}, // PeerError, checked below
		{"bad ERROR", []byte("\x05ERROR\x09short"), ErrMalformed},
		{"PING", AppendPing(nil, 1, nil), ErrUnexpectedCommand},
		{"HELLO", AppendCommandBody(nil, CmdHello, nil), ErrUnexpectedCommand},
		{"no Socket-Type", AppendReady(nil, Metadata{{PropIdentity, []byte("x")}}), ErrMalformed},
		{"bad metadata", []byte("\x05READY\x01"), ErrMalformed},
		{"incompatible", AppendReady(nil, Metadata{{PropSocketType, []byte("PUB")}}), ErrIncompatible},
		{"lowercase type", AppendReady(nil, Metadata{{PropSocketType, []byte("rep")}}), ErrIncompatible},
		{"empty", nil, ErrMalformed},
	}
	for _, tt := range tests {
		m := NewNull(SocketInfo{Type: "REQ"})
		if _, err := m.Start(); err != nil {
			t.Fatal(err)
		}
		out, err := m.Handle(tt.cmd)
		if tt.want == nil {
			var pe *PeerError
			if !errors.As(err, &pe) || pe.Reason != "go away" {
				t.Errorf("%s: err = %v", tt.name, err)
			}
		} else if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
		if len(out) != 0 || m.Status() != Failed {
			t.Errorf("%s: out %q, status %v", tt.name, out, m.Status())
		}
		if _, err := m.Handle(AppendReady(nil, Metadata{{PropSocketType, []byte("REP")}})); !errors.Is(err, ErrUnexpectedCommand) {
			t.Errorf("%s: Handle after failure: %v", tt.name, err)
		}
	}
}

func TestNullPeerMetadataKeepsExtras(t *testing.T) {
	m := NewNull(SocketInfo{Type: "ROUTER"})
	m.Start()
	ready := AppendReady(nil, Metadata{{PropSocketType, []byte("DEALER")}, {PropIdentity, []byte("peer1")}, {"X-App", []byte("v")}})
	if _, err := m.Handle(ready); err != nil {
		t.Fatal(err)
	}
	md := m.PeerMetadata()
	if v, _ := md.Get("x-app"); !bytes.Equal(v, []byte("v")) {
		t.Fatalf("X-App = %q", v)
	}
	if _, err := m.Handle(ready); !errors.Is(err, ErrUnexpectedCommand) {
		t.Fatalf("READY after Ready: %v", err)
	}
}

func TestStatusString(t *testing.T) {
	if Handshaking.String() != "Handshaking" || Ready.String() != "Ready" || Failed.String() != "Failed" || Status(9).String() != "Status(9)" {
		t.Fatal("Status.String")
	}
}

func TestCompatibleDraftTypes(t *testing.T) {
	for _, p := range [][2]string{{"CLIENT", "SERVER"}, {"RADIO", "DISH"}, {"SCATTER", "GATHER"}, {"PEER", "PEER"}, {"CHANNEL", "CHANNEL"}} {
		if !CompatibleSocketTypes(p[0], p[1]) || !CompatibleSocketTypes(p[1], p[0]) {
			t.Errorf("%s-%s not compatible", p[0], p[1])
		}
	}
	if CompatibleSocketTypes("STREAM", "STREAM") || CompatibleSocketTypes("", "") || CompatibleSocketTypes("req", "rep") {
		t.Error("compatible nonsense")
	}
}
