package passutil

import (
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := map[string]string{
		"dbPassword":         "db password",
		"APIKey":             "api key",
		"client_secret":      "client secret",
		"ETag":               "e tag",
		"md5HashAsMetric":    "md5 hash as metric",
		"HTTPServer":         "http server",
		"X-Api-Token":        "x api token",
		"":                   "",
		"ÜberGeheimPasswort": "über geheim passwort",
	}
	for in, want := range tests {
		if got := strings.Join(Words(in), " "); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPathIs(t *testing.T) {
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"github.com/golang-jwt/jwt", "github.com/golang-jwt/jwt", true},
		{"github.com/golang-jwt/jwt/v5", "github.com/golang-jwt/jwt", true},
		{"github.com/golang-jwt/jwt/v", "github.com/golang-jwt/jwt", false},
		{"github.com/golang-jwt/jwt/v5x", "github.com/golang-jwt/jwt", false},
		{"github.com/golang-jwt/jwt/request", "github.com/golang-jwt/jwt", false},
		{"github.com/golang-jwt/jwtx", "github.com/golang-jwt/jwt", false},
	}
	for _, tt := range tests {
		if got := PathIs(tt.path, tt.want); got != tt.ok {
			t.Errorf("PathIs(%q, %q) = %v, want %v", tt.path, tt.want, got, tt.ok)
		}
	}
}
