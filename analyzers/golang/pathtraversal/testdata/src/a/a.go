package a

import (
	"archive/tar"
	"archive/zip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

const base = "/srv/files"

func open(w http.ResponseWriter, r *http.Request) {
	f, err := os.Open(filepath.Join(base, r.URL.Query().Get("name"))) // want `file path built from untrusted data: r\.URL \(a\.go:16\) reaches os\.Open \(a\.go:16\)`
	if err != nil {
		return
	}
	defer f.Close()
	io.Copy(w, f)
}

func baseName(w http.ResponseWriter, r *http.Request) {
	data, _ := os.ReadFile(filepath.Join(base, filepath.Base(r.FormValue("name"))))
	w.Write(data)
}

func cleanAndPrefix(w http.ResponseWriter, r *http.Request) {
	p := filepath.Clean(filepath.Join(base, r.FormValue("name")))
	if !strings.HasPrefix(p, base+string(os.PathSeparator)) {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	http.ServeFile(w, r, p)
}

func prefixWithoutClean(w http.ResponseWriter, r *http.Request) {
	p := r.FormValue("name")
	if !strings.HasPrefix(p, base) { // "/srv/files/../../etc/passwd" passes this check
		return
	}
	http.ServeFile(w, r, p) // want `reaches http\.ServeFile`
}

func isLocal(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	if !filepath.IsLocal(name) {
		return
	}
	os.Remove(filepath.Join(base, name))
}

func rel(w http.ResponseWriter, r *http.Request) {
	target := filepath.Join(base, r.FormValue("name"))
	rel, err := filepath.Rel(base, target)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	os.WriteFile(target, nil, 0o600)
}

func checkOnOtherBranch(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	if filepath.IsLocal(name) {
		w.Write([]byte("ok"))
	}
	os.Remove(name) // want `reaches os\.Remove`
}

func root(w http.ResponseWriter, r *http.Request) {
	f, err := os.OpenInRoot(base, r.FormValue("name")) // os.Root confines the name
	if err == nil {
		f.Close()
	}
}

func extractZip(zr *zip.Reader, dest string) error {
	for _, f := range zr.File {
		path := filepath.Join(dest, f.Name)
		out, err := os.Create(path) // want `archive entry name used as a path without a containment check \(zip slip\): \(\*zip\.FileHeader\)\.Name \(a\.go:80\) reaches os\.Create`
		if err != nil {
			return err
		}
		out.Close()
	}
	return nil
}

func extractZipChecked(zr *zip.Reader, dest string) error {
	for _, f := range zr.File {
		path := filepath.Join(dest, f.Name)
		if !strings.HasPrefix(path, filepath.Clean(dest)+string(os.PathSeparator)) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		out, err := os.Create(path)
		if err != nil {
			return err
		}
		out.Close()
	}
	return nil
}

func extractTar(tr *tar.Reader, dest string) error {
	for {
		hdr, err := tr.Next()
		if err != nil {
			return err
		}
		target := filepath.Join(dest, hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			os.MkdirAll(target, 0o755) // want `zip slip.*\(\*tar\.Header\)\.Name .* reaches os\.MkdirAll`
		case tar.TypeSymlink:
			os.Symlink(hdr.Linkname, target) // want `zip slip.*\(\*tar\.Header\)\.Linkname .* reaches os\.Symlink`
		}
	}
}

func extractTarContains(tr *tar.Reader, dest string) error {
	for {
		hdr, err := tr.Next()
		if err != nil {
			return err
		}
		if strings.Contains(hdr.Name, "..") {
			continue
		}
		os.MkdirAll(filepath.Join(dest, hdr.Name), 0o755)
	}
}

func listZip(zr *zip.Reader) {
	for _, f := range zr.File {
		// reading a file named after an entry is not zip slip
		os.Stat(f.Name)
		os.ReadFile(filepath.Join("/tmp", f.Name))
	}
}
