package dockerfile

import (
	"strings"
	"unicode"
)

// variable is one name declared by ENV or ARG, with its value and where the name is written.
type variable struct {
	name     string
	value    string
	hasValue bool
	off      int // of the name in the instruction's args text
}

// declaredVariables reads the names an ENV or ARG instruction declares: `ENV A=1 B="x y"`,
// the legacy `ENV NAME value with spaces`, and `ARG NAME` or `ARG NAME=default`.
func declaredVariables(df *dockerfile, inst *instruction) []variable {
	words := splitWords(inst.args.s, df.escape)
	if len(words) == 0 {
		return nil
	}
	if inst.keyword == "env" && !strings.Contains(words[0].raw, "=") {
		value := strings.TrimSpace(inst.args.s[words[0].off+len(words[0].raw):])
		return []variable{{name: words[0].value, value: unquote(value), hasValue: true, off: words[0].off}}
	}
	var out []variable
	for _, w := range words {
		name, value, ok := strings.Cut(w.value, "=")
		out = append(out, variable{name: name, value: value, hasValue: ok, off: w.off})
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// secretWords are name parts that mark a variable as holding a credential. Whole parts only:
// TOKENIZERS_PARALLELISM and PASSENGER_APP_ENV are not secrets.
var secretWords = map[string]bool{
	"PASSWORD": true, "PASSWORDS": true, "PASSWD": true, "PASSPHRASE": true, "SECRET": true,
	"TOKEN": true, "APIKEY": true, "PRIVATEKEY": true, "CREDENTIALS": true,
}

// keyQualifiers turn a following KEY into a secret: API_KEY, PRIVATE_KEY, SIGNING_KEY.
var keyQualifiers = map[string]bool{
	"API": true, "PRIVATE": true, "AUTH": true, "SIGNING": true, "ENCRYPTION": true, "MASTER": true,
}

// notASecretSuffix ends names that hold something about a secret rather than the secret itself:
// DB_PASSWORD_FILE (the recommended way to pass one), TOKEN_URL, SECRET_NAME.
var notASecretSuffix = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "URL": true, "URI": true, "ENDPOINT": true,
	"HOST": true, "PORT": true, "NAME": true, "ID": true, "TYPE": true, "LENGTH": true, "LEN": true,
	"SIZE": true, "HEADER": true, "TTL": true, "EXPIRY": true, "EXPIRATION": true, "ENABLED": true,
	"MODE": true, "VERSION": true, "FORMAT": true, "ALGORITHM": true, "ARN": true, "REF": true,
	"MOUNT": true, "LOCATION": true, "PROVIDER": true, "KIND": true, "REGION": true, "FIELD": true,
}

// isSecretName reports whether a variable name says it holds a credential.
func isSecretName(name string) bool {
	parts := nameParts(name)
	if len(parts) == 0 || notASecretSuffix[parts[len(parts)-1]] {
		return false
	}
	for i, p := range parts {
		if secretWords[p] || p == "KEY" && i > 0 && keyQualifiers[parts[i-1]] {
			return true
		}
	}
	return false
}

// nameParts splits DB_PASSWORD, db-password and dbPassword alike into upper-case parts.
func nameParts(name string) []string {
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, strings.ToUpper(cur.String()))
			cur.Reset()
		}
	}
	prevLower := false
	for _, c := range name {
		switch {
		case c == '_' || c == '-' || c == '.':
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(c) && prevLower:
			flush()
		}
		cur.WriteRune(c)
		prevLower = unicode.IsLower(c) || unicode.IsDigit(c)
	}
	flush()
	return parts
}

// isLiteralSecret reports a value that is a credential written into the Dockerfile: not empty,
// not a variable reference, not a boolean switch such as USE_TOKEN=true.
func isLiteralSecret(value string) bool {
	v := strings.TrimSpace(value)
	if v == "" || strings.Contains(v, "$") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "0", "1":
		return false
	}
	return true
}
