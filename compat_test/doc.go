// Package compat checks that monocoque's zmq package is a drop-in
// replacement for github.com/pebbe/zmq4 v1.4.0: the same names with the
// same signatures (checked at compile time) and the same observable
// behaviour for a few error cases that programs branch on.
//
// It is a separate module because pebbe/zmq4 needs cgo and libzmq.
package compat
