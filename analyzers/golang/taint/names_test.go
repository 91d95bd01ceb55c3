package taint

import (
	"go/types"
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	for name, want := range map[string][]string{
		"APIKey":        {"api", "key"},
		"session_id":    {"session", "id"},
		"X-Auth-Token":  {"x", "auth", "token"},
		"userID":        {"user", "id"},
		"HTTPSProxyURL": {"https", "proxy", "url"},
		"sha256Sum":     {"sha256", "sum"},
		"DB_PASSWORD":   {"db", "password"},
		"":              nil,
	} {
		if got := Words(name); !slices.Equal(got, want) {
			t.Errorf("Words(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "dbPassword": true, "DB_PASSWORD": true, "apiKey": true, "API_KEY": true,
		"accessToken": true, "tokenStr": true, "clientSecret": true, "privateKey": true, "Authorization": true,
		"credentials": true, "sessionID": true, "X-Auth-Token": true, "bearer": true,
		"passwordHash": false, "tokenURL": false, "secretName": false, "apiKeyID": false, "nextPageToken": false,
		"tokenType": false, "key": false, "cacheKey": false, "user": false, "passwordLength": false,
		"token_id": false, "tokenExpiry": false, "secretRef": false,
	} {
		if got := IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestIsSecurityValueName(t *testing.T) {
	bytes := types.NewSlice(types.Typ[types.Byte])
	str := types.Typ[types.String]
	for _, c := range []struct {
		name string
		typ  types.Type
		want bool
	}{
		{"token", str, true}, {"csrfToken", str, true}, {"nonce", bytes, true}, {"salt", bytes, true},
		{"resetCode", str, true}, {"otp", str, true}, {"sessionID", str, true}, {"iv", bytes, true},
		{"key", bytes, true}, {"signingKey", str, true},
		{"key", str, false}, {"cacheKey", str, false}, {"requestID", str, false}, {"statusCode", str, false},
		{"server", str, false}, {"tokenType", str, false}, {"jitter", str, false},
	} {
		if got := IsSecurityValueName(c.name, c.typ); got != c.want {
			t.Errorf("IsSecurityValueName(%q, %s) = %v, want %v", c.name, c.typ, got, c.want)
		}
	}
}

func TestUnion(t *testing.T) {
	a := tset{0, 3, firstSource}
	b := tset{1, 3, firstSource + 2}
	if got, want := union(a, b), (tset{0, 1, 3, firstSource, firstSource + 2}); !slices.Equal(got, want) {
		t.Errorf("union = %v, want %v", got, want)
	}
	if got := union(a, tset{0}); &got[0] != &a[0] {
		t.Errorf("union with a subset should share the superset")
	}
	var many tset
	for i := range maxSources + 4 {
		many = union(many, single(origin(firstSource+i)))
	}
	many = union(many, single(2))
	if n := len(many.sources()); n != maxSources {
		t.Errorf("sources kept = %d, want %d", n, maxSources)
	}
	if got := many.symbolic(); !slices.Equal(got, tset{2}) {
		t.Errorf("symbolic origins = %v, want [2]: parameters are never dropped", got)
	}
}

func TestFixedHost(t *testing.T) {
	for prefix, want := range map[string]bool{
		"https://api.example.com/":     true,
		"http://10.0.0.1:8080/v1?q=":   true,
		"https://api.example.com":      false,
		"https://user@evil.example/":   false,
		"/relative/":                   false,
		"https://api.example.com/%s/x": true,
		"%s://api.example.com/":        false,
	} {
		if got := FixedHost(prefix); got != want {
			t.Errorf("FixedHost(%q) = %v, want %v", prefix, got, want)
		}
	}
}
