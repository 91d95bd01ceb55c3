package a

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
)

var page = template.Must(template.New("p").Parse(`<p>{{.}}</p>`))

func trustedType(w http.ResponseWriter, r *http.Request) {
	msg := template.HTML(r.FormValue("msg")) // want `untrusted data marked as safe HTML: r\.FormValue \(a\.go:15\) reaches template\.HTML\(…\) \(a\.go:15\)`
	page.Execute(w, msg)
}

func escapedString(w http.ResponseWriter, r *http.Request) {
	page.Execute(w, r.FormValue("msg")) // html/template escapes plain strings
	page.Execute(w, template.HTML(html.EscapeString(r.FormValue("msg"))))
	page.Execute(w, template.HTML("<b>constant</b>"))
}

func trustedURL(w http.ResponseWriter, r *http.Request) {
	page.Execute(w, template.URL(r.URL.Query().Get("next"))) // want `reaches template\.URL\(…\)`
}

func writeRaw(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte(r.FormValue("q"))) // want `untrusted data written unescaped to an HTML response: r\.FormValue \(a\.go:30\) reaches \(http\.ResponseWriter\)\.Write`
}

func fprintfMarkup(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "<h1>Hello %s</h1>", r.FormValue("name")) // want `reaches fmt\.Fprintf`
}

func markupEarlier(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "<html><body>")
	fmt.Fprintf(w, "Results for %s", r.FormValue("q")) // want `reaches fmt\.Fprintf`
}

func plainText(w http.ResponseWriter, r *http.Request) {
	// the body starts with constant text: Go sniffs text/plain
	fmt.Fprintf(w, "Hello, %s", r.FormValue("name"))
	io.WriteString(w, "You searched for "+r.FormValue("q"))
}

func explicitHTML(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "Hello, %s", r.FormValue("name")) // want `reaches fmt\.Fprintf`
}

func jsonContentType(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"q":"` + r.FormValue("q") + `"}`))
}

func escaped(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(r.FormValue("q")))
	data, _ := json.Marshal(r.FormValue("q"))
	w.Write(data)
}

func httpError(w http.ResponseWriter, r *http.Request) {
	// http.Error sets text/plain and nosniff
	http.Error(w, "bad value: "+r.FormValue("v"), http.StatusBadRequest)
}

func echoBody(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Write(body) // want `r\.Body .* reaches \(http\.ResponseWriter\)\.Write`
}

// render writes its parameter; the caller's source is reported here.
func render(w http.ResponseWriter, s string) {
	fmt.Fprint(w, s) // want `r\.FormValue \(a\.go:80\) reaches fmt\.Fprint`
}

func viaHelper(w http.ResponseWriter, r *http.Request) {
	render(w, r.FormValue("s"))
}

func number(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "%d", len(r.FormValue("s")))
}
