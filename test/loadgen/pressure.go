package loadgen

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Stall reads Linux's pressure stall information: the share of a period in which some task on
// the machine — the load's or a neighbour's — waited for CPU, or for IO. On a shared machine it
// tells a run slowed by other work from one slowed by the code under load.
type Stall struct {
	at      time.Time
	cpu, io int64 // cumulative µs
	ok      bool
}

// StartStall notes the stall totals now.
func StartStall() Stall {
	cpu, io, ok := stallTotals()
	return Stall{at: time.Now(), cpu: cpu, io: io, ok: ok}
}

// Since returns the shares (0..1) of the time since s in which some task waited for CPU and
// for IO; ok is false where the kernel does not report them.
func (s Stall) Since() (cpu, io float64, ok bool) {
	c, i, now := stallTotals()
	if !s.ok || !now {
		return 0, 0, false
	}
	us := float64(time.Since(s.at).Microseconds())
	if us <= 0 {
		return 0, 0, false
	}
	return float64(c-s.cpu) / us, float64(i-s.io) / us, true
}

// String formats the shares since s as "CPU 12%, IO 3%", or "n/a".
func (s Stall) String() string {
	cpu, io, ok := s.Since()
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("CPU %.0f%%, IO %.0f%%", 100*cpu, 100*io)
}

// stallTotals reads the cumulative "some" stall time (µs) of CPU and IO.
func stallTotals() (cpu, io int64, ok bool) {
	read := func(resource string) (int64, bool) {
		b, err := os.ReadFile("/proc/pressure/" + resource)
		if err != nil {
			return 0, false
		}
		first, _, _ := strings.Cut(string(b), "\n")
		for _, f := range strings.Fields(first) {
			if v, found := strings.CutPrefix(f, "total="); found {
				n, err := strconv.ParseInt(v, 10, 64)
				return n, err == nil
			}
		}
		return 0, false
	}
	cpu, okc := read("cpu")
	io, oki := read("io")
	return cpu, io, okc && oki
}
