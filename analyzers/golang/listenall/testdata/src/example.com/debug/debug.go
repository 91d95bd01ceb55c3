// Package debug turns on profiling for whoever imports it.
package debug

import _ "net/http/pprof"
