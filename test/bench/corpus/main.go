// Command corpus is a set of vulnerable HTTP handlers, one or more per rule class, next to safe
// variants of the same code. Every line a scanner should report ends with a comment
// "expect: CLASS"; test/bench/gosec.sh measures each tool's recall per class against them and
// counts every other finding as a false positive.
package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // expect: pprof-exposed
)

func main() {
	http.HandleFunc("/user", userHandler)
	http.HandleFunc("/run", runHandler)
	http.HandleFunc("/file", fileHandler)
	http.HandleFunc("/fetch", fetchHandler)
	http.HandleFunc("/hello", helloHandler)
	log.Fatal(http.ListenAndServe(":8080", nil)) // expect: server-timeout, listen-all-interfaces
}
