package main

import (
	"net/http"

	_ "example.com/debug"
)

func main() {
	srv := &http.Server{Addr: "127.0.0.1:8080"} // want `this serves http.DefaultServeMux, where example.com/debug registers /debug/pprof/`
	srv.ListenAndServe()
}
