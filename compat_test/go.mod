module github.com/monocoque-go/monocoque/compat_test

go 1.23

require (
	github.com/monocoque-go/monocoque v0.0.0
	github.com/pebbe/zmq4 v1.4.0
)

replace github.com/monocoque-go/monocoque => ../
