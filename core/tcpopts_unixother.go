//go:build unix && !linux

package core

// bindToDevice has no effect here: SO_BINDTODEVICE is Linux's (libzmq
// likewise ignores BINDTODEVICE elsewhere).
func bindToDevice(int, string) error { return nil }

// setMaxRT has no effect here: TCP_USER_TIMEOUT is Linux's.
func setMaxRT(int, int) error { return nil }
