// Command tcppeer is the plain TCP end of a benchmark scenario of the suite
// in bench/: the ceiling for throughput and the floor for round trips. It
// sends each body after a 4-byte big-endian length over tcp:// (or a Unix
// socket for ipc://) through 64 KiB buffers, with the command line and
// output of the contract in bench/PEERS.md (modes recv, send, echo, rtt;
// patterns pushpull and reqrep).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

const bufSize = 64 << 10

func main() {
	if len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: tcppeer MODE PATTERN ENDPOINT SIZE COUNT")
		os.Exit(1)
	}
	mode, endpoint := os.Args[1], os.Args[3]
	size, err1 := strconv.Atoi(os.Args[4])
	count, err2 := strconv.Atoi(os.Args[5])
	if err1 != nil || err2 != nil || size < 1 || count < 1 {
		fail(errors.New("SIZE and COUNT must be positive numbers"))
	}
	network, addr, err := parse(endpoint)
	check(err)
	switch mode {
	case "recv", "echo":
		if network == "unix" {
			os.Remove(addr)
		}
		l, err := net.Listen(network, addr)
		check(err)
		fmt.Println("READY") // the driver starts the sender now
		c, err := l.Accept()
		check(err)
		l.Close()
		if mode == "recv" {
			rate := receive(c, size, count)
			fmt.Printf("RESULT %.1f %d\n", rate, count)
		} else {
			echo(c, size, count+1)
		}
		c.Close()
	case "send", "rtt":
		c := dial(network, addr)
		if mode == "send" {
			transmit(c, size, count)
			io.Copy(io.Discard, os.Stdin) // as the ZeroMQ peers: until the receiver is done
		} else {
			fmt.Printf("RESULT %.3f\n", roundTrips(c, size, count))
		}
		c.Close()
	default:
		fail(fmt.Errorf("unknown mode %q", mode))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tcppeer:", err)
	os.Exit(1)
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

// parse maps a ZeroMQ endpoint to a network and address.
func parse(endpoint string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(endpoint, "tcp://"):
		return "tcp", strings.TrimPrefix(endpoint, "tcp://"), nil
	case strings.HasPrefix(endpoint, "ipc://"):
		return "unix", strings.TrimPrefix(endpoint, "ipc://"), nil
	}
	return "", "", fmt.Errorf("unsupported endpoint %q", endpoint)
}

// dial connects, retrying for a while as ZeroMQ's reconnect would: the
// receiver may not listen yet.
func dial(network, addr string) net.Conn {
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial(network, addr)
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			fail(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readMsg reads one length-prefixed body into buf (grown as needed).
func readMsg(r *bufio.Reader, buf []byte) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	_, err := io.ReadFull(r, buf)
	return buf, err
}

func writeMsg(w *bufio.Writer, body []byte) error {
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(body)))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func receive(c net.Conn, size, count int) float64 {
	r := bufio.NewReaderSize(c, bufSize)
	buf := make([]byte, size)
	var start time.Time
	for i := 0; i < count; i++ {
		b, err := readMsg(r, buf)
		check(err)
		if len(b) != size {
			fail(fmt.Errorf("message %d has %d bytes, want %d", i, len(b), size))
		}
		if i == 0 {
			start = time.Now()
		}
	}
	if count < 2 {
		return 0
	}
	return float64(count) / time.Since(start).Seconds()
}

func transmit(c net.Conn, size, count int) {
	w := bufio.NewWriterSize(c, bufSize)
	buf := make([]byte, size)
	for i := 0; i < count; i++ {
		check(writeMsg(w, buf))
	}
	check(w.Flush())
}

func echo(c net.Conn, size, n int) {
	r := bufio.NewReaderSize(c, bufSize)
	w := bufio.NewWriterSize(c, bufSize)
	buf := make([]byte, size)
	for i := 0; i < n; i++ {
		b, err := readMsg(r, buf)
		check(err)
		check(writeMsg(w, b))
		check(w.Flush())
	}
}

func roundTrips(c net.Conn, size, count int) float64 {
	r := bufio.NewReaderSize(c, bufSize)
	w := bufio.NewWriterSize(c, bufSize)
	buf := make([]byte, size)
	in := make([]byte, size)
	var start time.Time
	for i := 0; i <= count; i++ {
		if i == 1 {
			start = time.Now()
		}
		check(writeMsg(w, buf))
		check(w.Flush())
		b, err := readMsg(r, in)
		check(err)
		if len(b) != size {
			fail(fmt.Errorf("reply of %d bytes, want %d", len(b), size))
		}
	}
	return time.Since(start).Seconds() * 1e6 / float64(count)
}
