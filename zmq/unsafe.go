package zmq4

import "unsafe"

// stringBytes views s as bytes without copying. Only for handing data to
// the core's Send and SendMsg, which copy it and never write to it.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// bytesString views b as a string without copying. Only for frames the
// core handed over for good (Recv and RecvMsg give the caller the frames
// to keep) and that nothing else references.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
