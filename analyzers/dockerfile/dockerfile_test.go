package dockerfile_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/analyzers/dockerfile"
	"github.com/fourcsec/fourc/analyzers/internal/fixturetest"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// fixtureDirs each hold Dockerfiles whose offending lines are marked: `# want RULE` at the end of
// RUN lines (a shell comment, so the file stays a valid Dockerfile) and NAME.want sidecar files
// for instructions that cannot carry a comment.
var fixtureDirs = []string{
	"root-user", "base-images", "add", "run", "heredoc", "secrets", "expose", "windows", "names",
}

func TestFixtures(t *testing.T) {
	for _, dir := range fixtureDirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			fixturetest.Run(t, dockerfile.New(), filepath.Join("testdata", dir))
		})
	}
}

// TestFixturesWithCRLFAndBOM rescans every fixture with Windows line endings and a byte-order
// mark: the same findings must come out on the same lines.
func TestFixturesWithCRLFAndBOM(t *testing.T) {
	for _, dir := range fixtureDirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			fixturetest.RunWindows(t, dockerfile.New(), filepath.Join("testdata", dir))
		})
	}
}

func TestRules(t *testing.T) {
	fixturetest.CheckRules(t, dockerfile.New(), "testdata")
}

// TestPositions pins exact columns, including a token on a continuation line and after a BOM.
func TestPositions(t *testing.T) {
	src := "\xef\xbb\xbfFROM ubuntu:latest\n" +
		"RUN apt-get update && \\\n" +
		"    # a comment inside the continuation\n" +
		"\n" +
		"    curl -fsSL https://x \\\n" +
		"      | sudo bash\n" +
		"ENV A=1 \\\n" +
		"    DB_PASSWORD=x\n"
	got := scanSource(t, "Dockerfile", src)
	want := []string{
		"Dockerfile:1:1-1:5 docker-root-user",
		"Dockerfile:1:6-1:19 docker-base-image-latest",
		"Dockerfile:6:9-6:13 docker-sudo",
		"Dockerfile:6:14-6:18 docker-curl-pipe-shell",
		"Dockerfile:8:5-8:16 docker-secret-in-image",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestFixes(t *testing.T) {
	src := "FROM alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n" +
		"ADD --chown=app:app . /app\n" +
		"EXPOSE 8080 22\n" +
		"EXPOSE 22\n" +
		"USER app\n"
	res := scan(t, map[string]string{"Dockerfile": src})
	var got []string
	for _, f := range res.Findings {
		if f.Fix != nil {
			got = append(got, fmt.Sprintf("%s %d-%d %q", f.RuleID, f.Fix.StartLine, f.Fix.EndLine, f.Fix.Replacement))
		}
	}
	want := []string{
		`docker-add-local-file 2-2 "COPY --chown=app:app . /app"`,
		`docker-expose-ssh 3-3 "EXPOSE 8080"`,
		`docker-expose-ssh 4-4 ""`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fixes (-want +got):\n%s", diff)
	}
}

// TestUnreadableFilesAreDiagnosedOthersScanned: a syntax error, a binary file and an oversized
// file each give one diagnostic, and the good file beside them is still scanned.
func TestUnreadableFilesAreDiagnosedOthersScanned(t *testing.T) {
	res := scan(t, map[string]string{
		"bad/Dockerfile":    "FROM alpine\nRUN <<EOF\necho never terminated\n",
		"binary/Dockerfile": "FROM \x00\x01\x02 alpine\n",
		"big/Dockerfile":    "FROM alpine:3\n" + strings.Repeat("# padding\n", 1000),
		"good/Dockerfile":   "FROM alpine:3.20\nRUN sudo true\nUSER 1000\n",
	}, withMaxFileSize(4096))
	var diags []string
	for _, d := range res.Diagnostics {
		diags = append(diags, fmt.Sprintf("%s:%d %s", d.Path, d.Line, d.Message))
	}
	wantDiags := []string{
		"bad/Dockerfile:2 not a valid Dockerfile: unterminated heredoc",
		"big/Dockerfile:0 not scanned: over the 4096-byte size limit",
		"binary/Dockerfile:0 not scanned: binary file named like a Dockerfile",
	}
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"good/Dockerfile:1:6 docker-base-image-no-digest", "good/Dockerfile:2:5 docker-sudo"}, locations(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestLargeDockerfileInBoundedTime scans a 10 MB Dockerfile generated here, with a RUN continued
// over thousands of lines, and a line longer than buildkit accepts in another file.
func TestLargeDockerfileInBoundedTime(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	var b strings.Builder
	b.WriteString("FROM alpine:3.20\n")
	b.WriteString("RUN true")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, " && \\\n    echo step-%d", i)
	}
	b.WriteString(" && curl https://x | sh\n")
	for b.Len() < largeInputBytes {
		b.WriteString("RUN apk add --no-cache curl && chmod 755 /usr/local/bin/tool && echo done\n")
	}
	b.WriteString("USER 1000\n")
	files := map[string]string{
		"Dockerfile":           b.String(),
		"long-line.Dockerfile": "FROM alpine:3.20\nRUN echo " + strings.Repeat("x", 200<<10) + "\n",
	}
	tree := writeTree(t, files)
	tree.MaxFileSize = 16 << 20
	start := time.Now()
	res, err := dockerfile.New().Scan(context.Background(), &engine.Request{Tree: tree})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	finding.Sort(res.Findings)
	if elapsed > largeInputLimit {
		t.Errorf("scanning %d bytes took %s, over %s", b.Len(), elapsed, largeInputLimit)
	}
	t.Logf("scanned %d bytes in %s", b.Len(), elapsed)
	got := locations(res.Findings)
	want := []string{"Dockerfile:1:6 docker-base-image-no-digest", "Dockerfile:20002:41 docker-curl-pipe-shell"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Path != "long-line.Dockerfile" {
		t.Errorf("want one diagnostic for the over-long line, got %+v", res.Diagnostics)
	}
}

func TestScanHonoursCancellation(t *testing.T) {
	tree := writeTree(t, map[string]string{"Dockerfile": "FROM alpine\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := dockerfile.New().Scan(ctx, &engine.Request{Tree: tree}); err == nil {
		t.Error("Scan with a cancelled context returned no error")
	}
}

func TestDisabledRulesAreNotRun(t *testing.T) {
	tree := writeTree(t, map[string]string{"Dockerfile": "FROM ubuntu\nRUN sudo true\n"})
	res, err := dockerfile.New().Scan(context.Background(), &engine.Request{
		Tree:    tree,
		Enabled: func(id string) bool { return id == "docker-sudo" },
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Dockerfile:2:5 docker-sudo"}, locations(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestIsDockerfile(t *testing.T) {
	for p, want := range map[string]bool{
		"Dockerfile": true, "svc/dockerfile": true, "Containerfile": true, "Dockerfile.dev": true,
		"build/api.Dockerfile": true, "x.dockerfile": true, "Dockerfile.dockerignore": false,
		"analyzers/dockerfile/dockerfile.go": false, "Dockerfile.md": false, "dockerfiles/README": false,
		".dockerfile": false, "Dockerfile.": false, "docker-compose.yml": false,
	} {
		if got := dockerfile.IsDockerfile(p); got != want {
			t.Errorf("IsDockerfile(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestNoPanicOnHostileInput feeds fragments that have broken parsers before.
func TestNoPanicOnHostileInput(t *testing.T) {
	inputs := []string{
		"FROM", "FROM \\", "RUN", "RUN \\\n", "RUN <<", "RUN <<EOF\n", "RUN <<EOF\nEOF", "ADD", "ADD x",
		"EXPOSE -", "EXPOSE 22-", "USER", "USER :", "ENV", "ENV =", "ENV A", "ARG =x", "FROM ${", "FROM $",
		"FROM ${A:-}", "FROM ${A%b}", "RUN [\"sh\", \"-c\"]", "RUN [\"sh\", \"-c\", \"\\\"q\\\" | sh\"]",
		"RUN [", "RUN sh -c", "RUN chmod", "RUN curl | ", "# escape=`\nRUN a `\n b", "\xff\xfe",
		"SHELL []", "SHELL [\"\"]", "ONBUILD RUN sudo x", "FROM a AS", "FROM a AS b\nFROM b AS a\nFROM a",
		"RUN " + strings.Repeat("$(", 5000), "RUN " + strings.Repeat("sh -c '", 200),
	}
	for i, in := range inputs {
		scan(t, map[string]string{fmt.Sprintf("d%d/Dockerfile", i): in})
	}
}

func BenchmarkScan(b *testing.B) {
	// The run, heredoc, secrets, add and base-images fixtures, each copied 200 times.
	dir := b.TempDir()
	var size int64
	for _, fixture := range []string{"run", "heredoc", "secrets", "add", "base-images"} {
		data, err := os.ReadFile(filepath.Join("testdata", fixture, "Dockerfile"))
		if err != nil {
			b.Fatal(err)
		}
		for i := range 200 {
			p := filepath.Join(dir, fmt.Sprintf("%s-%d", fixture, i), "Dockerfile")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				b.Fatal(err)
			}
			size += int64(len(data))
		}
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	s := dockerfile.New()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Scan(context.Background(), &engine.Request{Tree: tree}); err != nil {
			b.Fatal(err)
		}
	}
}

type scanOption func(*engine.Tree)

func withMaxFileSize(n int64) scanOption { return func(t *engine.Tree) { t.MaxFileSize = n } }

func scan(t testing.TB, files map[string]string, opts ...scanOption) *engine.Result {
	t.Helper()
	tree := writeTree(t, files)
	for _, o := range opts {
		o(tree)
	}
	res, err := dockerfile.New().Scan(context.Background(), &engine.Request{Tree: tree, Enabled: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	finding.Sort(res.Findings)
	return res
}

// scanSource scans one file and renders findings as path:line:col-endline:endcol rule.
func scanSource(t *testing.T, name, src string) []string {
	t.Helper()
	var out []string
	for _, f := range scan(t, map[string]string{name: src}).Findings {
		out = append(out, fmt.Sprintf("%s-%d:%d %s", f.Location(), f.EndLine, f.EndColumn, f.RuleID))
	}
	return out
}

func locations(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Location()+" "+f.RuleID)
	}
	return out
}

func writeTree(t testing.TB, files map[string]string) *engine.Tree {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}
