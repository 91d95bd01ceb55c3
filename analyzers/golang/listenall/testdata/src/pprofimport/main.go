package main

import (
	"net/http"
	_ "net/http/pprof" // want `net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which this package serves \(main.go:10\)`
)

func main() {
	http.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	http.ListenAndServe("127.0.0.1:8080", nil)
}
