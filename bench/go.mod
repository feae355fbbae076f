module github.com/monocoque-go/monocoque/bench

go 1.23

require (
	github.com/monocoque-go/monocoque v0.0.0
	github.com/pebbe/zmq4 v1.4.0
)

require (
	golang.org/x/crypto v0.33.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
)

replace github.com/monocoque-go/monocoque => ../
