package main

import (
	"net/http"
	_ "net/http/pprof"
)

// The public server has its own mux: pprof stays on the default mux, which nothing serves.
func main() {
	mux := http.NewServeMux()
	srv := &http.Server{Addr: "127.0.0.1:8080"}
	srv.Handler = mux
	srv.ListenAndServe()
}
