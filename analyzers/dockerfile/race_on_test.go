//go:build race

package dockerfile_test

import "time"

// The race detector slows the parser about tenfold: the large-input test scans less and waits
// longer under it, and still proves that time grows with the input, not explosively.
const (
	largeInputBytes = 2 << 20
	largeInputLimit = 60 * time.Second
)
