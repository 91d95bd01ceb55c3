// Command textapp calls one vulnerable function of golang.org/x/text directly, reaches another
// only through an HTTP handler that net/http calls, and imports a package whose vulnerable
// functions it never calls.
package main

import (
	"fmt"
	"net/http"

	"golang.org/x/text/language"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

func main() {
	tag, err := language.Parse("en-US")
	fmt.Println(tag, err)
	var t transform.Transformer = transform.Nop
	fmt.Println(t != nil, norm.NFC)
	http.HandleFunc("/", negotiate)
	_ = http.ListenAndServe("127.0.0.1:0", nil)
}

// negotiate is only ever called by net/http.
func negotiate(w http.ResponseWriter, r *http.Request) {
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	fmt.Fprintln(w, tags)
}
