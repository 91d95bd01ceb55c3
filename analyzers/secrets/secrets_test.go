package secrets_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/analyzers/secrets"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/report"
)

// want is one expected finding. secret names the value whose SHA-256 must be the Key: a marker
// of the fixtures (see fixtureSecrets) or a literal written in the fixture.
type want struct {
	Path                   string
	Rule                   string
	Severity               finding.Severity
	Line, Col              int
	EndLine, EndCol        int
	message, secret, using string
}

// The fixtures under testdata/fixtures hold good and bad lines side by side; every finding the
// scanner reports must be listed here, so each line without an entry is a negative case.
var wants = []want{
	{Path: "aws/.env", Rule: "secret-generic-credential", Severity: finding.Medium, Line: 2, Col: 23, EndLine: 2, EndCol: 63,
		message: "AWS_SECRET_ACCESS_KEY is set to a hard-coded secret ", secret: "awssecret2"},
	{Path: "aws/credentials", Rule: "secret-aws-access-key-pair", Severity: finding.Critical, Line: 2, Col: 21, EndLine: 3, EndCol: 65,
		message: "AWS access key id AKIA…(20 chars) is hard-coded with its secret access key ", using: "(40 chars) 1 line below"},
	{Path: "aws/deploy.sh", Rule: "secret-aws-access-key-id", Severity: finding.High, Line: 3, Col: 26, EndLine: 3, EndCol: 46,
		message: "AWS access key id ASIA…(20 chars) is hard-coded", secret: "asia"},
	{Path: "generic/.env.example", Rule: "secret-stripe-live-key", Severity: finding.Critical, Line: 3, Col: 12, EndLine: 3, EndCol: 44,
		message: "Stripe key sk_live_…(32 chars) is hard-coded", secret: "sk_live_pasted"},
	{Path: "generic/README.md", Rule: "secret-github-token", Severity: finding.High, Line: 5, Col: 48, EndLine: 5, EndCol: 88,
		message: "GitHub personal access token ghp_…(40 chars) is hard-coded", secret: "ghp_docs"},
	{Path: "generic/app.env", Rule: "secret-hardcoded-password", Severity: finding.Medium, Line: 2, Col: 13, EndLine: 2, EndCol: 27,
		message: "DB_PASSWORD is set to a hard-coded password Xk2…(14 chars)", secret: "Xk29!fLq0pZ7wQ"},
	{Path: "generic/app.env", Rule: "secret-generic-credential", Severity: finding.Medium, Line: 6, Col: 17, EndLine: 6, EndCol: 81,
		message: "SECRET_KEY_BASE is set to a hard-coded secret 6f1c…(64 chars)",
		secret:  "6f1c0e4b9a8d7c2e5f3a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"},
	{Path: "generic/app.env", Rule: "secret-generic-credential", Severity: finding.Medium, Line: 9, Col: 13, EndLine: 9, EndCol: 79,
		message: "PRIVATE_KEY is set to a hard-coded private key 0x4c…(66 chars)",
		secret:  "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"},
	{Path: "generic/main.go", Rule: "secret-hardcoded-password", Severity: finding.Medium, Line: 5, Col: 19, EndLine: 5, EndCol: 31,
		message: "dbPassword is set to a hard-coded password pG7…(12 chars)", secret: "pG7#vL2q!Rz9"},
	{Path: "generic/main.go", Rule: "secret-generic-credential", Severity: finding.Medium, Line: 14, Col: 20, EndLine: 14, EndCol: 36,
		message: "secret is set to a hard-coded secret k9Xv…(16 chars)", secret: "k9XvQ2mL7pR4tZ8w"},
	{Path: "generic/settings.py", Rule: "secret-generic-credential", Severity: finding.Medium, Line: 4, Col: 12, EndLine: 4, EndCol: 36,
		message: "api_key is set to a hard-coded secret 9f8b…(24 chars)", secret: "9f8b7c6d5e4f3a2b1c0d9e8f"},
	{Path: "generic/values.yaml", Rule: "secret-generic-credential", Severity: finding.Medium, Line: 6, Col: 19, EndLine: 6, EndCol: 39,
		message: "client_secret is set to a hard-coded secret q8Zp…(20 chars)", secret: "q8Zp3vT1mN6xR2cW9bY4"},
	{Path: "github/workflow.yml", Rule: "secret-github-token", Severity: finding.High, Line: 3, Col: 13, EndLine: 3, EndCol: 53,
		message: "GitHub personal access token ghp_…(40 chars) is hard-coded", secret: "ghp"},
	{Path: "github/workflow.yml", Rule: "secret-github-token", Severity: finding.High, Line: 10, Col: 40, EndLine: 10, EndCol: 80,
		message: "GitHub OAuth access token gho_…(40 chars) is hard-coded", secret: "gho"},
	{Path: "github/workflow.yml", Rule: "secret-github-token", Severity: finding.High, Line: 11, Col: 44, EndLine: 11, EndCol: 84,
		message: "GitHub server-to-server token ghs_…(40 chars) is hard-coded", secret: "ghs"},
	{Path: "github/workflow.yml", Rule: "secret-github-token", Severity: finding.High, Line: 12, Col: 19, EndLine: 12, EndCol: 112,
		message: "GitHub fine-grained personal access token github_pat_…(93 chars) is hard-coded", secret: "github_pat"},
	{Path: "google/index.html", Rule: "secret-google-api-key", Severity: finding.High, Line: 3, Col: 60, EndLine: 3, EndCol: 99,
		message: "Google API key AIza…(39 chars) is hard-coded", secret: "aiza"},
	{Path: "jwt/session.ts", Rule: "secret-jwt", Severity: finding.Medium, Line: 1, Col: 25, EndLine: 1, EndCol: 178,
		message: "JSON Web Token eyJh…(153 chars) signed with HS256 is hard-coded", secret: "jwt"},
	{Path: "keys/encrypted.pem", Rule: "secret-encrypted-private-key", Severity: finding.Medium, Line: 1, Col: 1, EndLine: 16, EndCol: 36,
		message: "passphrase-protected PKCS #8 private key is committed (16-line block, 868 base64 bytes)"},
	{Path: "keys/id_ed25519", Rule: "secret-private-key", Severity: finding.High, Line: 1, Col: 1, EndLine: 8, EndCol: 34,
		message: "unencrypted OpenSSH private key is committed (8-line block, 324 base64 bytes)"},
	{Path: "keys/id_ed25519_protected", Rule: "secret-encrypted-private-key", Severity: finding.Medium, Line: 1, Col: 1, EndLine: 8, EndCol: 34,
		message: "passphrase-protected OpenSSH private key is committed (8-line block, 368 base64 bytes)"},
	{Path: "keys/id_rsa", Rule: "secret-private-key", Severity: finding.High, Line: 1, Col: 1, EndLine: 27, EndCol: 30,
		message: "unencrypted RSA private key is committed (27-line block, 1588 base64 bytes)"},
	{Path: "keys/legacy.pem", Rule: "secret-encrypted-private-key", Severity: finding.Medium, Line: 1, Col: 1, EndLine: 30, EndCol: 30,
		message: "passphrase-protected RSA private key is committed (30-line block, 1600 base64 bytes)"},
	{Path: "keys/secring.asc", Rule: "secret-private-key", Severity: finding.High, Line: 1, Col: 1, EndLine: 24, EndCol: 36,
		message: "PGP private key block is committed (24-line block, 1400 base64 bytes)"},
	{Path: "keys/tls.go", Rule: "secret-private-key", Severity: finding.High, Line: 4, Col: 20, EndLine: 4, EndCol: 250,
		message: "unencrypted EC private key is committed (1-line block, 164 base64 bytes)"},
	{Path: "slack/notify.py", Rule: "secret-slack-token", Severity: finding.High, Line: 3, Col: 20, EndLine: 3, EndCol: 76,
		message: "Slack bot token xoxb-…(56 chars) is hard-coded", secret: "xoxb"},
	{Path: "slack/notify.py", Rule: "secret-slack-webhook", Severity: finding.Medium, Line: 4, Col: 18, EndLine: 4, EndCol: 97,
		message: "Slack webhook URL https://hooks.slack.com/services/…(79 chars) is hard-coded", secret: "slackhook"},
	{Path: "stripe/billing.js", Rule: "secret-stripe-live-key", Severity: finding.Critical, Line: 3, Col: 22, EndLine: 3, EndCol: 54,
		message: "Stripe key sk_live_…(32 chars) is hard-coded", secret: "sk_live"},
	{Path: "stripe/billing.js", Rule: "secret-stripe-restricted-key", Severity: finding.High, Line: 4, Col: 27, EndLine: 4, EndCol: 59,
		message: "Stripe key rk_live_…(32 chars) is hard-coded", secret: "rk_live"},
	{Path: "stripe/billing.js", Rule: "secret-stripe-test-key", Severity: finding.Low, Line: 5, Col: 25, EndLine: 5, EndCol: 57,
		message: "Stripe key sk_test_…(32 chars) is hard-coded", secret: "sk_test"},
}

func TestFixtures(t *testing.T) {
	dir, values := writeFixtures(t)
	res := scan(t, dir, nil)

	type got struct {
		Path            string
		Rule            string
		Severity        finding.Severity
		Line, Col       int
		EndLine, EndCol int
	}
	var gotList, wantList []got
	for _, f := range res.Findings {
		gotList = append(gotList, got{f.Path, f.RuleID, f.Severity, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn})
	}
	for _, w := range wants {
		wantList = append(wantList, got{w.Path, w.Rule, w.Severity, w.Line, w.Col, w.EndLine, w.EndCol})
	}
	if diff := cmp.Diff(wantList, gotList); diff != "" {
		var all strings.Builder
		for _, f := range res.Findings {
			fmt.Fprintf(&all, "\n%s:%d:%d-%d:%d %s %s", f.Path, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.RuleID, f.Message)
		}
		t.Fatalf("findings (-want +got):\n%s\nall findings:%s", diff, all.String())
	}
	for i, f := range res.Findings {
		w := wants[i]
		if !strings.Contains(f.Message, w.message) || !strings.Contains(f.Message, w.using) {
			t.Errorf("%s:%d %s message = %q, want it to contain %q and %q", f.Path, f.StartLine, f.RuleID, f.Message, w.message, w.using)
		}
		if w.secret != "" {
			secret := w.secret
			if v, ok := values[secret]; ok {
				secret = v
			}
			if f.Key != sha256Hex(secret) {
				t.Errorf("%s:%d %s Key = %q, want the SHA-256 of the secret", f.Path, f.StartLine, f.RuleID, f.Key)
			}
		}
		if !f.Sensitive {
			t.Errorf("%s:%d %s is not marked Sensitive: outputs would quote the secret", f.Path, f.StartLine, f.RuleID)
		}
		if f.Layer != finding.Code || f.Title == "" || f.Remediation == "" || len(f.References) == 0 {
			t.Errorf("%s:%d %s lacks its rule's metadata: %+v", f.Path, f.StartLine, f.RuleID, f)
		}
	}
	if len(res.Diagnostics) != 0 {
		t.Errorf("diagnostics = %+v, want none", res.Diagnostics)
	}
}

// TestSecretNeverPrinted runs the whole engine, as the CLI and the App do, and looks for every
// secret of the fixtures in every field of every finding, Key and fingerprint included, and in
// every output format, the text one quoting the flagged lines included.
func TestSecretNeverPrinted(t *testing.T) {
	dir, values := writeFixtures(t)
	rep, err := engine.Run(context.Background(), dir, engine.Options{Scanners: []engine.Scanner{secrets.New()}, Mode: engine.All})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != len(wants) {
		t.Fatalf("engine reported %d findings, want %d", len(rep.Items), len(wants))
	}
	var secretsToHide []string
	for name, v := range values {
		if strings.Contains(name, "pem") || name == "pgp_private" {
			// A key block's header is public; its body is the secret. Any 32 bytes of it will do.
			longest := ""
			for _, line := range strings.Split(strings.ReplaceAll(v, `\n`, "\n"), "\n") {
				if len(line) > len(longest) {
					longest = line
				}
			}
			secretsToHide = append(secretsToHide, longest[:32])
			continue
		}
		secretsToHide = append(secretsToHide, v)
	}
	for _, w := range wants {
		if w.secret != "" && values[w.secret] == "" {
			secretsToHide = append(secretsToHide, w.secret)
		}
	}
	cat, err := finding.NewCatalogue(secrets.New().Rules())
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]func(w io.Writer) error{
		"engine report as JSON": func(w io.Writer) error { return json.NewEncoder(w).Encode(rep) },
		"text":                  func(w io.Writer) error { return report.Text(w, rep, report.TextOptions{}) },
		"json":                  func(w io.Writer) error { return report.JSON(w, rep, cat, report.JSONOptions{}) },
		"sarif":                 func(w io.Writer) error { return report.SARIF(w, rep, cat, report.SARIFOptions{}) },
		"github":                func(w io.Writer) error { return report.GitHub(w, rep) },
	}
	for _, it := range rep.Items {
		everything := fmt.Sprintf("%#v", it.Finding) // every field, Key included
		for _, s := range secretsToHide {
			if strings.Contains(everything, s) {
				t.Errorf("%s:%d %s shows the secret %q…: %s", it.Path, it.StartLine, it.RuleID, s[:4], everything)
			}
		}
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(it.Key) {
			t.Errorf("%s:%d %s Key = %q, want a SHA-256 in hex", it.Path, it.StartLine, it.RuleID, it.Key)
		}
	}
	for name, write := range outputs {
		var out strings.Builder
		if err := write(&out); err != nil {
			t.Fatalf("%s output: %v", name, err)
		}
		for _, s := range secretsToHide {
			if strings.Contains(out.String(), s) {
				t.Errorf("the %s output shows the secret %q…", name, s[:4])
			}
		}
	}
}

// TestSkippedFiles covers what is not read: binary, minified, too large, vanished files.
func TestSkippedFiles(t *testing.T) {
	dir := t.TempDir()
	token := githubToken(rand.New(rand.NewPCG(7, 7)))
	line := "token = \"" + token + "\"\n"
	files := map[string]string{
		"binary.dat.txt":   "\x00\x01\x02" + line,
		"latin1.txt":       strings.Repeat("caf\xe9 ", 200) + line,
		"bundle.js":        "var a=1;" + strings.Repeat("x", 20<<10) + ";var t=\"" + token + "\";",
		"huge.txt":         line + strings.Repeat("a", 2<<20),
		"vanishes.txt":     line,
		"third_party/a.go": line,
		// .gitignore keeps node_modules out of the repository, so this case cannot be a fixture.
		"web/node_modules/left-pad/index.js": line,
		".yarn/cache/x.js":                   line,
		"yarn.lock":                          line,
		"kept/normal.config":                 line,
	}
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "vanishes.txt")); err != nil {
		t.Fatal(err)
	}
	progress := &engine.Progress{}
	res, err := secrets.New().Scan(context.Background(), &engine.Request{Tree: tree, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range res.Findings {
		paths = append(paths, fmt.Sprintf("%s:%d:%d %s", f.Path, f.StartLine, f.StartColumn, f.RuleID))
	}
	if diff := cmp.Diff([]string{"kept/normal.config:1:10 secret-github-token"}, paths); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var diags []string
	for _, d := range res.Diagnostics {
		diags = append(diags, d.Scanner+" "+d.Path+": "+d.Message)
	}
	wantDiags := []string{
		"secrets huge.txt: not scanned for secrets: 2.0 MiB is over the 2.0 MiB limit",
		"secrets vanishes.txt: not scanned for secrets: cannot read: no such file or directory",
	}
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if n := progress.Snapshot().Files; n != int64(len(files)) {
		t.Errorf("progress counted %d files, want %d", n, len(files))
	}
}

func TestDisabledRulesAreNotReported(t *testing.T) {
	dir, _ := writeFixtures(t)
	onlyStripe := func(id string) bool { return strings.HasPrefix(id, "secret-stripe-") }
	res := scan(t, dir, onlyStripe)
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.RuleID)
	}
	if diff := cmp.Diff([]string{"secret-stripe-live-key", "secret-stripe-live-key", "secret-stripe-restricted-key", "secret-stripe-test-key"}, rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

func TestCancelledScanStops(t *testing.T) {
	dir, _ := writeFixtures(t)
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := secrets.New().Scan(ctx, &engine.Request{Tree: tree})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan error = %v, want context.Canceled", err)
	}
	if res == nil || len(res.Findings) != 0 {
		t.Errorf("Scan of a cancelled context = %+v, want an empty result", res)
	}
}

// TestRuleCatalogue is the meta-test over the rules: valid metadata, the family prefix, a
// reference, and a fixture case for each.
func TestRuleCatalogue(t *testing.T) {
	rules := secrets.New().Rules()
	if _, err := finding.NewCatalogue(rules); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, w := range wants {
		covered[w.Rule] = true
	}
	for _, r := range rules {
		if !strings.HasPrefix(r.ID, "secret-") || r.Layer != finding.Code || len(r.References) == 0 {
			t.Errorf("rule %s: want the secret- prefix, the code layer and a reference", r.ID)
		}
		if !covered[r.ID] {
			t.Errorf("rule %s has no fixture case", r.ID)
		}
	}
	if got := secrets.New().Name(); got != "secrets" {
		t.Errorf("Name() = %q, want secrets", got)
	}
}

func BenchmarkScan(b *testing.B) {
	// The standard library's crypto and net trees: real source with test keys and tokens in it,
	// present wherever Go is.
	goroot := goEnv(b, "GOROOT")
	var trees []*engine.Tree
	var size int64
	for _, sub := range []string{"src/crypto", "src/net"} {
		tree, _, err := engine.OpenTree(filepath.Join(goroot, sub), nil)
		if err != nil {
			b.Skipf("no standard library source: %v", err)
		}
		for _, f := range tree.Files {
			size += f.Size
		}
		trees = append(trees, tree)
	}
	s := secrets.New()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, tree := range trees {
			if _, err := s.Scan(context.Background(), &engine.Request{Tree: tree}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func goEnv(b *testing.B, name string) string {
	b.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		b.Skipf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

func scan(t *testing.T, dir string, enabled func(string) bool) *engine.Result {
	t.Helper()
	tree, diags, err := engine.OpenTree(dir, nil)
	if err != nil || len(diags) > 0 {
		t.Fatalf("open tree: %v %v", err, diags)
	}
	res, err := secrets.New().Scan(context.Background(), &engine.Request{Tree: tree, Enabled: enabled})
	if err != nil {
		t.Fatal(err)
	}
	finding.Sort(res.Findings)
	return res
}

var markerPattern = regexp.MustCompile(`«([a-z0-9_]+)»`)

// writeFixtures copies testdata/fixtures into a temporary directory, replacing each «marker» by
// the secret fixtureSecrets builds for it, and returns the directory and the secrets.
func writeFixtures(t *testing.T) (string, map[string]string) {
	t.Helper()
	values := fixtureSecrets(t)
	dir := t.TempDir()
	root := filepath.Join("testdata", "fixtures")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var missing []string
		expanded := markerPattern.ReplaceAllStringFunc(string(content), func(m string) string {
			name := markerPattern.FindStringSubmatch(m)[1]
			v, ok := values[name]
			if !ok {
				missing = append(missing, name)
			}
			return v
		})
		if len(missing) > 0 {
			return fmt.Errorf("%s: unknown markers %v", p, missing)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		writeFile(t, filepath.Join(dir, rel), expanded)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, values
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

const (
	base62  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	base32  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	base64s = base62 + "+/"
	upperNo = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// githubToken builds a classic token with a valid checksum: the CRC32 of the 30 random bytes in
// base62, padded to 6 bytes. The prefix is split so that this file holds no token-shaped literal.
func githubToken(r *rand.Rand) string {
	random := randomString(r, base62, 30)
	n := crc32.ChecksumIEEE([]byte(random))
	sum := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		sum[i] = base62[n%62]
		n /= 62
	}
	return "gh" + "p_" + random + string(sum)
}

// fixtureSecrets builds every secret the fixtures name, deterministically: GitHub push
// protection refuses commits holding realistic tokens, so the repository only has markers.
func fixtureSecrets(t *testing.T) map[string]string {
	t.Helper()
	r := rand.New(rand.NewPCG(2024, 11))
	awsSecret := func() string {
		for {
			s := randomString(r, base64s, 40)
			if strings.ContainsAny(s, "0123456789") && strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") && strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				return s
			}
		}
	}
	badSum := githubToken(r)
	badSum = badSum[:34] + "000000"
	v := map[string]string{
		"akia":           "AK" + "IA" + randomString(r, base32, 16),
		"asia":           "AS" + "IA" + randomString(r, base32, 16),
		"awssecret":      awsSecret(),
		"awssecret2":     awsSecret(),
		"ghp":            githubToken(r),
		"ghp_docs":       githubToken(r),
		"ghp_badsum":     badSum,
		"gho":            "gh" + "o_" + randomString(r, base62, 36),
		"ghs":            "gh" + "s_" + randomString(r, base62, 36),
		"github_pat":     "github" + "_pat_" + randomString(r, base62, 22) + "_" + randomString(r, base62, 59),
		"xoxb":           "xo" + "xb-" + randomString(r, "0123456789", 12) + "-" + randomString(r, "0123456789", 13) + "-" + randomString(r, base62, 24),
		"slackhook":      "https://hooks.slack.com/" + "services/T" + randomString(r, upperNo, 8) + "/B" + randomString(r, upperNo, 10) + "/" + randomString(r, base62, 24),
		"sk_live":        "sk" + "_live_" + randomString(r, base62, 24),
		"rk_live":        "rk" + "_live_" + randomString(r, base62, 24),
		"sk_live_pasted": "sk" + "_live_" + randomString(r, base62, 24),
		"sk_test":        "sk" + "_test_" + randomString(r, base62, 24),
		"aiza":           "AI" + "za" + "Sy" + randomString(r, base62+"-_", 33),
		"jwt":            signedJWT(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","name":"fixture","iat":1516239022}`),
		"jwt_none":       signedJWT(`{"alg":"none","typ":"JWT"}`, `{"sub":"1234567890","name":"fixture","iat":1516239022}`),

		"rsa_pem":                  pemBlock(t, "RSA PRIVATE KEY", nil, randomBytes(r, 1190)),
		"pkcs8_encrypted_pem":      pemBlock(t, "ENCRYPTED PRIVATE KEY", nil, randomBytes(r, 651)),
		"rsa_legacy_encrypted_pem": pemBlock(t, "RSA PRIVATE KEY", map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,4D1E1D3E7A7B5C0F9E8D7C6B5A493827"}, randomBytes(r, 1200)),
		"openssh_pem":              pemBlock(t, "OPENSSH PRIVATE KEY", nil, opensshKey(r, "none")),
		"openssh_encrypted_pem":    pemBlock(t, "OPENSSH PRIVATE KEY", nil, opensshKey(r, "aes256-ctr")),
		"pgp_private":              pemBlock(t, "PGP PRIVATE KEY BLOCK", nil, randomBytes(r, 1050)),
		"ec_pem_escaped":           strings.ReplaceAll(pemBlock(t, "EC PRIVATE KEY", nil, randomBytes(r, 121)), "\n", `\n`),
	}
	return v
}

func pemBlock(t *testing.T, typ string, headers map[string]string, body []byte) string {
	t.Helper()
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Headers: headers, Bytes: body}))
}

// opensshKey is the shape of an OpenSSH private key: magic, cipher, KDF, one key, and random
// bytes where the keys would be.
func opensshKey(r *rand.Rand, cipher string) []byte {
	var b []byte
	str := func(s []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	b = append(b, "openssh-key-v1\x00"...)
	str([]byte(cipher))
	kdf, kdfOptions := "none", []byte{}
	if cipher != "none" {
		kdf, kdfOptions = "bcrypt", randomBytes(r, 24)
	}
	str([]byte(kdf))
	str(kdfOptions)
	b = binary.BigEndian.AppendUint32(b, 1)
	str(randomBytes(r, 51))
	str(randomBytes(r, 144))
	return b
}

func signedJWT(header, claims string) string {
	enc := base64.RawURLEncoding
	signingInput := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	mac := hmac.New(sha256.New, []byte("fixture signing key"))
	mac.Write([]byte(signingInput))
	return signingInput + "." + enc.EncodeToString(mac.Sum(nil))
}
