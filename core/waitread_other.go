//go:build !unix

package core

import "net"

// readWaiter is not available here: engines hold their read buffer while
// they wait.
func readWaiter(net.Conn) func() error { return nil }
