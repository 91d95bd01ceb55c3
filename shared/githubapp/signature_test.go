package githubapp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/githubapp"
)

func TestVerifySignature(t *testing.T) {
	// GitHub's documented test vector (docs: "Validating webhook deliveries").
	const (
		secret = "It's a Secret to Everybody"
		body   = "Hello, World!"
		sig    = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	)
	if got := githubapp.Sign([]byte(secret), []byte(body)); got != sig {
		t.Fatalf("Sign = %s, want GitHub's %s", got, sig)
	}
	tests := []struct {
		name    string
		secrets [][]byte
		header  string
		body    string
		want    error
	}{
		{"github test vector", [][]byte{[]byte(secret)}, sig, body, nil},
		{"old secret during rotation", [][]byte{[]byte("new"), []byte(secret)}, sig, body, nil},
		{"tampered body", [][]byte{[]byte(secret)}, sig, body + " ", githubapp.ErrBadSignature},
		{"wrong secret", [][]byte{[]byte("nope")}, sig, body, githubapp.ErrBadSignature},
		{"missing header", [][]byte{[]byte(secret)}, "", body, githubapp.ErrNoSignature},
		{"sha1 header only", [][]byte{[]byte(secret)}, "sha1=0123", body, githubapp.ErrBadSignature},
		{"not hex", [][]byte{[]byte(secret)}, "sha256=zz", body, githubapp.ErrBadSignature},
		{"truncated digest", [][]byte{[]byte(secret)}, sig[:40], body, githubapp.ErrBadSignature},
		{"no secret configured", [][]byte{nil}, sig, body, githubapp.ErrNoSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := githubapp.VerifySignature(tt.secrets, tt.header, []byte(tt.body)); !errors.Is(err, tt.want) {
				t.Errorf("VerifySignature = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzVerifySignature(f *testing.F) {
	f.Add("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", []byte("Hello, World!"))
	f.Add("sha256=", []byte{})
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		secret := []byte("It's a Secret to Everybody")
		err := githubapp.VerifySignature([][]byte{secret}, header, body)
		// Hex digits in either case decode to the same digest, so either is the signature.
		if err == nil && !strings.EqualFold(header, githubapp.Sign(secret, body)) {
			t.Fatalf("accepted header %q that is not the body's signature", header)
		}
	})
}

func TestParseSecrets(t *testing.T) {
	got := githubapp.ParseSecrets(" new-secret \n\nold-secret\n")
	if len(got) != 2 || string(got[0]) != "new-secret" || string(got[1]) != "old-secret" {
		t.Errorf("ParseSecrets = %q", got)
	}
}
