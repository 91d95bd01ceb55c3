// Package params returns request data from helpers: its results are sources for importers.
package params

import "net/http"

func Name(r *http.Request) string { // want Name:`result←p0,r\.URL \(params\.go:7\)`
	return r.URL.Query().Get("name")
}
