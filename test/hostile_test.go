package test

// Hostile repositories: each case builds, at run time, a repository (or an archive of one) made
// to hurt a scanner — bombs, links out of the tree, files that are not what their names say,
// build directives that would run commands — and scans it with the real CLI and scanners, or
// extracts it as the App does. Every case asserts the same contract: the scan ends within a
// time limit with exit 0 or 1 (a refusal of the whole input says why), nothing is written
// outside the scan directory, no canary command ran, nothing outside the tree leaks into the
// output, and whatever was skipped is named.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/source"
)

// hostileScanTimeout bounds each scanner inside a hostile scan: a scanner that hangs makes the
// scan partial ("timed out"), which the assertions then report, instead of hanging the test.
const hostileScanTimeout = "90s"

// hostileWorld is the directory layout of one case:
//
//	parent/repo      the scanned directory
//	parent/outside   what the repository must never reach: a canary secret, link targets
//	parent/tmp       TMPDIR while the CLI runs, which must be empty again afterwards
//
// Canary commands touch parent/canary-<vector>; none may exist after the scan.
type hostileWorld struct {
	parent, repo, outside, tmp string
	secret                     string // the canary secret, in outside/credentials.env
}

func newHostileWorld(t *testing.T) *hostileWorld {
	t.Helper()
	parent := t.TempDir()
	w := &hostileWorld{
		parent: parent, repo: filepath.Join(parent, "repo"), outside: filepath.Join(parent, "outside"),
		tmp: filepath.Join(parent, "tmp"), secret: slackToken,
	}
	for _, d := range []string{w.repo, w.outside, w.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	w.write(t, filepath.Join(w.outside, "credentials.env"), "SLACK_TOKEN="+w.secret+"\n")
	return w
}

// write creates a file, and its directories, under the repository (a relative name) or anywhere
// (an absolute one).
func (w *hostileWorld) write(t *testing.T, name, content string) {
	t.Helper()
	if !filepath.IsAbs(name) {
		name = filepath.Join(w.repo, filepath.FromSlash(name))
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// canary is the command that proves a vector ran: it creates parent/canary-<vector>.
func (w *hostileWorld) canary(vector string) string {
	return "touch " + filepath.Join(w.parent, "canary-"+vector)
}

// scanOutput is what one CLI run printed, decoded from its JSON report.
type scanOutput struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
	bytesRead      int64 // read by this process during the scan, -1 when unknown
	report         struct {
		Findings []struct {
			RuleID  string `json:"rule_id"`
			Path    string `json:"path"`
			Message string `json:"message"`
		} `json:"findings"`
		Diagnostics []struct {
			Scanner string `json:"scanner"`
			Path    string `json:"path"`
			Message string `json:"message"`
		} `json:"diagnostics"`
		Partial []string `json:"partial"`
	}
}

// diagnosed reports whether a diagnostic names path.
func (o *scanOutput) diagnosed(path string) bool {
	for _, d := range o.report.Diagnostics {
		if d.Path == path {
			return true
		}
	}
	return false
}

// scanHostile runs `fourc scan --all --format json` on the repository (or on what args name)
// and asserts the contract every case shares: exit 0 or 1 within limit, a JSON report, no
// internal error or timeout, and what run checks.
func (w *hostileWorld) scanHostile(t *testing.T, limit time.Duration, args ...string) *scanOutput {
	t.Helper()
	out := w.run(t, limit, args...)
	if out.code != 0 && out.code != 1 {
		t.Fatalf("exit code %d, want 0 or 1; stderr:\n%s", out.code, out.stderr)
	}
	if err := json.Unmarshal([]byte(out.stdout), &out.report); err != nil {
		t.Fatalf("the report is not JSON: %v\n%.2000s", err, out.stdout)
	}
	for _, reason := range out.report.Partial {
		if strings.Contains(reason, "internal error") || strings.Contains(reason, "timed out") {
			t.Errorf("partial scan: %s", reason)
		}
	}
	for _, d := range out.report.Diagnostics {
		if strings.Contains(d.Message, "internal error") {
			t.Errorf("diagnostic %s: %s", d.Path, d.Message)
		}
	}
	for _, f := range out.report.Findings {
		if filepath.IsAbs(f.Path) || !filepath.IsLocal(filepath.FromSlash(f.Path)) {
			t.Errorf("finding %s on %q, a path outside the scanned tree", f.RuleID, f.Path)
		}
	}
	return out
}

// run runs the scan with TMPDIR inside the world and asserts what matters whatever the exit
// code: the time limit, and everything checkUntouched checks.
func (w *hostileWorld) run(t *testing.T, limit time.Duration, args ...string) *scanOutput {
	t.Helper()
	before := snapshot(t, w.parent, w.repo)
	t.Setenv("TMPDIR", w.tmp)
	if len(args) == 0 {
		args = []string{w.repo}
	}
	args = append([]string{"scan", "--all", "--format", "json", "--timeout", hostileScanTimeout, "--quiet"}, args...)

	limit *= raceSlowdown
	out := &scanOutput{bytesRead: -1}
	readBefore := processBytesRead()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		out.stdout, out.stderr, out.code = fourc(t, w.repo, args...)
	}()
	select {
	case <-done:
	case <-time.After(limit + 2*time.Minute):
		t.Fatalf("fourc %s did not return within %v", strings.Join(args, " "), limit+2*time.Minute)
	}
	out.elapsed = time.Since(start)
	if readBefore >= 0 {
		out.bytesRead = processBytesRead() - readBefore
	}
	t.Logf("scan took %v (limit %v), read %d bytes", out.elapsed.Round(time.Millisecond), limit, out.bytesRead)
	if out.elapsed > limit {
		t.Errorf("scan took %v, over the limit of %v", out.elapsed, limit)
	}
	w.checkUntouched(t, before, out.stdout+out.stderr)
	return out
}

// checkUntouched asserts that the run left the world as it found it: no canary, TMPDIR empty,
// the repository and everything beside it unchanged, and the canary secret not in output.
func (w *hostileWorld) checkUntouched(t *testing.T, before map[string]string, output string) {
	t.Helper()
	canaries, _ := filepath.Glob(filepath.Join(w.parent, "canary-*"))
	for _, c := range canaries {
		t.Errorf("canary %s exists: the repository made fourc run a command", filepath.Base(c))
	}
	if left, _ := os.ReadDir(w.tmp); len(left) > 0 {
		t.Errorf("fourc left %d entries in TMPDIR, first %s", len(left), left[0].Name())
	}
	after := snapshot(t, w.parent, w.repo)
	delete(before, w.tmp) // its time changes as fourc uses it; that it is empty is checked above
	delete(after, w.tmp)
	for p, was := range before {
		if now, ok := after[p]; !ok {
			t.Errorf("%s was removed", p)
		} else if now != was {
			t.Errorf("%s changed: %s, was %s", p, now, was)
		}
	}
	for p, now := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s was created (%s)", p, now)
		}
	}
	for _, leak := range []string{w.secret, w.secret[len(w.secret)-12:]} {
		if strings.Contains(output, leak) {
			t.Errorf("the output holds the canary secret %q from outside the tree", leak)
		}
	}
}

// snapshot describes every entry under root by kind, size, mode and modification time; the
// entries under skip (a large tree) are described by their top directory's listing only.
func snapshot(t *testing.T, root, skip string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = fmt.Sprintf("%v %d %d", info.Mode(), info.Size(), info.ModTime().UnixNano())
		if d.IsDir() && p == skip && p != root {
			entries, err := os.ReadDir(p)
			if err != nil {
				return err
			}
			out[p] += fmt.Sprintf(" %d entries", len(entries))
			if len(entries) > 2_000 {
				return fs.SkipDir // a tree of 100,000 files is checked by its count
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// processBytesRead is what this process has read through read(2) so far (rchar in
// /proc/self/io), or -1 where that is not available.
func processBytesRead() int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// TestHostileRepositories scans repositories built to attack the scanners through their inputs.
func TestHostileRepositories(t *testing.T) {
	tests := []struct {
		name  string
		limit time.Duration
		slow  bool // over ~20 s here: skipped with -short
		build func(t *testing.T, w *hostileWorld)
		check func(t *testing.T, w *hostileWorld, out *scanOutput) // beyond what scanHostile checks; may be nil
	}{
		{
			name: "100,000 tiny files", limit: 90 * time.Second, slow: true,
			build: func(t *testing.T, w *hostileWorld) {
				for d := range 100 {
					dir := filepath.Join(w.repo, fmt.Sprintf("d%03d", d))
					if err := os.Mkdir(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					for f := range 1000 {
						if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d.txt", f)), []byte("x\n"), 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				if !strings.Contains(out.stdout, `"files": 100000`) {
					t.Errorf("the report does not count the 100000 files:\n%.600s", out.stdout)
				}
			},
		},
		{
			name: "1 GB sparse files named like every scanner's input", limit: 30 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				for _, name := range hugeFiles {
					w.write(t, name, "")
					if err := os.Truncate(filepath.Join(w.repo, filepath.FromSlash(name)), 1<<30); err != nil {
						t.Fatal(err)
					}
				}
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				for _, name := range hugeFiles {
					if !out.diagnosed(name) {
						t.Errorf("no diagnostic names the 1 GB file %s", name)
					}
				}
				if out.bytesRead > 256<<20 {
					t.Errorf("the scan read %d bytes: the 1 GB files were read, not skipped", out.bytesRead)
				}
			},
		},
		{
			name: "symbolic and hard links to a secret outside the tree", limit: 30 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				creds := filepath.Join(w.outside, "credentials.env")
				w.write(t, "README.md", "# linked\n")
				mustLink(t, os.Symlink, creds, filepath.Join(w.repo, "leak.env"))
				mustLink(t, os.Symlink, w.outside, filepath.Join(w.repo, "linked-dir"))
				mustLink(t, os.Symlink, "../outside/credentials.env", filepath.Join(w.repo, "relative.env"))
				mustLink(t, os.Link, creds, filepath.Join(w.repo, "hard.env"))
				mustLink(t, os.Symlink, "/etc", filepath.Join(w.repo, "etc"))
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				hardLinkReported := false
				for _, f := range out.report.Findings {
					if f.Path == "leak.env" || f.Path == "relative.env" || strings.HasPrefix(f.Path, "linked-dir/") || strings.HasPrefix(f.Path, "etc/") {
						t.Errorf("finding %s on %s: a symbolic link was followed out of the tree", f.RuleID, f.Path)
					}
					hardLinkReported = hardLinkReported || f.Path == "hard.env" && strings.HasPrefix(f.RuleID, "secret-")
				}
				// A hard link is not a way out: it is the file itself, a name inside the tree,
				// and is scanned as one. Its secret is reported, and masked (checkUntouched).
				if !hardLinkReported {
					t.Error("the secret in hard.env, a file of the tree, was not reported")
				}
			},
		},
		{
			name: "go.mod asking for toolchain go1.99.9", limit: 60 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				w.write(t, "go.mod", "module example.com/hostile\n\ngo 1.22\n\ntoolchain go1.99.9\n")
				w.write(t, "main.go", "package main\n\nfunc main() {}\n")
				w.write(t, "newer/go.mod", "module example.com/newer\n\ngo 1.99\n")
				w.write(t, "newer/x.go", "package newer\n")
			},
			// What matters here is checked for every case: the scan ends and GOMODCACHE holds no
			// new toolchain (a Go scanner must load packages with GOTOOLCHAIN=local).
		},
		{
			name: "build directives and scripts that run a canary", limit: 60 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				w.write(t, "go.mod", "module example.com/hostile\n\ngo 1.22\n\n"+
					"require example.com/etc v0.0.0\n\nreplace example.com/etc => /etc\n\n"+
					"require example.com/outside v0.0.0\n\nreplace example.com/outside => ../outside\n")
				w.write(t, filepath.Join(w.outside, "go.mod"), "module example.com/outside\n")
				w.write(t, filepath.Join(w.outside, "leak.go"), "package outside\n\nconst Token = \""+w.secret+"\"\n")
				w.write(t, "gen.go", "package main\n\n//go:generate sh -c \""+w.canary("go-generate")+"\"\n\nfunc main() {}\n")
				w.write(t, "cgo.go", "package main\n\n/*\n"+
					"#cgo CFLAGS: -wrapper \"/bin/sh,-c,"+w.canary("cgo-wrapper")+"\"\n"+
					"#cgo pkg-config: --define-prefix hostile\n"+
					"#include \"/dev/zero\"\n*/\nimport \"C\"\n")
				w.write(t, "use.go", "package main\n\nimport (\n\t_ \"example.com/etc\"\n\t_ \"example.com/outside\"\n)\n")
				w.write(t, "Makefile", "all:\n\t"+w.canary("make")+"\n")
				w.write(t, "package.json", `{"name": "hostile", "scripts": {"preinstall": "`+w.canary("npm-preinstall")+
					`", "postinstall": "`+w.canary("npm-postinstall")+`", "prepare": "`+w.canary("npm-prepare")+`"}}`+"\n")
				w.write(t, "setup.py", "import os\nos.system(\""+w.canary("setup-py")+"\")\n")
				w.write(t, ".envrc", w.canary("direnv")+"\n")
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				for _, f := range out.report.Findings {
					if strings.Contains(f.Path, "outside") || strings.HasPrefix(f.Path, "etc") {
						t.Errorf("finding %s on %s: a replace directive led the scan out of the tree", f.RuleID, f.Path)
					}
				}
			},
		},
		{
			name: "billion laughs in YAML", limit: 30 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				w.write(t, "deploy/bomb.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: lol}\nspec:\n"+laughs("  "))
				w.write(t, ".github/workflows/bomb.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: &steps\n      - run: echo lol\n"+
					"    env:\n"+laughs("      "))
				w.write(t, "template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata:\n"+laughs("      "))
				w.write(t, "deploy/merge-bomb.yaml", "apiVersion: apps/v1\nkind: Deployment\n"+mergeBomb())
				w.write(t, "deploy/cycle.yaml", "apiVersion: v1\nkind: Pod\nspec: &s\n  containers: [*s]\n  <<: *s\n")
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				for _, name := range []string{"deploy/bomb.yaml", "deploy/merge-bomb.yaml", "deploy/cycle.yaml"} {
					if !out.diagnosed(name) {
						t.Errorf("no diagnostic says the alias bomb %s was not scanned", name)
					}
				}
			},
		},
		{
			name: "5,000-deep nesting in HCL, JSON and YAML", limit: 30 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				const depth = 5000
				w.write(t, "infra/main.tf", "locals {\n  deep = "+strings.Repeat("{ a = ", depth)+"1"+strings.Repeat(" }", depth)+"\n}\n"+
					"resource \"aws_s3_bucket\" \"b\" {\n"+strings.Repeat("dynamic \"x\" {\ncontent {\n", depth)+strings.Repeat("}\n}\n", depth)+"}\n")
				w.write(t, "template.json", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": `+
					strings.Repeat(`{"a": `, depth)+"1"+strings.Repeat("}", depth)+"}}}\n")
				w.write(t, "deploy/deep.json", `{"apiVersion": "v1", "kind": "ConfigMap", "data": `+strings.Repeat("[", depth)+strings.Repeat("]", depth)+"}\n")
				w.write(t, "deploy/deep.yaml", "apiVersion: v1\nkind: Pod\nspec: "+strings.Repeat("[", depth)+strings.Repeat("]", depth)+"\n")
				w.write(t, ".github/workflows/deep.yml", "on: push\njobs: "+strings.Repeat("{a: ", depth)+"1"+strings.Repeat("}", depth)+"\n")
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				// The bucket in main.tf lacks encryption: the file is either analysed (and that
				// is reported) or refused with a reason, never silently dropped.
				reported := out.diagnosed("infra/main.tf")
				for _, f := range out.report.Findings {
					reported = reported || f.Path == "infra/main.tf"
				}
				if !reported {
					t.Error("infra/main.tf has neither a finding nor a diagnostic")
				}
			},
		},
		{
			name: "binary files named like every scanner's input", limit: 30 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				r := rand.New(rand.NewPCG(1, 2))
				for _, name := range binaryNames {
					b := make([]byte, 64<<10)
					for i := range b {
						b[i] = byte(r.UintN(256))
					}
					b[10] = 0
					w.write(t, name, string(b))
				}
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				if !out.diagnosed("Dockerfile") {
					t.Error("no diagnostic says the binary Dockerfile was not scanned")
				}
			},
		},
		{
			name: "FIFOs named like every scanner's input", limit: 30 * time.Second,
			build: func(t *testing.T, w *hostileWorld) {
				w.write(t, "README.md", "# fifos\n")
				for _, name := range binaryNames {
					p := filepath.Join(w.repo, filepath.FromSlash(name))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := syscall.Mkfifo(p, 0o644); err != nil {
						t.Skipf("cannot make a FIFO here: %v", err)
					}
				}
			},
			check: func(t *testing.T, w *hostileWorld, out *scanOutput) {
				// Only regular files are scanned: a FIFO is skipped without being opened (an open
				// would wait for a writer for ever), so the scan returning at all is the proof.
				if !strings.Contains(out.stdout, `"files": 1,`) {
					t.Errorf("the report counts other files than README.md:\n%.600s", out.stdout)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.slow && testing.Short() {
				t.Skip("over 20 s; runs without -short")
			}
			w := newHostileWorld(t)
			toolchains := toolchainsInModCache(t)
			began := time.Now()
			tt.build(t, w)
			t.Logf("built in %v", time.Since(began).Round(time.Millisecond))
			out := w.scanHostile(t, tt.limit)
			if tt.check != nil {
				tt.check(t, w, out)
			}
			if now := toolchainsInModCache(t); now != toolchains {
				t.Errorf("the Go toolchains in GOMODCACHE changed during the scan: %q, was %q", now, toolchains)
			}
		})
	}
}

// TestHostileConfigIsRefusedClearly: a config file is the one input that can refuse a whole scan
// (exit 2). Whatever it holds, the refusal must come quickly, name the file, and stay short.
func TestHostileConfigIsRefusedClearly(t *testing.T) {
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	tests := []struct{ name, config, want string }{
		{"billion laughs", laughs(""), "fourc.yml:1: l0: unknown key"},
		{"a bomb where a list belongs", laughs("") + "exclude: *l9\n", "exclude: must be a list"},
		{"5,000-deep lists", "rules:\n  disable: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "rules.disable: items must be non-empty strings"},
		{"binary", string(binary), "fourc.yml: not valid YAML"},
		{"over 256 KiB", "# " + strings.Repeat("x", 300<<10) + "\n", "fourc.yml: file is larger than 256 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newHostileWorld(t)
			w.write(t, ".github/fourc.yml", tt.config)
			w.write(t, "README.md", "# app\n")
			out := w.run(t, 10*time.Second)
			if out.code != 2 || !strings.HasPrefix(out.stderr, "fourc: ") || !strings.Contains(out.stderr, tt.want) {
				t.Errorf("exit %d, stderr %.300q; want exit 2 and a message containing %q", out.code, out.stderr, tt.want)
			}
			if len(out.stderr) > 16<<10 {
				t.Errorf("the refusal is %d bytes long; want a short message", len(out.stderr))
			}
		})
	}
}

// hugeFiles are the names every scanner reads, for the 1 GB sparse files.
var hugeFiles = []string{
	"Dockerfile", "config/huge.env", "deploy/huge.yaml", ".github/workflows/huge.yml", "infra/huge.tf", "template.json",
}

// binaryNames are the names every scanner reads, for random bytes.
var binaryNames = []string{
	"Dockerfile", "deploy/app.yaml", "deploy/app.json", ".github/workflows/ci.yml", "infra/main.tf",
	"template.yaml", "action.yml", "config/app.env", "go.mod", ".github/fourc-not-config.yml",
}

func mustLink(t *testing.T, link func(oldname, newname string) error, target, name string) {
	t.Helper()
	if err := link(target, name); err != nil {
		t.Fatalf("link %s -> %s: %v", name, target, err)
	}
}

// laughs is the billion-laughs pattern as mapping entries at indent: nine levels of nine
// aliases each, 9^9 (387 million) nodes once expanded.
func laughs(indent string) string {
	var b strings.Builder
	b.WriteString(indent + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		prev := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "%sl%d: &l%d [%s]\n", indent, i, i, strings.TrimSuffix(strings.Repeat(prev+", ", 9), ", "))
	}
	return b.String()
}

// mergeBomb doubles a mapping through merge keys at each of 40 levels.
func mergeBomb() string {
	var b strings.Builder
	b.WriteString("spec:\n  m0: &m0 {k: v}\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "  m%d: &m%d\n    <<: [*m%d, *m%d]\n    k%d: v\n", i, i, i-1, i-1, i)
	}
	return b.String()
}

// toolchainsInModCache lists the Go toolchains downloaded into the module cache (and the
// download cache's record of them), so a case can assert that a scan fetched none.
func toolchainsInModCache(t *testing.T) string {
	t.Helper()
	modcache, err := goModCache()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	var found []string
	for _, pattern := range []string{"golang.org/toolchain@*", "cache/download/golang.org/toolchain/@v/*"} {
		matches, _ := filepath.Glob(filepath.Join(modcache, pattern))
		found = append(found, matches...)
	}
	return strings.Join(found, " ")
}

var goModCache = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	return strings.TrimSpace(string(out)), err
})

// TestHostileBaseRevision runs `fourc scan --base` on a checkout whose git config and
// .gitattributes name programs for every hook git offers: filters, diff drivers, textconv, the
// file-system monitor, hooks, pagers. A repository handed over as a directory (a downloaded
// archive with its .git) carries its own config; fourc must not let git run any of it.
func TestHostileBaseRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	w := newHostileWorld(t)
	// The repository is made first, without the hostile config (git add would run it).
	repo := gitRepo(t,
		map[string]string{".gitattributes": "* diff=evil filter=evil merge=evil\n", "app.env": "A=1\n", "README.md": "# app\n"},
		map[string]string{"app.env": "A=1\nB=2\n"},
	)
	if err := os.Remove(w.repo); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(repo, w.repo); err != nil {
		t.Fatal(err)
	}
	hooks := filepath.Join(w.outside, "hooks")
	evil := filepath.Join(w.outside, "evil.sh")
	w.write(t, evil, "#!/bin/sh\ntouch "+filepath.Join(w.parent, "canary-")+"\"$1\"\ncat\n")
	if err := os.Chmod(evil, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, hook := range []string{"pre-commit", "post-checkout", "post-index-change", "reference-transaction", "fsmonitor-watchman"} {
		w.write(t, filepath.Join(hooks, hook), "#!/bin/sh\n"+w.canary("hook-"+hook)+"\n")
		if err := os.Chmod(filepath.Join(hooks, hook), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	config := map[string]string{
		"filter.evil.clean":    evil + " filter-clean",
		"filter.evil.smudge":   evil + " filter-smudge",
		"filter.evil.process":  evil + " filter-process",
		"filter.evil.required": "true",
		"diff.evil.textconv":   evil + " textconv",
		"diff.evil.command":    evil + " diff-command",
		"diff.external":        evil + " diff-external",
		"core.fsmonitor":       evil + " fsmonitor",
		"core.hooksPath":       hooks,
		"core.pager":           evil + " pager",
		"pager.diff":           evil + " pager-diff",
		"core.editor":          evil + " editor",
		"merge.evil.driver":    evil + " merge-driver",
	}
	for key, value := range config {
		cmd := exec.Command("git", "config", key, value)
		cmd.Dir = w.repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git config %s: %v\n%s", key, err, out)
		}
	}
	// A change in the work tree makes git hash the file again, through the clean filter.
	w.write(t, "app.env", "A=1\nB=2\nC=3\n")
	w.write(t, "new.env", "D=4\n")

	out := w.scanHostile(t, 60*time.Second, "--base", "HEAD~1", w.repo)
	if len(out.report.Partial) > 0 || !strings.Contains(out.stdout, `"baseline": true`) {
		t.Errorf("want a complete scan against the base; partial %v, report:\n%.600s", out.report.Partial, out.stdout)
	}
}

// TestHostileBaseRevisionLazyFetch: a checkout handed over with its .git can declare itself a
// partial clone whose promisor remote is an ext:: command; when `git archive` or `git
// diff-index` then needs an object the checkout lacks, git "fetches" it by running the command.
func TestHostileBaseRevisionLazyFetch(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	w := newHostileWorld(t)
	repo := gitRepo(t, map[string]string{"a.txt": "base\n"}, map[string]string{"a.txt": "base\nhead\n"})
	if err := os.Remove(w.repo); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(repo, w.repo); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = w.repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	blob := git("rev-parse", "HEAD~1:a.txt")
	if err := os.Remove(filepath.Join(w.repo, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{
		{"core.repositoryformatversion", "1"}, {"extensions.partialClone", "origin"},
		{"remote.origin.url", "ext::sh -c " + strings.ReplaceAll(w.canary("lazy-fetch"), " ", "% ")},
		{"remote.origin.promisor", "true"}, {"protocol.ext.allow", "always"},
		{"remote.origin.partialclonefilter", "blob:none"}, // as a real blobless clone has it
	} {
		git("config", kv[0], kv[1])
	}
	w.write(t, "a.txt", "base\nhead\nwork\n")
	out := w.run(t, 60*time.Second, "--base", "HEAD~1", w.repo)
	if out.code == 2 && !strings.Contains(out.stderr, "fourc: ") {
		t.Errorf("exit 2 without a message: %q", out.stderr)
	}
}

// TestHostileArchives extracts archives made to hurt the App's extraction, with the App's limits
// and options, streaming them so that no bomb is ever held in memory or on disk whole. Archives
// that are refused must say which limit or entry; those that extract are then scanned.
func TestHostileArchives(t *testing.T) {
	tests := []struct {
		name  string
		limit time.Duration
		slow  bool
		// produce writes the archive; it is gzipped, as GitHub serves it, unless raw.
		produce func(w *tarStream) error
		raw     bool
		// wantErr is "" when extraction must succeed, else the Limit name or "malicious".
		wantErr string
		// maxProduced bounds the bytes the producer may emit before extraction stops.
		maxProduced int64
		check       func(t *testing.T, dest string, stats *source.ExtractStats)
	}{
		{
			name: "gzip bomb: 4 GiB of zeros", limit: 30 * time.Second,
			produce:     func(s *tarStream) error { return s.zeros(4 << 30) },
			wantErr:     string(source.LimitTotalBytes),
			maxProduced: 8 << 20,
		},
		{
			name: "tar bomb: one file declaring 4 GiB", limit: 10 * time.Second,
			produce: func(s *tarStream) error {
				if err := s.header(&tar.Header{Name: "top/zeros", Typeflag: tar.TypeReg, Mode: 0o644, Size: 4 << 30}); err != nil {
					return err
				}
				return s.zeros(4 << 30)
			},
			wantErr:     string(source.LimitFileBytes),
			maxProduced: 8 << 20,
		},
		{
			name: "tar bomb: a size near the int64 limit", limit: 10 * time.Second,
			produce: func(s *tarStream) error {
				return s.header(&tar.Header{Name: "top/huge", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1<<63 - 1, Format: tar.FormatPAX})
			},
			wantErr:     string(source.LimitFileBytes),
			maxProduced: 1 << 20,
		},
		{
			// Uncompressed: the case is about the sum of file sizes, and inflating a GiB (which
			// the gzip bomb already covers) would only slow it down.
			name: "tar bomb: 4 GiB in files under the per-file limit", limit: 60 * time.Second, raw: true,
			produce: func(s *tarStream) error {
				const each = 48 << 20
				for i := range 4 << 30 / each {
					if err := s.header(&tar.Header{Name: fmt.Sprintf("top/z%03d", i), Typeflag: tar.TypeReg, Mode: 0o644, Size: each}); err != nil {
						return err
					}
					if err := s.zeros(each); err != nil {
						return err
					}
				}
				return nil
			},
			wantErr: string(source.LimitTotalBytes),
			// Uncompressed, the stream is what is written: the files that fit MaxTotalBytes, and
			// no more than the next header and one chunk besides.
			maxProduced: 1<<30 + 8<<20,
			check: func(t *testing.T, dest string, stats *source.ExtractStats) {
				if stats.Bytes > source.DefaultLimits().MaxTotalBytes {
					t.Errorf("wrote %d bytes, over MaxTotalBytes", stats.Bytes)
				}
			},
		},
		{
			name: "tar bomb: 100,001 tiny entries", limit: 90 * time.Second, slow: true,
			produce: func(s *tarStream) error {
				for i := range 100_001 {
					if err := s.header(&tar.Header{Name: fmt.Sprintf("top/d%03d/f%05d", i%100, i), Typeflag: tar.TypeReg, Mode: 0o644}); err != nil {
						return err
					}
				}
				return nil
			},
			wantErr:     string(source.LimitFiles),
			maxProduced: 64 << 20,
		},
		{name: "a ../ path", limit: 10 * time.Second, produce: entries(file("top/../../escape.txt")), wantErr: "malicious"},
		{name: "a ../ path inside the tree", limit: 10 * time.Second, produce: entries(file("top/a/../../../escape.txt")), wantErr: "malicious"},
		{name: "an absolute path", limit: 10 * time.Second, produce: entries(file("/tmp/fourc-hostile-escape.txt")), wantErr: "malicious"},
		{name: "a backslash ..\\ path", limit: 10 * time.Second, produce: entries(file(`top\..\..\escape.txt`)), wantErr: "malicious"},
		{
			name: "a hard link out of the archive", limit: 10 * time.Second,
			produce: entries(&tar.Header{Name: "top/passwd", Typeflag: tar.TypeLink, Linkname: "../../../../etc/passwd"}),
			wantErr: "malicious",
		},
		{
			name: "a symbolic link out, then a file through it", limit: 10 * time.Second,
			produce: entries(
				&tar.Header{Name: "top/out", Typeflag: tar.TypeSymlink, Linkname: "../.."},
				&tar.Header{Name: "top/etc", Typeflag: tar.TypeSymlink, Linkname: "/etc"},
				file("top/out/escape.txt"), file("top/etc/escape.txt"), file("top/README.md"),
			),
			check: func(t *testing.T, dest string, stats *source.ExtractStats) {
				if stats.SkippedLinks != 2 {
					t.Errorf("SkippedLinks = %d, want 2", stats.SkippedLinks)
				}
				for _, name := range []string{"out", "etc"} {
					if info, err := os.Lstat(filepath.Join(dest, name)); err != nil || !info.IsDir() {
						t.Errorf("%s: want the directory the later entry made, not a link (%v, %v)", name, info, err)
					}
				}
			},
		},
		{
			name: "devices, FIFOs and a .git directory", limit: 10 * time.Second,
			produce: entries(
				&tar.Header{Name: "top/zero", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 5, Mode: 0o666},
				&tar.Header{Name: "top/sda", Typeflag: tar.TypeBlock, Devmajor: 8, Mode: 0o666},
				&tar.Header{Name: "top/Dockerfile", Typeflag: tar.TypeFifo, Mode: 0o666},
				file("top/.git/config"), file("top/.git/hooks/post-checkout"), file("top/README.md"),
			),
			check: func(t *testing.T, dest string, stats *source.ExtractStats) {
				if stats.SkippedSpecial != 3 || stats.SkippedNames != 2 || stats.Files != 1 {
					t.Errorf("stats = %+v, want 3 special entries and 2 .git names skipped, 1 file written", stats)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.slow && testing.Short() {
				t.Skip("over 20 s; runs without -short")
			}
			w := newHostileWorld(t)
			dest := filepath.Join(w.repo, "src")
			before := snapshot(t, w.parent, "")
			stream := newTarStream(tt.produce, tt.raw)
			limit := tt.limit * raceSlowdown
			start := time.Now()
			stats, err := source.ExtractTar(stream, dest, source.DefaultLimits(), source.ExtractOptions{Gzip: !tt.raw, StripComponents: 1})
			elapsed := time.Since(start)
			produced := stream.stop()
			t.Logf("extraction took %v (limit %v); the producer emitted %d bytes", elapsed.Round(time.Millisecond), limit, produced)
			if elapsed > limit {
				t.Errorf("extraction took %v, over the limit of %v", elapsed, limit)
			}
			if tt.maxProduced > 0 && produced > tt.maxProduced {
				t.Errorf("the producer emitted %d bytes before extraction stopped, want at most %d", produced, tt.maxProduced)
			}
			checkExtractError(t, err, tt.wantErr)
			if tt.check != nil {
				tt.check(t, dest, stats)
			}
			// Extraction writes under dest only: everything else is as it was.
			after := snapshot(t, w.parent, dest)
			for p := range after {
				if _, ok := before[p]; !ok && p != dest && !strings.HasPrefix(p, dest+string(filepath.Separator)) {
					t.Errorf("extraction created %s, outside dest", p)
				}
			}
			if err == nil {
				// As the App does next: scan what was extracted.
				w.repo = dest
				w.scanHostile(t, 30*time.Second, dest)
			}
		})
	}
}

// checkExtractError asserts that err is what a case wants: nil, a malicious-archive error naming
// the entry, or a LimitError naming the limit.
func checkExtractError(t *testing.T, err error, want string) {
	t.Helper()
	switch want {
	case "":
		if err != nil {
			t.Fatalf("ExtractTar: %v", err)
		}
	case "malicious":
		var unsafe *source.UnsafePathError
		if !errors.Is(err, source.ErrMaliciousArchive) || !errors.As(err, &unsafe) || !strings.Contains(err.Error(), "entry ") {
			t.Fatalf("ExtractTar error = %v, want a malicious-archive error naming the entry", err)
		}
	default:
		var limit *source.LimitError
		if !errors.As(err, &limit) || string(limit.Limit) != want || !strings.Contains(err.Error(), want) {
			t.Fatalf("ExtractTar error = %v, want a LimitError naming %s", err, want)
		}
	}
}

func file(name string) *tar.Header {
	return &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len("hostile\n"))}
}

// entries writes the headers, each regular file with the body "hostile\n".
func entries(hdrs ...*tar.Header) func(*tarStream) error {
	return func(s *tarStream) error {
		for _, h := range hdrs {
			if err := s.header(h); err != nil {
				return err
			}
			if h.Typeflag == tar.TypeReg {
				if err := s.body([]byte("hostile\n")); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// tarStream produces a tar archive on the fly into a pipe, the way a download arrives: the
// archive is never held whole, and the producer stops as soon as the reader stops reading.
// Headers come from archive/tar; bodies and padding are written here, so that, gzipped, a run of
// zeros can go out as repeats of one precompressed gzip member (a gzip reader reads concatenated
// members as one stream) and a 4 GiB bomb costs the producer nothing to make.
type tarStream struct {
	pr       *io.PipeReader
	pw       *io.PipeWriter
	produced atomic.Int64
	done     chan struct{}
	gz       *gzip.Writer // the current member, for everything but runs of zeros; nil when raw
}

// newTarStream starts produce writing a .tar.gz, or a plain .tar when raw.
func newTarStream(produce func(*tarStream) error, raw bool) *tarStream {
	pr, pw := io.Pipe()
	s := &tarStream{pr: pr, pw: pw, done: make(chan struct{})}
	if !raw {
		s.gz = gzip.NewWriter(s.out())
	}
	go func() {
		defer close(s.done)
		err := produce(s)
		if err == nil {
			err = s.write(make([]byte, 2*512)) // the end-of-archive marker
		}
		if err == nil && s.gz != nil {
			err = s.gz.Close()
		}
		pw.CloseWithError(err)
	}()
	return s
}

func (s *tarStream) Read(p []byte) (int, error) { return s.pr.Read(p) }

// out is the pipe, counting what the producer emits.
func (s *tarStream) out() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		n, err := s.pw.Write(p)
		s.produced.Add(int64(n))
		return n, err
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// write sends archive bytes through the current gzip member, or as they are.
func (s *tarStream) write(p []byte) error {
	var err error
	if s.gz != nil {
		_, err = s.gz.Write(p)
	} else {
		_, err = s.out().Write(p)
	}
	return err
}

// header writes the header blocks archive/tar makes for h (PAX records included).
func (s *tarStream) header(h *tar.Header) error {
	var buf bytes.Buffer
	if err := tar.NewWriter(&buf).WriteHeader(h); err != nil {
		return err
	}
	return s.write(buf.Bytes())
}

// body writes an entry's content and the padding to the next block.
func (s *tarStream) body(content []byte) error {
	if err := s.write(content); err != nil {
		return err
	}
	return s.write(make([]byte, padding(int64(len(content)))))
}

func padding(n int64) int64 { return (512 - n%512) % 512 }

// zeroMember is one gzip member of zeroRunSize zero bytes, made on first use.
var zeroMember = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, zeroRunSize))
	_ = zw.Close()
	return buf.Bytes()
})

const zeroRunSize = 16 << 20

// zeros writes an entry body of n zero bytes and its padding. Gzipped, the current member is
// closed, whole 16 MiB runs go out precompressed, and a new member takes the rest.
func (s *tarStream) zeros(n int64) error {
	n += padding(n)
	if s.gz == nil {
		run := make([]byte, 1<<20)
		for ; n > 0; n -= int64(len(run)) {
			if err := s.write(run[:min(n, int64(len(run)))]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.gz.Close(); err != nil {
		return err
	}
	for ; n >= zeroRunSize; n -= zeroRunSize {
		if _, err := s.out().Write(zeroMember()); err != nil {
			return err
		}
	}
	s.gz = gzip.NewWriter(s.out())
	return s.write(make([]byte, n))
}

// stop ends the producer once extraction has returned and reports what it emitted.
func (s *tarStream) stop() int64 {
	s.pr.CloseWithError(errors.New("extraction over"))
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		panic("the archive producer did not stop")
	}
	return s.produced.Load()
}
