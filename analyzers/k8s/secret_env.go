package k8s

import (
	"strings"
	"unicode"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var secretEnvRule = finding.Rule{
	ID:       "k8s-secret-in-env",
	Title:    "Secret written as a literal environment variable",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "An environment variable whose name says it holds a secret (PASSWORD, TOKEN, " +
		"API_KEY, PRIVATE_KEY…) has a literal value in the manifest: the secret is in the " +
		"repository's history, readable by anyone who can read the workload object, and " +
		"printed by kubectl describe.",
	Remediation: "Move the value into a Secret and reference it with valueFrom.secretKeyRef (or mount the Secret as a file), then rotate the exposed secret.",
	References:  []string{"CWE-798", "CIS-K8s-5.4.1"},
}

func checkSecretEnv(r *reporter, o *object) {
	for _, c := range o.containers() {
		for _, env := range yamldoc.Items(yamldoc.Value(c.node, "env")) {
			name, _ := yamldoc.String(yamldoc.Value(env, "name"))
			value := yamldoc.Value(env, "value")
			text, ok := yamldoc.String(value)
			if !ok || !namesSecret(name) || !looksLikeSecretValue(text) {
				continue
			}
			r.report(&secretEnvRule, o, value, c.String()+" sets environment variable "+name+" to a literal value; it looks like a secret")
		}
	}
}

// secretWords mark a variable as holding a secret when they appear as words of its name.
var secretWords = map[string]bool{
	"PASSWORD": true, "PASSWD": true, "PASSPHRASE": true, "SECRET": true, "TOKEN": true,
	"APIKEY": true, "CREDENTIAL": true, "CREDENTIALS": true, "PRIVATEKEY": true,
}

// secretPairs are two-word names of secrets.
var secretPairs = map[[2]string]bool{
	{"API", "KEY"}: true, {"PRIVATE", "KEY"}: true, {"ACCESS", "KEY"}: true, {"SECRET", "KEY"}: true,
	{"AUTH", "KEY"}: true, {"ENCRYPTION", "KEY"}: true, {"SIGNING", "KEY"}: true, {"CLIENT", "SECRET"}: true,
}

// notSecretSuffixes end names that describe a secret rather than hold one: TOKEN_FILE,
// PASSWORD_PATH, SECRET_NAME, TOKEN_TTL.
var notSecretSuffixes = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "NAME": true, "URL": true, "URI": true, "ENDPOINT": true,
	"LENGTH": true, "TTL": true, "EXPIRY": true, "EXPIRATION": true, "TIMEOUT": true, "REF": true,
	"ID": true, "TYPE": true, "HEADER": true, "ENABLED": true, "SIZE": true, "COUNT": true,
	"MODE": true, "LOCATION": true, "PREFIX": true, "VERSION": true, "NAMESPACE": true,
	"DURATION": true, "REFRESH": true, "INTERVAL": true, "POLICY": true, "MOUNT": true,
}

// namesSecret splits an environment variable name into words (SNAKE_CASE, kebab-case,
// camelCase) and looks for a secret word that is not merely described.
func namesSecret(name string) bool {
	words := nameWords(name)
	if len(words) == 0 || notSecretSuffixes[words[len(words)-1]] {
		return false
	}
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if i > 0 && secretPairs[[2]string{words[i-1], w}] {
			return true
		}
	}
	return false
}

func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(runes[i-1]):
			flush() // camelCase boundary: apiKey → API KEY
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// looksLikeSecretValue leaves out values that cannot be a secret: empty, a placeholder that
// another variable or a template fills in, a boolean, a path or a plain number.
func looksLikeSecretValue(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 4 || isTemplated(v) || strings.HasPrefix(v, "/") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "none", "null", "enabled", "disabled":
		return false
	}
	return strings.IndexFunc(v, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0
}
