//go:build race

package test

// raceSlowdown scales the hostile cases' time limits: the race detector makes the CPU-bound
// parts (inflating a bomb, hashing a tree) several times slower. The limits stay what they are
// for: catching work that grows without bound, which the byte counts pin more precisely.
const raceSlowdown = 5
