package a

import (
	"crypto"
	"crypto/des"
	"crypto/dsa"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rc4"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
)

func hashPassword(password string) string {
	sum := md5.Sum([]byte(password)) // want `MD5 is used where collisions matter \(md5.Sum\)`
	return hex.EncodeToString(sum[:])
}

func token(id string) []byte {
	h := sha1.New() // want `SHA-1 is used where collisions matter \(sha1.New\)`
	h.Write([]byte(id))
	return h.Sum(nil)
}

func strong(b []byte) [32]byte { return sha256.Sum256(b) }

// Non-security uses: an HMAC, an ETag, a checksum of a file, a cache key.

func mac(key, msg []byte) []byte {
	m := hmac.New(sha1.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

func serve(w http.ResponseWriter, body []byte) {
	sum := md5.Sum(body)
	w.Header().Set("ETag", fmt.Sprintf("%x", sum))
	w.Write(body)
}

func fileChecksum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func lookup(cache map[string][]byte, url string) []byte {
	cacheKey := hex.EncodeToString(sha1.New().Sum([]byte(url)))
	return cache[cacheKey]
}

type object struct{ ETag string }

func describe(b []byte) object {
	return object{ETag: fmt.Sprintf("%x", md5.Sum(b))}
}

// A checksum of a password is still a password hash.
func passwordChecksum(password string) [16]byte {
	return md5.Sum([]byte(password)) // want `MD5 is used where collisions matter`
}

func ciphers(key []byte) {
	des.NewCipher(key)          // want `DES has a 56-bit key`
	des.NewTripleDESCipher(key) // want `3DES has a 64-bit block`
	rc4.NewCipher(key)          // want `RC4 output is biased`
}

func keys() {
	rsa.GenerateKey(rand.Reader, 1024) // want `RSA key of 1024 bits is too short; use at least 2048 bits`
	rsa.GenerateKey(rand.Reader, 2048)
	rsa.GenerateKey(rand.Reader, 4096)
	const small = 512
	rsa.GenerateMultiPrimeKey(rand.Reader, 3, small) // want `RSA key of 512 bits`
}

func bits(n int) { rsa.GenerateKey(rand.Reader, n) } // not a constant: not reported

func dsaKey() {
	var params dsa.Parameters
	dsa.GenerateParameters(&params, rand.Reader, dsa.L1024N160) // want `DSA is deprecated`
}

func sign(priv *rsa.PrivateKey, digest []byte) {
	rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA1, digest) // want `signature uses crypto.SHA1`
	rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest)
}

var template = x509.Certificate{SignatureAlgorithm: x509.SHA1WithRSA} // want `certificate signature algorithm x509.SHA1WithRSA relies on a broken hash`

func md5HashAsMetricValue(data []byte) float64 {
	sum := md5.Sum(data) // a hash exported as a metric: not security
	return float64(sum[0])
}
