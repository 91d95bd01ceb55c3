package a

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io/ioutil"
	"os"
	"path/filepath"
)

const shared = 0o666

func write(dir string, data []byte, key *rsa.PrivateKey) {
	os.WriteFile("out.txt", data, 0777)                     // want `os.WriteFile makes the file world-writable \(mode 0777\)`
	os.WriteFile("out.txt", data, shared)                   // want `world-writable \(mode 0666\)`
	ioutil.WriteFile("out.txt", data, 0o666)                // want `ioutil.WriteFile makes the file world-writable`
	os.WriteFile("out.txt", data, 0644)                     // ordinary file readable by all: fine
	os.WriteFile("out.txt", data, 0600)                     // fine
	os.WriteFile(filepath.Join(dir, "tls.key"), data, 0644) // want `os.WriteFile makes a file that looks secret world-readable \(mode 0644\)`
	os.WriteFile("token", data, 0o640)                      // group only: fine

	tokenPath := filepath.Join(dir, "t")
	os.WriteFile(tokenPath, data, 0644) // want `looks secret world-readable`

	der := x509.MarshalPKCS1PrivateKey(key)
	os.WriteFile("out", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0644) // want `looks secret world-readable`

	os.Mkdir(dir, 0777)                         // want `os.Mkdir makes the directory world-writable \(mode 0777\)`
	os.MkdirAll(dir, os.ModePerm)               // want `os.MkdirAll makes the directory world-writable`
	os.MkdirAll(dir, 0755)                      // fine
	os.MkdirAll("/etc/app/secrets", 0755)       // want `os.MkdirAll makes a directory that looks secret world-readable`
	os.Mkdir("/tmp/shared", os.ModeSticky|0777) // sticky like /tmp: fine

	os.Chmod("run.sh", 0777) // want `os.Chmod makes the path world-writable`
	os.Chmod("run.sh", 0755) // fine

	f, _ := os.OpenFile("log.txt", os.O_CREATE|os.O_WRONLY, 0666) // want `os.OpenFile makes the file world-writable`
	f.Chmod(0o777)                                                // want `\(\*os.File\).Chmod makes the path world-writable`
	os.OpenFile("log.txt", os.O_WRONLY, 0666)                     // no O_CREATE: the mode is ignored
}

func fromConfig(path string, data []byte, mode os.FileMode) {
	os.WriteFile(path, data, mode) // not a constant: not reported
}
