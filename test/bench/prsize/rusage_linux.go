package main

import (
	"os"
	"syscall"
)

// peakRSS is the largest resident set of the process or of any descendant it waited for (Linux
// reports wait4's usage for both), in bytes.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // KiB on Linux
	}
	return 0
}
