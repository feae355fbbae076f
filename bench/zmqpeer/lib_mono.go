//go:build !pebbe

package main

import zmq "github.com/monocoque-go/monocoque/zmq"

// The peer's ZeroMQ library: monocoque's pebbe/zmq4-style facade. Built
// with -tags pebbe, lib_pebbe.go puts libzmq (through pebbe/zmq4) here
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
