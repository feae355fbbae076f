module github.com/monocoque-go/monocoque

go 1.23

require go.uber.org/goleak v1.3.0

require (
	golang.org/x/crypto v0.33.0
	golang.org/x/sys v0.30.0
)
