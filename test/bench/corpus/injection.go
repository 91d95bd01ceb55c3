package main

import (
	"archive/zip"
	"database/sql"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

var db *sql.DB

func userHandler(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	rows, err := db.Query("SELECT name FROM users WHERE id = " + id) // expect: sql-injection
	if err == nil {
		rows.Close()
	}
	rows, err = db.Query(fmt.Sprintf("SELECT name FROM users WHERE email = '%s'", r.FormValue("email"))) // expect: sql-injection
	if err == nil {
		rows.Close()
	}
	rows, err = db.Query("SELECT name FROM users WHERE id = $1", id) // safe: a parameter
	if err == nil {
		rows.Close()
	}
}

func runHandler(w http.ResponseWriter, r *http.Request) {
	host := r.FormValue("host")
	err := exec.Command("sh", "-c", "ping -c 1 "+host).Run() // expect: command-injection
	err = exec.Command("ping", "-c", "1", "--", host).Run()  // safe enough: no shell, argument list
	if err != nil {
		http.Error(w, "unreachable", http.StatusBadGateway)
	}
}

func fileHandler(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	w.Header().Set("Content-Type", "application/octet-stream")
	f, err := os.Open(filepath.Join("/srv/files", name)) // expect: path-traversal
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	f.Close()
	clean := filepath.Base(name)
	f, err = os.Open(filepath.Join("/srv/files", clean)) // safe: base name only
	if err == nil {
		f.Close()
	}
}

func unzip(src, dst string) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		out, err := os.Create(filepath.Join(dst, f.Name)) // expect: zip-slip
		if err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		io.Copy(out, rc) // expect: decompression-bomb
		rc.Close()
		out.Close()
	}
	return nil
}

func fetchHandler(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("url")
	resp, err := http.Get(target) // expect: ssrf
	if err != nil {
		return
	}
	defer resp.Body.Close()
	io.Copy(w, io.LimitReader(resp.Body, 1<<20))
}

var page = template.Must(template.New("p").Parse(`<p>{{.}}</p>`))

func helloHandler(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	fmt.Fprintf(w, "<h1>Hello %s</h1>", name)                            // expect: xss
	page.Execute(w, template.HTML("<b>"+name+"</b>"))                    // expect: xss
	page.Execute(w, name)                                                // safe: escaped by html/template
	fmt.Fprintf(w, "<h1>Hello %s</h1>", template.HTMLEscapeString(name)) // safe: escaped
	_ = strings.ToUpper(name)
}
