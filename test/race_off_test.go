//go:build !race

package test

const raceSlowdown = 1
