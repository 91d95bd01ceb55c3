package main

import (
	"crypto/des"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rc4"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

func hashPassword(password string) string {
	sum := md5.Sum([]byte(password)) // expect: weak-hash
	return hex.EncodeToString(sum[:])
}

func signToken(token string) []byte {
	h := sha1.New() // expect: weak-hash
	h.Write([]byte(token))
	return h.Sum(nil)
}

func hashPasswordSafe(password string) [32]byte { return sha256.Sum256([]byte(password)) }

func etag(w http.ResponseWriter, body []byte) {
	sum := md5.Sum(body) // safe: an ETag, not security
	w.Header().Set("ETag", hex.EncodeToString(sum[:]))
}

func mac(key, msg []byte) []byte {
	m := hmac.New(sha1.New, key) // safe: HMAC-SHA1 is not broken
	m.Write(msg)
	return m.Sum(nil)
}

func encrypt(key []byte) {
	des.NewCipher(key) // expect: weak-cipher
	rc4.NewCipher(key) // expect: weak-cipher
}

func keys() {
	rsa.GenerateKey(rand.Reader, 1024) // expect: weak-key
	rsa.GenerateKey(rand.Reader, 3072) // safe
}
