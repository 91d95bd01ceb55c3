package secrets

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/engine"
)

func TestGitHubChecksum(t *testing.T) {
	const random = "M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq"
	sum := githubChecksum(random)
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"checksum of the random part", random + sum, true},
		{"one byte of the checksum changed", random + sum[:5] + flip(sum[5]), false},
		{"one byte of the random part changed", random[:29] + flip(random[29]) + sum, false},
		{"counting stand-in", "1234567890abcdefghijklmnopqrstuvwxyz", false},
		{"too short", random + sum[:5], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := githubChecksumValid(tt.body); got != tt.want {
				t.Errorf("githubChecksumValid(%q) = %v, want %v", tt.body, got, tt.want)
			}
		})
	}
	if len(sum) != 6 {
		t.Errorf("checksum %q is not 6 bytes", sum)
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestGenericValues(t *testing.T) {
	tests := []struct {
		value string
		name  *secretName
		want  bool
	}{
		{"Xk29!fLq0pZ7wQ", passwordName, true},
		{"q8Zp3vT1mN6xR2cW9bY4", credentialName, true},
		{"9f8b7c6d5e4f3a2b1c0d9e8f", credentialName, true},
		{"8a6b1c9d7e2f3a4b", credentialName, true}, // 16 bytes of hex
		{"123e4567-e89b-42d3-a456-426614174000", credentialName, true},
		{"changeme", passwordName, false},
		{"change_me_please", passwordName, false},
		{"${DB_PASSWORD}", passwordName, false},
		{"$DB_PASSWORD", passwordName, false},
		{"{{ .Values.db.password }}", passwordName, false},
		{"{{.Values.token}}", credentialName, false},
		{"<password>", passwordName, false},
		{"%s", passwordName, false},
		{"xxxxxxxxxxxxxxxx", credentialName, false},
		{"****************", credentialName, false},
		{"my-example-token-1234", credentialName, false},
		{"dummy-api-key-0000", credentialName, false},
		{"test1234test5678", credentialName, false},
		{"process.env.API_TOKEN", credentialName, false},
		{"config.db.password", passwordName, false},
		{"passwordFromEnvironment", passwordName, false},
		{"SOME_SECRET_VARIABLE", credentialName, false},
		{"https://vault.internal/v1/secret", credentialName, false},
		{"/run/secrets/db-password", passwordName, false},
		{"credentials.json", credentialName, false},
		{"hunter2", passwordName, false},               // too short
		{"aaaaaaaa1", passwordName, false},             // not random
		{"correct horse battery", passwordName, false}, // has blanks: prose, not a value
		{"dGhpcyBpcyBub3QgYSByZWFsIHZhbHVl", credentialName, false},
		{"000102030405060708090a0b0c0d0e0f", credentialName, false},
		{"0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", privateKeyName, true},
		{"0x0000000000000000000000000000000000000000000000000000000000000001", privateKeyName, false},
		{"308204a40201000282010100c1a2" + strings.Repeat("9f3e7a5c1b2d4e6f8a0b", 60), privateKeyName, true},
	}
	for _, tt := range tests {
		if got := isLikelySecret(tt.value, tt.name); got != tt.want {
			t.Errorf("isLikelySecret(%q, %s) = %v, want %v", clip(tt.value, 40), tt.name.noun, got, tt.want)
		}
	}
}

func TestKeywordRule(t *testing.T) {
	tests := []struct {
		name string
		want string // rule id, "" for none
	}{
		{"DB_PASSWORD", ruleHardcodedPassword.ID},
		{"db.password", ruleHardcodedPassword.ID},
		{"--password", ruleHardcodedPassword.ID},
		{"SMTP_PASS", ruleHardcodedPassword.ID},
		{"pwd", ruleHardcodedPassword.ID},
		{"AWS_SECRET_ACCESS_KEY", ruleGenericCredential.ID},
		{"awsSecretAccessKey", ruleGenericCredential.ID},
		{"client_secret", ruleGenericCredential.ID},
		{"secret_key_base", ruleGenericCredential.ID},
		{"apiKey", ruleGenericCredential.ID},
		{"API_KEY", ruleGenericCredential.ID},
		{"x-api-key", ruleGenericCredential.ID},
		{"githubToken", ruleGenericCredential.ID},
		{"SessionToken", ruleGenericCredential.ID},
		{"PRIVATE_KEY", ruleGenericCredential.ID},
		{"walletPrivateKey", ruleGenericCredential.ID},
		{"privKeyHex", ruleGenericCredential.ID},
		{"private_key_path", ""},
		{"privacy_policy", ""},
		{"password_file", ""},
		{"passwordHash", ""},
		{"secretName", ""},
		{"tokenUrl", ""},
		{"token_type", ""},
		{"api_key_header", ""},
		{"NextToken", ""},
		{"ClientRequestToken", ""},
		{"csrf_token", ""},
		{"tokenizer", ""},
		{"tokens", ""},
		{"bypass", ""},
		{"secretary", ""},
		{"testPassword", ""},
		{"fake_token", ""},
		{"expectedAccessToken", ""},
	}
	for _, tt := range tests {
		got := ""
		if name := keywordRule(splitWords(tt.name)); name != nil {
			got = name.rule.ID
		}
		if got != tt.want {
			t.Errorf("keywordRule(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := map[string][]string{
		"AWS_SECRET_ACCESS_KEY": {"aws", "secret", "access", "key"},
		"awsSecretAccessKey":    {"aws", "secret", "access", "key"},
		"APIKey":                {"api", "key"},
		"oauth2Token":           {"oauth", "2", "token"},
		"--db-password":         {"db", "password"},
		"spring.datasource.pwd": {"spring", "datasource", "pwd"},
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, splitWords(in)); diff != "" {
			t.Errorf("splitWords(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestRandomEnough(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", true},
		{"d41d8cd98f00b204e9800998ecf8427e", true}, // hex repeats bytes and still counts as random
		{"k9XvQ2mL7pR4tZ8w", true},
		{"aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb", false},
		{"abababababababab", false},
		{"passwordpassword", false},
	}
	for _, tt := range tests {
		if got := randomEnough(tt.s); got != tt.want {
			t.Errorf("randomEnough(%q) = %v (entropy %.2f, alphabet %d), want %v", tt.s, got, entropy(tt.s), alphabetSize(tt.s), tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		secret string
		show   int
		want   string
	}{
		{"AKIA" + strings.Repeat("Q", 16), 4, "AKIA…(20 chars)"},
		{"s3cr3tpw", 4, "s3…(8 chars)"}, // a quarter at most
		{"abc", 4, "…(3 chars)"},
	}
	for _, tt := range tests {
		if got := redact(tt.secret, tt.show); got != tt.want {
			t.Errorf("redact(%q, %d) = %q, want %q", tt.secret, tt.show, got, tt.want)
		}
	}
}

func TestPositioner(t *testing.T) {
	data := []byte("ab\ncdé\n\nxyz")
	p := newPositioner(data)
	for _, tt := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 2, 5}, {9, 4, 1}, {4, 2, 2}, {len(data), 4, 4},
	} {
		line, col := p.position(tt.off)
		if line != tt.line || col != tt.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

func TestSkipRules(t *testing.T) {
	tests := []struct {
		path string
		skip bool
	}{
		{"vendor/github.com/x/y.go", true},
		{"web/node_modules/a/index.js", true},
		{"third_party/lib/a.c", true},
		{".yarn/releases/yarn.cjs", true},
		{"bower_components/jquery/jquery.js", true},
		{"go.sum", true},
		{"sub/package-lock.json", true},
		{"static/app.min.js", true},
		{"static/app.js.map", true},
		{"logo.png", true},
		{"vendor.go", false},
		{"cmd/vendor/main.go", true},
		{"config/app.lock.yaml", false},
		{"src/main.go", false},
	}
	for _, tt := range tests {
		skip, reason := skipBeforeReading(engine.File{Path: tt.path, Size: 10}, maxFileSize)
		if skip != tt.skip || reason != "" {
			t.Errorf("skipBeforeReading(%q) = %v, %q; want %v without a reason", tt.path, skip, reason, tt.skip)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]fileKind{
		"main.go":                  codeKind,
		"web/app.tsx":              codeKind,
		"infra/main.tf":            codeKind,
		"config/app.yaml":          configKind,
		".env":                     configKind,
		"Dockerfile":               configKind,
		"README.md":                exampleKind,
		"docs/setup.rst":           exampleKind,
		".env.example":             exampleKind,
		"config.sample.yaml":       exampleKind,
		"models/examples-1.json":   exampleKind,
		"examples/demo/deploy.env": configKind, // the directory does not make a file an example
		"examples/demo/Example.go": exampleKind,
	}
	for path, want := range tests {
		if got := kindOf(path); got != want {
			t.Errorf("kindOf(%q) = %d, want %d", path, got, want)
		}
	}
}

// FuzzDetect feeds arbitrary content to every detector: the matchers index around anchors near
// the ends of the data, and no input may make them panic or report a position outside the file.
func FuzzDetect(f *testing.F) {
	for _, seed := range []string{
		"AKIA", "AKIAABCDEFGHIJKLMNOP\naws_secret = abcdefghijABCDEFGHIJ0123456789abcdefghij",
		"gh", "ghp_", "github_pat_", "xoxb-1-2-", "hooks.slack.com/services/T", "hooks.slack.com/triggers/",
		"sk_live_", "k_live_", "AIza", "yJ", "eyJ.eyJ.", "-----BEGIN PRIVATE KEY-----", "PRIVATE KEY",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END",
		"password=", "\"password\": \"", "pass:'", "token := []byte(\"", "api_key = b'",
	} {
		f.Add(seed)
	}
	w := &fileScan{passes: planPasses(allDetectors())}
	f.Fuzz(func(t *testing.T, content string) {
		for _, path := range []string{"a.env", "a.go"} {
			for _, fd := range w.detect(path, []byte(content)) {
				if fd.StartLine < 1 || fd.StartColumn < 1 || fd.EndLine < fd.StartLine ||
					fd.EndLine == fd.StartLine && fd.EndColumn <= fd.StartColumn {
					t.Errorf("%s: bad span %d:%d-%d:%d", fd.RuleID, fd.StartLine, fd.StartColumn, fd.EndLine, fd.EndColumn)
				}
			}
		}
	})
}
