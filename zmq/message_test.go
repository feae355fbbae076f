package zmq4

import (
	"reflect"
	"syscall"
	"testing"
)

func TestSendMessageParts(t *testing.T) {
	ctx := newTestContext(t)
	pull, push := newConnected(t, ctx, PULL, PUSH)
	recvTimeout(t, pull)

	tests := []struct {
		name  string
		parts []interface{}
		total int
		want  []string // nil: nothing is sent
	}{
		{"no parts", nil, 0, nil},
		{"only empty slices", []interface{}{[]string{}, [][]byte{}}, 0, nil},
		{"one string", []interface{}{"hello"}, 5, []string{"hello"}},
		{"empty string", []interface{}{""}, 0, []string{""}},
		{"mixed", []interface{}{"a", []string{"bb", "ccc"}, []byte("dddd"), 5, nil, [][]byte{{1}, {}}, []string{}},
			17, []string{"a", "bb", "ccc", "dddd", "5", "<nil>", "\x01", ""}},
		{"slice then string, empty slice last", []interface{}{[]string{"x"}, "y", []string{}}, 2, []string{"x", "y"}},
		{"empty slice first", []interface{}{[]string{}, "y"}, 1, []string{"y"}},
		{"slice last", []interface{}{"a", [][]byte{[]byte("b"), []byte("cd")}}, 4, []string{"a", "b", "cd"}},
		{"other types", []interface{}{3.5, true, struct{ A int }{7}}, 10, []string{"3.5", "true", "{7}"}},
	}
	for _, c := range tests {
		total, err := push.SendMessage(c.parts...)
		if err != nil || total != c.total {
			t.Errorf("%s: SendMessage = %d, %v; want %d, nil", c.name, total, err, c.total)
			continue
		}
		if c.want == nil {
			continue
		}
		got, err := pull.RecvMessage(0)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: RecvMessage = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	// The cases that send nothing must not have left anything behind.
	if n, err := push.SendMessageDontwait("end"); err != nil || n != 3 {
		t.Fatalf("SendMessageDontwait = %d, %v", n, err)
	}
	if got, err := pull.RecvMessage(0); err != nil || !reflect.DeepEqual(got, []string{"end"}) {
		t.Errorf("last message = %q, %v; want [end]", got, err)
	}
	if got, err := pull.RecvMessageBytes(DONTWAIT); AsErrno(err) != Errno(syscall.EAGAIN) || got == nil || len(got) != 0 {
		t.Errorf("RecvMessageBytes(DONTWAIT) on empty = %q, %v; want [], EAGAIN", got, err)
	}
}

func TestSendMessageError(t *testing.T) {
	ctx := newTestContext(t)
	s := newTestSocket(t, ctx, PUSH) // no peer: DONTWAIT sends fail
	if n, err := s.SendMessageDontwait("a", "b"); n != -1 || AsErrno(err) != Errno(syscall.EAGAIN) {
		t.Errorf("SendMessageDontwait without peer = %d, %v; want -1, EAGAIN", n, err)
	}
	s.Close()
	if n, err := s.SendMessage("a"); n != -1 || err != ErrorSocketClosed {
		t.Errorf("SendMessage on closed = %d, %v; want -1, ErrorSocketClosed", n, err)
	}
}

func TestLastFramePart(t *testing.T) {
	tests := []struct {
		parts []interface{}
		want  int
	}{
		{nil, -1},
		{[]interface{}{[]string{}}, -1},
		{[]interface{}{"a"}, 0},
		{[]interface{}{"a", []string{}, [][]byte{}}, 0},
		{[]interface{}{"a", nil}, 1},
		{[]interface{}{[][]byte{{1}}, []string{}}, 0},
		{[]interface{}{"a", []string{"b"}}, 1},
	}
	for _, c := range tests {
		if got := lastFramePart(c.parts); got != c.want {
			t.Errorf("lastFramePart(%v) = %d, want %d", c.parts, got, c.want)
		}
	}
}

func TestRecvPartByPart(t *testing.T) {
	ctx := newTestContext(t)
	pull, push := newConnected(t, ctx, PULL, PUSH)
	recvTimeout(t, pull)
	if _, err := push.SendMessage("one", "two", "three"); err != nil {
		t.Fatal(err)
	}
	first, err := pull.Recv(0)
	if err != nil || first != "one" {
		t.Fatalf("Recv = %q, %v", first, err)
	}
	if more, err := pull.GetRcvmore(); !more || err != nil {
		t.Fatalf("GetRcvmore = %v, %v; want true", more, err)
	}
	// RecvMessage returns the rest of a message already begun.
	rest, err := pull.RecvMessage(0)
	if err != nil || !reflect.DeepEqual(rest, []string{"two", "three"}) {
		t.Errorf("RecvMessage = %q, %v", rest, err)
	}
	if more, _ := pull.GetRcvmore(); more {
		t.Error("GetRcvmore after the last part = true")
	}

	if _, err := push.SendMessage("m", "n"); err != nil {
		t.Fatal(err)
	}
	msg, meta, err := pull.RecvMessageWithMetadata(0, "Peer-Address")
	if err != nil || !reflect.DeepEqual(msg, []string{"m", "n"}) || meta == nil {
		t.Errorf("RecvMessageWithMetadata = %q, %v, %v", msg, meta, err)
	}
}
