package a

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"testing"
)

func TestKeys(t *testing.T) {
	rsa.GenerateKey(rand.Reader, 512) // test keys protect nothing: not reported
	md5.Sum([]byte("password"))
}
