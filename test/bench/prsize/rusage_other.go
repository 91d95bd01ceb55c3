//go:build !linux

package main

import "os"

// peakRSS is not measured off Linux, where Maxrss has other units or is missing; the report
// shows 0.
func peakRSS(*os.ProcessState) int64 { return 0 }
