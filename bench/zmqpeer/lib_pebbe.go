//go:build pebbe

package main

import zmq "github.com/pebbe/zmq4"

// The peer's ZeroMQ library: libzmq through pebbe/zmq4 (built with -tags
// pebbe). Without the tag, lib_mono.go puts monocoque's facade here
// instead; the rest of the program is the same source for both.

type (
	socket = zmq.Socket
	typeOf = zmq.Type
)

var newSocket = zmq.NewSocket

const (
	typePUSH   = zmq.PUSH
	typePULL   = zmq.PULL
	typePUB    = zmq.PUB
	typeSUB    = zmq.SUB
	typeDEALER = zmq.DEALER
	typeROUTER = zmq.ROUTER
	typeREQ    = zmq.REQ
	typeREP    = zmq.REP
)

func term() { zmq.Term() }
