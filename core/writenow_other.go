//go:build !unix

package core

import "net"

// writeNow is not available here: the connection's writer goroutine does
// every write.
func writeNow(net.Conn) func(b []byte) (int, error) { return nil }
