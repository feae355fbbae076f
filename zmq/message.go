package zmq4

import (
	"fmt"

	"github.com/monocoque-go/monocoque/core"
)

// SendMessage sends a multipart message and returns the total number of
// bytes sent, or -1 and an error.
//
// Each part is sent as one message part: a string or []byte as is, each
// element of a []string or [][]byte as a part of its own, and anything
// else as the text fmt.Sprintf("%v", part) gives. Empty []string and
// [][]byte parts add nothing; with no parts at all nothing is sent.
func (soc *Socket) SendMessage(parts ...interface{}) (total int, err error) {
	return soc.sendMessage(0, parts...)
}

// SendMessageDontwait is SendMessage with the DONTWAIT flag.
func (soc *Socket) SendMessageDontwait(parts ...interface{}) (total int, err error) {
	return soc.sendMessage(DONTWAIT, parts...)
}

func (soc *Socket) sendMessage(flags Flag, parts ...interface{}) (int, error) {
	total := 0
	last := lastFramePart(parts)
	send := func(b []byte, more bool) error {
		f := flags
		if more {
			f |= SNDMORE
		}
		n, err := soc.SendBytes(b, f)
		total += n
		return err
	}
	for i := 0; i <= last; i++ {
		var err error
		switch p := parts[i].(type) {
		case string:
			err = send(stringBytes(p), i < last)
		case []byte:
			err = send(p, i < last)
		case []string:
			for j, s := range p {
				if err = send(stringBytes(s), i < last || j < len(p)-1); err != nil {
					break
				}
			}
		case [][]byte:
			for j, b := range p {
				if err = send(b, i < last || j < len(p)-1); err != nil {
					break
				}
			}
		default:
			err = send([]byte(fmt.Sprintf("%v", p)), i < last)
		}
		if err != nil {
			return -1, err
		}
	}
	return total, nil
}

// lastFramePart returns the index of the last part that contributes a
// frame, so that its last frame goes without SNDMORE; -1 if none does.
func lastFramePart(parts []interface{}) int {
	for i := len(parts) - 1; i >= 0; i-- {
		switch p := parts[i].(type) {
		case []string:
			if len(p) > 0 {
				return i
			}
		case [][]byte:
			if len(p) > 0 {
				return i
			}
		default:
			return i
		}
	}
	return -1
}

// RecvMessage receives a whole multipart message as strings. On error the
// message is empty.
func (soc *Socket) RecvMessage(flags Flag) (msg []string, err error) {
	frames, err := soc.RecvMessageBytes(flags)
	msg = make([]string, len(frames))
	for i, f := range frames {
		msg[i] = bytesString(f)
	}
	return msg, err
}

// RecvMessageBytes receives a whole multipart message. If a part of the
// message was already received with RecvBytes, it returns the rest. On
// error the message is empty.
func (soc *Socket) RecvMessageBytes(flags Flag) (msg [][]byte, err error) {
	s, err := soc.core()
	if err != nil {
		return [][]byte{}, err
	}
	msg, err = s.RecvMsg(core.Flag(flags))
	if err != nil {
		return [][]byte{}, toErr(err)
	}
	return msg, nil
}

// RecvMessageWithMetadata receives a whole multipart message as strings,
// with the metadata of its first part (see RecvWithMetadata).
func (soc *Socket) RecvMessageWithMetadata(flags Flag, properties ...string) (msg []string, metadata map[string]string, err error) {
	b, p, err := soc.RecvMessageBytesWithMetadata(flags, properties...)
	msg = make([]string, len(b))
	for i, f := range b {
		msg[i] = bytesString(f)
	}
	return msg, p, err
}

// RecvMessageBytesWithMetadata receives a whole multipart message, with the
// metadata of its first part (see RecvBytesWithMetadata).
func (soc *Socket) RecvMessageBytesWithMetadata(flags Flag, properties ...string) (msg [][]byte, metadata map[string]string, err error) {
	first, p, err := soc.RecvBytesWithMetadata(flags, properties...)
	if err != nil {
		return [][]byte{}, p, err
	}
	msg = [][]byte{first}
	for {
		more, err := soc.GetRcvmore()
		if err != nil || !more {
			return msg, p, err
		}
		b, err := soc.RecvBytes(flags)
		if err != nil {
			return msg, p, err
		}
		msg = append(msg, b)
	}
}
