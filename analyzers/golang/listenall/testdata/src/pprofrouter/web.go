package pprofrouter

import (
	"net/http"
	_ "net/http/pprof" // want `net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which this package serves \(web.go:17\)`
)

type router struct{}

func (router) Get(path string, h http.HandlerFunc) {}

func register(mux *http.ServeMux) {
	http.DefaultServeMux.HandleFunc("/healthz", func(http.ResponseWriter, *http.Request) {}) // registering is not serving
}

func routes(r router) {
	r.Get("/debug/*subpath", http.DefaultServeMux.ServeHTTP)
}
