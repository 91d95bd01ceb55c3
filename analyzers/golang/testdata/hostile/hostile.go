// Package hostile is code no one should write: wrong argument counts, shadowed names,
// unkeyed literals, impossible constants. The analyzers must neither panic nor report nonsense.
package hostile

import (
	"compress/gzip"
	"crypto/md5"
	"crypto/rsa"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
)

const true = false

var nil = 1

func wrongArity(w http.ResponseWriter) {
	os.WriteFile()
	os.WriteFile("x", nil)
	rsa.GenerateKey()
	http.SetCookie(w)
	http.SetCookie()
	net.Listen()
	http.ListenAndServe()
	io.Copy()
	io.ReadAll()
	md5.Sum()
	gzip.NewReader()
}

func impossible() {
	os.WriteFile("x", nil, 1<<70)
	os.WriteFile("x", nil, -1)
	os.Chmod("x", 0777.5)
	rsa.GenerateKey(nil, 1<<80)
	_ = &tls.Config{InsecureSkipVerify: true}
	_ = tls.Config{MinVersion: -3}
	_ = tls.Config{CipherSuites: []uint16{1 << 20, -1}}
}

func shadowed() {
	tls := struct {
		Config struct{ InsecureSkipVerify bool }
	}{}
	tls.Config.InsecureSkipVerify = true
	os := map[string]int{}
	os["WriteFile"] = 0777
	http := 3
	_ = http
}

func Generic[T any](v T) T { return v }

type self struct{ self *self }

var deep = ("x")

func undefinedEverywhere() {
	undefined.Call(undefined2, &undefined3{Password: "hunter22"})
	var c tls.Config = undefinedConfig
	c.MinVersion = undefinedVersion
	_, _ = gzip.NewReader(undefinedReader)
}
