package githubapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// SignatureHeader is where GitHub puts the HMAC-SHA256 of a webhook body.
const SignatureHeader = "X-Hub-Signature-256"

// Errors of VerifySignature; none of them echoes the secret or the expected digest.
var (
	ErrNoSignature  = errors.New("missing X-Hub-Signature-256 header")
	ErrBadSignature = errors.New("signature does not match the webhook secret")
	ErrNoSecret     = errors.New("no webhook secret configured")
)

// Sign returns the header value GitHub sends for body under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks the header against every configured secret, so a secret can be rotated
// without dropping deliveries: GitHub signs with the new one while the old one is still accepted.
// The comparison is constant-time.
func VerifySignature(secrets [][]byte, header string, body []byte) error {
	if header == "" {
		return ErrNoSignature
	}
	hexDigest, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return ErrBadSignature
	}
	got, err := hex.DecodeString(hexDigest)
	if err != nil || len(got) != sha256.Size {
		return ErrBadSignature
	}
	usable := 0
	for _, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		usable++
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		if hmac.Equal(mac.Sum(nil), got) {
			return nil
		}
	}
	if usable == 0 {
		return ErrNoSecret
	}
	return ErrBadSignature
}

// ParseSecrets splits a secret file's content: one secret per line, two during a rotation.
func ParseSecrets(content string) [][]byte {
	var out [][]byte
	for _, line := range strings.Split(content, "\n") {
		if s := strings.TrimSpace(line); s != "" {
			out = append(out, []byte(s))
		}
	}
	return out
}
