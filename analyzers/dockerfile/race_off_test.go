//go:build !race

package dockerfile_test

import "time"

const (
	largeInputBytes = 10 << 20
	largeInputLimit = 20 * time.Second
)
