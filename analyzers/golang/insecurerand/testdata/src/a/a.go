package a

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"math/rand"
	randv2 "math/rand/v2"
	"strconv"
	"time"
)

const letters = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomString picks letters with math/rand; whether that is a problem depends on the use.
func randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rand.Intn(len(letters))]
	}
	return string(b)
}

func localVariable() string {
	token := randomString(32) // want `security value generated with math/rand: rand\.Intn \(a\.go:21\) reaches variable token \(a\.go:27\)`
	return token
}

func resetCode() string {
	resetCode := strconv.Itoa(100000 + randv2.IntN(900000)) // want `rand\.IntN \(a\.go:32\) reaches variable resetCode`
	return resetCode
}

func generateSessionID() string {
	return fmt.Sprintf("%x", rand.Int63()) // want `rand\.Int63 .* reaches result of generateSessionID`
}

type Session struct {
	ID      string
	Created time.Time
}

func newSession() *Session {
	return &Session{ID: hex.EncodeToString([]byte(randomString(16))), Created: time.Now()} // want `reaches field Session\.ID`
}

type user struct {
	Name          string
	PasswordReset string
}

func setPassword(u *user, password string) { u.Name = u.Name + password[:0] }

func parameter(u *user) {
	setPassword(u, randomString(12)) // want `reaches parameter password of a\.setPassword`
}

func readBytes() []byte {
	key := make([]byte, 32) // want `rand\.Read \(a\.go:62\) reaches variable key`
	rand.Read(key)
	return key
}

func cipherKey(size int) {
	buf := make([]byte, size)
	rand.Read(buf)
	block, _ := aes.NewCipher(buf) // want `rand\.Read \(a\.go:68\) reaches aes\.NewCipher`
	_ = block
}

func nonce(aead cipher.AEAD, msg []byte) []byte {
	n := make([]byte, aead.NonceSize())
	for i := range n {
		n[i] = byte(rand.Intn(256))
	}
	return aead.Seal(nil, n, msg, nil) // want `reaches \(cipher\.AEAD\)\.Seal`
}

func generator() {
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	rsa.GenerateKey(r, 2048) // want `math/rand generator used as the randomness source of rsa\.GenerateKey`
}

// Jitter, sampling and picking are what math/rand is for.
func jitter(base time.Duration) time.Duration {
	return base + time.Duration(rand.Int63n(int64(base)))
}

func backoff(attempt int) {
	time.Sleep(time.Duration(rand.Intn(100)*attempt) * time.Millisecond)
}

func pick(servers []string) string {
	server := servers[rand.Intn(len(servers))]
	return server
}

func shuffle(xs []int) {
	rand.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
}

func cacheKey() string {
	key := fmt.Sprintf("item:%d", rand.Int()) // a string key is a map or cache key
	return key
}

func requestID() string {
	requestID := randomString(8)
	return requestID
}
