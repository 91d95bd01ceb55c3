package taint

import "slices"

// An origin is where a value's taint comes from, as a small integer so that taint sets are
// cheap to merge. The ranges are fixed so that the symbolic origins need no table:
//
//	[0, maxParams)                   parameter i of the function being analysed
//	[maxParams, 2*maxParams)         free variable i of the closure being analysed
//	[firstSource, …)                 a source, an index into engine.sources (+ firstSource)
//
// Parameters and free variables are placeholders for whatever the caller passes; a summary
// records what happens to them and a call site substitutes the actual arguments.
type origin = int32

const (
	maxParams   = 256
	firstSource = 2 * maxParams
	// maxSources bounds how many distinct sources one set remembers; the earliest are kept.
	// Symbolic origins are never dropped, so summaries stay complete.
	maxSources = 8
)

func paramOrigin(i int) origin {
	if i >= maxParams {
		i = maxParams - 1
	}
	return origin(i)
}

func freeVarOrigin(i int) origin {
	if i >= maxParams {
		i = maxParams - 1
	}
	return origin(maxParams + i)
}

func isParam(o origin) bool   { return o < maxParams }
func isFreeVar(o origin) bool { return o >= maxParams && o < firstSource }
func isSource(o origin) bool  { return o >= firstSource }

// tset is a sorted set of origins. Sets are never modified in place once shared.
type tset []origin

func single(o origin) tset { return tset{o} }

// union returns a ∪ b, sharing a or b when one contains the other.
func union(a, b tset) tset {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make(tset, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	out = append(out, b[j:]...)
	out = capSources(out)
	switch {
	case slices.Equal(out, a):
		return a
	case slices.Equal(out, b):
		return b
	}
	return out
}

func capSources(s tset) tset {
	n := 0
	for i, o := range s {
		if isSource(o) {
			n++
			if n > maxSources {
				return s[:i]
			}
		}
	}
	return s
}

// sources returns the source origins of s.
func (s tset) sources() tset {
	i, _ := slices.BinarySearch(s, firstSource)
	return s[i:]
}

// symbolic returns the parameter and free-variable origins of s.
func (s tset) symbolic() tset {
	i, _ := slices.BinarySearch(s, firstSource)
	return s[:i]
}
