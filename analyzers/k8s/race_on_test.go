//go:build race

package k8s_test

// raceEnabled stretches time bounds: the race detector slows parsing about tenfold.
const raceEnabled = true
