package tmpl

import (
	"net/http"
	"os"
	"text/template"
)

var t = template.Must(template.New("t").Parse(`<p>{{.}}</p>`))

func handler(w http.ResponseWriter, r *http.Request) {
	t.Execute(w, r.FormValue("name")) // want `text/template executed into an http\.ResponseWriter does not escape HTML; use html/template`
	t.ExecuteTemplate(w, "t", nil)    // want `text/template executed into an http\.ResponseWriter`
}

func toStdout() {
	t.Execute(os.Stdout, "generating a config file is fine")
}
