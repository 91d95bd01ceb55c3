package secrets

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleJWT = finding.Rule{
	ID:       "secret-jwt",
	Title:    "JSON Web Token in source",
	Layer:    finding.Code,
	Severity: finding.Medium,
	Description: "A signed JSON Web Token is committed. Until it expires — and many are issued without " +
		"an expiry — it is a bearer credential: whoever presents it is the subject it names, with its " +
		"scopes. Tokens in test fixtures are usually harmless; tokens copied from a browser session or " +
		"an API console are not.",
	Remediation: "Invalidate the token (rotate the signing key, or revoke the session or the API key it " +
		"belongs to) if it was ever valid, and build test tokens at run time with a test key.",
	References: []string{"CWE-798", "https://datatracker.ietf.org/doc/html/rfc7519"},
}

const (
	// jwtMaxLen bounds a token; real ones are far below.
	jwtMaxLen = 16 << 10
	// jwtMinSignature excludes truncated and unsigned tokens; an HS256 signature is 43 bytes.
	jwtMinSignature = 16
)

func jwtDetector() *detector {
	return &detector{
		rules: []*finding.Rule{&ruleJWT},
		// eyJ is the base64 of `{"`, the start of every JSON header; y is rarer in source than e.
		anchors: []anchor{{needle: "yJ", back: 1}},
		match:   matchJWT,
	}
}

// matchJWT accepts three base64url segments whose first two decode to JSON objects, the first
// naming a signing algorithm other than none.
func matchJWT(f *fileScan, at int) {
	data := f.data
	if !hasPrefixAt(data, at, "eyJ") || isBase64URL(byteAt(data, at-1)) {
		return
	}
	var segments [3]string
	p := at
	for i := range segments {
		n := runLength(data, p, jwtMaxLen, isBase64URL)
		segments[i] = string(data[p : p+n])
		p += n
		if i < 2 {
			if byteAt(data, p) != '.' {
				return
			}
			p++
		}
	}
	if len(segments[2]) < jwtMinSignature || byteAt(data, p) == '.' {
		return // too short to be a signature, or a JWE (five segments)
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims map[string]any
	if !decodeJSONSegment(segments[0], &header) || !isAlgorithmName(header.Alg) || strings.EqualFold(header.Alg, "none") ||
		!decodeJSONSegment(segments[1], &claims) {
		return
	}
	token := string(data[at:p])
	f.add(&ruleJWT, at, p, token,
		fmt.Sprintf("JSON Web Token %s signed with %s is hard-coded", redact(token, 4), header.Alg))
}

func decodeJSONSegment(segment string, v any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(segment, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}

// isAlgorithmName accepts names such as HS256 or EdDSA: the header is attacker-controlled text
// that ends up in the message.
func isAlgorithmName(alg string) bool {
	if len(alg) < 2 || len(alg) > 16 {
		return false
	}
	for i := 0; i < len(alg); i++ {
		if !isAlnum(alg[i]) {
			return false
		}
	}
	return true
}
