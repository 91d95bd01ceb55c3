package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var (
	ruleHardcodedPassword = finding.Rule{
		ID:       "secret-hardcoded-password",
		Title:    "Hard-coded password",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "A name such as password, passwd, pwd or DB_PASS is assigned a literal that looks " +
			"like a real password: long enough, not a placeholder, template or variable, and random " +
			"enough. Anyone who reads the repository can log in wherever it is used.",
		Remediation: "Change the password, and read it at run time from the environment or a secret " +
			"store (Kubernetes Secret, AWS Secrets Manager, Vault) rather than from source.",
		References: []string{"CWE-259", "CWE-798"},
	}
	ruleGenericCredential = finding.Rule{
		ID:       "secret-generic-credential",
		Title:    "Hard-coded secret, token or API key",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "A name such as secret, client_secret, token, auth_token, api_key or private_key is " +
			"assigned a literal of high entropy, which is how API keys and tokens of services without " +
			"a recognisable key format look, and how raw private keys (hex or base64, such as " +
			"blockchain wallet keys) are pasted.",
		Remediation: "Revoke the credential with the service that issued it, and read it at run time from " +
			"the environment or a secret store rather than from source.",
		References: []string{"CWE-798"},
	}
)

// Length bounds of the generic rule. Passwords are chosen by people and short; tokens are made
// by machines and rarely shorter than 16 bytes, but a 12-byte API key exists. A private key in
// hex or base64 (DER) runs to a few kilobytes.
const (
	passwordMinLen   = 8
	tokenMinLen      = 12
	genericMaxLen    = 256
	privateKeyMaxLen = 8 << 10
	identMaxLen      = 100
)

// secretName is what the name of an assignment says its value is.
type secretName struct {
	rule   *finding.Rule
	noun   string // what the message calls the value
	maxLen int
}

var (
	passwordName   = &secretName{&ruleHardcodedPassword, "password", genericMaxLen}
	credentialName = &secretName{&ruleGenericCredential, "secret", genericMaxLen}
	privateKeyName = &secretName{&ruleGenericCredential, "private key", privateKeyMaxLen}
)

func genericDetector() *detector {
	return &detector{
		rules: []*finding.Rule{&ruleHardcodedPassword, &ruleGenericCredential},
		// Each needle starts with a byte rarer in source than the keyword's own first byte: cret
		// for secret, ken for token, pi_key for api_key; priv finds private_key and privKey.
		anchors: []anchor{
			{needle: "pass", fold: true}, {needle: "pwd", fold: true}, {needle: "cret", fold: true},
			{needle: "ken", fold: true}, {needle: "pikey", fold: true}, {needle: "pi_key", fold: true},
			{needle: "pi-key", fold: true}, {needle: "priv", fold: true},
		},
		match: matchGeneric,
	}
}

func isGeneric(r *finding.Rule) bool {
	return r == &ruleHardcodedPassword || r == &ruleGenericCredential
}

// matchGeneric reads `NAME <op> VALUE` around a keyword: NAME is the identifier containing it
// (password, db.password, "client_secret", AWS_SECRET_ACCESS_KEY, apiKey, --token), <op> one of
// = : := =>, and VALUE a quoted literal or, outside program source, a bare word up to the end of
// the value.
func matchGeneric(f *fileScan, at int) {
	if f.kind == exampleKind {
		return
	}
	data := f.data
	identStart, identEnd := at, at
	for identStart > 0 && at-identStart < identMaxLen && isIdentByte(data[identStart-1]) {
		identStart--
	}
	for identEnd < len(data) && identEnd-at < identMaxLen && isIdentByte(data[identEnd]) {
		identEnd++
	}
	// Most keywords are not followed by an assignment: read the operator before the name.
	p := identEnd
	before := byteAt(data, identStart-1)
	if isQuote(before) && byteAt(data, p) == before {
		p++ // "password": … or ['password'] = …
		if byteAt(data, p) == ']' {
			p++
		}
	}
	p = skipBlanks(data, p)
	op := operatorAt(data, p)
	if op == "" || !startsName(before, op) {
		return
	}
	ident := strings.Trim(string(data[identStart:identEnd]), "-.")
	name := keywordRule(splitWords(ident))
	if name == nil {
		return
	}
	p += len(op)
	p = skipBlanks(data, p)
	if f.kind == codeKind && hasPrefixAt(data, p, "[]byte(") {
		p += len("[]byte(")
	}
	if c := byteAt(data, p); (c == 'b' || c == 'r' || c == 'u') && isQuote(byteAt(data, p+1)) {
		p++ // Python's b"…", r"…", u"…"
	}
	var value string
	if isQuote(byteAt(data, p)) {
		end := closingQuote(data, p, name.maxLen)
		if end < 0 {
			return
		}
		p++
		value = string(data[p:end])
	} else {
		if f.kind == codeKind {
			return // a variable, a call, a constant: not a literal
		}
		n := runLength(data, p, name.maxLen+1, isBareValueByte)
		value = string(data[p : p+n])
	}
	if !isLikelySecret(value, name) {
		return
	}
	f.add(name.rule, p, p+len(value), value,
		fmt.Sprintf("%s is set to a hard-coded %s %s", clip(ident, 60), name.noun, redact(value, 4)))
}

// operatorAt reads an assignment operator: = : := => (but not == or ::).
func operatorAt(data []byte, p int) string {
	switch {
	case hasPrefixAt(data, p, ":="):
		return ":="
	case hasPrefixAt(data, p, "=>"):
		return "=>"
	case hasPrefixAt(data, p, "=="), hasPrefixAt(data, p, "::"):
		return ""
	case byteAt(data, p) == '=':
		return "="
	case byteAt(data, p) == ':':
		return ":"
	}
	return ""
}

// startsName reports whether the byte before an identifier lets it be the name being assigned.
// After a colon it is part of a value (arn:aws:secretsmanager:…:secret:name), except for a Ruby
// symbol (:password => …); after a slash, a URL or path; after = or %, a value or an escape.
func startsName(before byte, op string) bool {
	switch before {
	case ':':
		return op == "=>"
	case '/', '\\', '=', '%', '+', '~', '^', '<', '>':
		return false
	}
	return true
}

func isIdentByte(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// isBareValueByte is what an unquoted value (YAML, .env, properties, shell) is made of; it stops
// at blanks (a trailing comment), separators and brackets.
func isBareValueByte(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '`', ',', ';', '}', ')', ']', '<', '>':
		return false
	}
	return c > ' ' && c != 0x7f
}

func skipBlanks(data []byte, p int) int {
	for p < len(data) && (data[p] == ' ' || data[p] == '\t') {
		p++
	}
	return p
}

// closingQuote finds the quote that ends the literal opened at data[open], on the same line and
// within maxLen bytes, honouring backslash escapes; -1 when there is none.
func closingQuote(data []byte, open, maxLen int) int {
	q := data[open]
	for i := open + 1; i < len(data) && i-open <= maxLen+1; i++ {
		switch data[i] {
		case '\\':
			if q != '`' {
				i++
			}
		case '\n':
			return -1
		case q:
			return i
		}
	}
	return -1
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// splitWords breaks an identifier into lowercase words at separators, camelCase humps and
// letter-digit changes: AWS_SECRET_ACCESS_KEY, awsSecretAccessKey and aws.secret-access-key all
// give aws secret access key; APIKey gives api key.
func splitWords(ident string) []string {
	var words []string
	start := -1
	for i := 0; i <= len(ident); i++ {
		var c byte
		if i < len(ident) {
			c = ident[i]
		}
		if !isAlnum(c) {
			if start >= 0 {
				words = append(words, strings.ToLower(ident[start:i]))
				start = -1
			}
			continue
		}
		if start >= 0 {
			prev := ident[i-1]
			hump := isUpper(c) && (isLower(prev) || isDigit(prev) || isUpper(prev) && isLower(byteAt([]byte(ident), i+1)))
			if hump || isDigit(c) != isDigit(prev) {
				words = append(words, strings.ToLower(ident[start:i]))
				start = i
			}
			continue
		}
		start = i
	}
	return words
}

// Words a name may carry after its keyword and still name the secret itself: secret_key,
// SECRET_ACCESS_KEY, token_value, secret_key_base. Anything else — token_url, password_file,
// secretName, api_key_header — names something about the secret, whose value is not secret.
var trailingWords = map[string]bool{
	"key": true, "value": true, "val": true, "str": true, "string": true, "plain": true,
	"plaintext": true, "raw": true, "b64": true, "base64": true, "hex": true, "enc": true,
	"encoded": true, "bytes": true, "base": true, "access": true, "secret": true, "token": true,
	"pass": true, "password": true, "prod": true, "production": true, "live": true, "staging": true,
}

// notRealWords in a name say its value is made up for a test or a document.
var notRealWords = map[string]bool{
	"fake": true, "dummy": true, "mock": true, "test": true, "tests": true, "testing": true,
	"example": true, "sample": true, "invalid": true, "wrong": true, "bad": true, "expired": true,
	"empty": true, "placeholder": true, "stub": true, "bogus": true, "redacted": true,
	"expected": true, "want": true,
}

// notCredentialTokens are the words before "token" in names of tokens that grant nothing:
// pagination cursors (NextToken, ContinuationToken), idempotency keys (ClientRequestToken,
// ClientToken), anti-forgery and lexer tokens.
var notCredentialTokens = map[string]bool{
	"next": true, "continuation": true, "page": true, "paging": true, "pagination": true,
	"cursor": true, "marker": true, "start": true, "previous": true, "prev": true, "last": true,
	"first": true, "output": true, "input": true, "request": true, "client": true,
	"idempotency": true, "change": true, "sync": true, "lifecycle": true, "cancel": true,
	"resume": true, "csrf": true, "xsrf": true, "reset": true, "max": true, "min": true,
	"end": true, "eof": true, "action": true, "lexer": true, "parser": true, "syntax": true, "ast": true,
}

// keywordRule decides from the words of a name whether its value would be a password, another
// secret, a private key, or none of them (nil).
func keywordRule(words []string) *secretName {
	var name *secretName
	k := -1
	for i, w := range words {
		if notRealWords[w] {
			return nil
		}
		previous := ""
		if i > 0 {
			previous = words[i-1]
		}
		switch {
		case w == "pass" || hasAnySuffix(w, "password", "passwd", "pwd", "passphrase"):
			name, k = passwordName, i
		case w == "token" && notCredentialTokens[previous]:
			name, k = nil, i
		case hasAnySuffix(w, "secret", "token", "apikey"), w == "key" && previous == "api":
			name, k = credentialName, i
		case w == "privatekey", w == "key" && (previous == "private" || previous == "priv"):
			name, k = privateKeyName, i
		}
	}
	if name == nil {
		return nil
	}
	for _, w := range words[k+1:] {
		if !trailingWords[w] && !allDigits(w) {
			return nil
		}
	}
	return name
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// fileValueExtensions mark values that name a file holding the secret, not the secret.
var fileValueExtensions = map[string]bool{
	".json": true, ".yaml": true, ".yml": true, ".pem": true, ".key": true, ".crt": true, ".txt": true,
	".env": true, ".conf": true, ".cfg": true, ".ini": true, ".xml": true, ".properties": true,
	".p12": true, ".pfx": true, ".jks": true, ".der": true, ".gpg": true, ".asc": true,
}

// isLikelySecret is the value test of the generic rule: long enough, no blanks, not a
// placeholder or stand-in, not a URL, path, file name, dotted name or word, mixing two kinds of
// bytes at least, and random enough.
func isLikelySecret(value string, name *secretName) bool {
	minLen := passwordMinLen
	if name.rule == &ruleGenericCredential {
		minLen = tokenMinLen
	}
	switch {
	case len(value) < minLen, len(value) > name.maxLen,
		strings.ContainsAny(value, " \t\\"),
		looksLikePlaceholder(value), containsAnyFold(value, weakPlaceholderWords),
		strings.Contains(value, "://"), strings.HasPrefix(value, "/"), strings.HasPrefix(value, "./"),
		strings.HasPrefix(value, "../"), strings.HasPrefix(value, "~/"),
		fileValueExtensions[strings.ToLower(path.Ext(value))],
		isDottedName(value),
		isWordLike(value), // camelCase or snake_case words: a name, not a secret
		encodesText(value),
		isCountingHex(value):
		return false
	}
	if rest, ok := strings.CutPrefix(value, "0x"); ok && isHex(rest) {
		value = rest // a hex number as written in code and wallet files: 0x4c0883a6…
	}
	return charClasses(value) >= 2 && randomEnough(value)
}

// isDottedName reports references such as process.env.TOKEN, config.db.password or an i18n key
// auth.password.invalid: names joined by dots, each starting with a letter.
func isDottedName(s string) bool {
	if !strings.Contains(s, ".") {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || !isLower(part[0]) && !isUpper(part[0]) && part[0] != '_' {
			return false
		}
		for i := 0; i < len(part); i++ {
			if !isAlnum(part[i]) && part[i] != '_' {
				return false
			}
		}
	}
	return true
}

// isWordLike reports letters joined by _ or -, without digits or symbols: an identifier.
func isWordLike(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isUpper(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// encodesText reports base64 that decodes to a sentence, such as dGhpcyBpcyBub3QgYSByZWFsIHZhbHVl
// ("this is not a real value"): a stand-in that looks random only when encoded. A real token
// decodes to random bytes; one that decodes to user:password has no blank and is still reported.
func encodesText(value string) bool {
	if len(value) < 16 {
		return false
	}
	trimmed := strings.TrimRight(value, "=")
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(trimmed[:len(trimmed)/4*4]); err == nil {
			break
		}
	}
	if err != nil || !bytes.Contains(raw, []byte(" ")) {
		return false
	}
	for _, c := range raw {
		if c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// isCountingHex reports hex whose bytes count up or down by a fixed step, such as
// 000102030405060708090a0b0c0d0e0f: test vectors, not keys.
func isCountingHex(value string) bool {
	raw, err := hex.DecodeString(value)
	if err != nil || len(raw) < 4 {
		return false
	}
	step := raw[1] - raw[0]
	for i := 2; i < len(raw); i++ {
		if raw[i]-raw[i-1] != step {
			return false
		}
	}
	return true
}
