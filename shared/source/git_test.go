package source_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/source"
)

// TestMain keeps the tests from the machine's own git config: the code under test passes
// GIT_CONFIG_GLOBAL on, as it does for users.
func TestMain(m *testing.M) {
	os.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	os.Exit(m.Run())
}

// repo is a scratch git repository.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

// git runs git for the test's own setup, isolated from the environment the code under test sees.
func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		r.t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) remove(name string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dir, filepath.FromSlash(name))); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func (r *repo) path(name string) string { return filepath.Join(r.dir, filepath.FromSlash(name)) }

// snapshot hashes every file under .git, to show the code under test changed none.
func (r *repo) snapshot() map[string]string {
	r.t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(filepath.Join(r.dir, ".git"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = fmt.Sprintf("%x %v", sha256.Sum256(data), info.ModTime())
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

func span(start, end int) diff.Range { return diff.Range{Start: start, End: end} }

func spans(rs ...diff.Range) []diff.Range { return rs }

func lines(n int, prefix string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s %d\n", prefix, i)
	}
	return b.String()
}

func replaceLine(text string, n int, with string) string {
	ls := strings.SplitAfter(text, "\n")
	ls[n-1] = with + "\n"
	return strings.Join(ls, "")
}

// changedRepo has a base commit and a work tree with every kind of change, inside and outside
// the app/ subdirectory.
func changedRepo(t *testing.T) (*repo, string) {
	r := newRepo(t)
	r.write("app/main.go", lines(10, "main"))
	r.write("app/old.go", lines(6, "old"))
	r.write("app/gone.go", "gone\n")
	r.write("app/moved_out.go", lines(5, "out"))
	r.write("app/.gitignore", "*.log\n")
	r.write("outside.go", lines(5, "in"))
	r.write("docs/readme.md", lines(3, "doc"))
	r.write("app/unchanged.go", "unchanged\n")
	base := r.commit("base")

	main := replaceLine(replaceLine(lines(10, "main"), 3, "three"), 5, "five")
	r.write("app/main.go", main)
	r.git("add", "app/main.go")                           // a staged edit...
	r.write("app/main.go", replaceLine(main, 8, "eight")) // ...and an unstaged one
	r.git("mv", "app/old.go", "app/renamed.go")
	r.write("app/renamed.go", replaceLine(lines(6, "old"), 2, "two"))
	r.remove("app/gone.go")
	if err := os.Mkdir(r.path("lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("mv", "app/moved_out.go", "lib/moved_out.go")
	r.git("mv", "outside.go", "app/moved_in.go")
	r.write("docs/readme.md", replaceLine(lines(3, "doc"), 1, "title"))
	r.write("app/new.txt", "new\n")
	r.write("app/sp ace ü.txt", "unicode\n")
	r.write("app/debug.log", "ignored\n")
	r.write("docs/new.md", "new doc\n")
	// Stale stat data in the index: the kind of thing git likes to refresh on disk in passing.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(r.path("app/unchanged.go"), later, later); err != nil {
		t.Fatal(err)
	}
	return r, base
}

func TestGitDiff(t *testing.T) {
	t.Parallel()
	r, base := changedRepo(t)
	tests := []struct {
		name    string
		dir     string // the scanned PATH, relative to the repository
		files   map[string]*diff.File
		deleted []string
		lines   []struct {
			path string
			line int
			want bool
		}
		bases map[string]string
	}{
		{
			name: "whole repository",
			dir:  ".",
			files: map[string]*diff.File{
				"app/main.go":      {Path: "app/main.go", Ranges: spans(span(3, 3), span(5, 5), span(8, 8))},
				"app/renamed.go":   {Path: "app/renamed.go", OldPath: "app/old.go", Ranges: spans(span(2, 2))},
				"app/moved_in.go":  {Path: "app/moved_in.go", OldPath: "outside.go"},
				"lib/moved_out.go": {Path: "lib/moved_out.go", OldPath: "app/moved_out.go"},
				"docs/readme.md":   {Path: "docs/readme.md", Ranges: spans(span(1, 1))},
				"app/new.txt":      {Path: "app/new.txt", Whole: true},
				"app/sp ace ü.txt": {Path: "app/sp ace ü.txt", Whole: true},
				"docs/new.md":      {Path: "docs/new.md", Whole: true},
			},
			deleted: []string{"app/gone.go"},
			bases:   map[string]string{"app/renamed.go": "app/old.go", "app/moved_in.go": "outside.go"},
		},
		{
			name: "a subdirectory: paths relative to it, the rest left out",
			dir:  "app",
			files: map[string]*diff.File{
				"main.go":    {Path: "main.go", Ranges: spans(span(3, 3), span(5, 5), span(8, 8))},
				"renamed.go": {Path: "renamed.go", OldPath: "old.go", Ranges: spans(span(2, 2))},
				// Its base lies outside the scanned tree, so all of it is new to this scan.
				"moved_in.go":  {Path: "moved_in.go", Whole: true},
				"new.txt":      {Path: "new.txt", Whole: true},
				"sp ace ü.txt": {Path: "sp ace ü.txt", Whole: true},
			},
			deleted: []string{"gone.go", "moved_out.go"},
			lines: []struct {
				path string
				line int
				want bool
			}{
				{"main.go", 3, true}, {"main.go", 4, false}, {"main.go", 8, true},
				{"moved_in.go", 1, true}, {"debug.log", 1, false}, {"app/main.go", 3, false},
			},
			bases: map[string]string{"renamed.go": "old.go", "moved_in.go": "moved_in.go"},
		},
		{
			name: "another subdirectory",
			dir:  "docs",
			files: map[string]*diff.File{
				"readme.md": {Path: "readme.md", Ranges: spans(span(1, 1))},
				"new.md":    {Path: "new.md", Whole: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := r.snapshot()
			got, err := source.GitDiff(context.Background(), r.path(tt.dir), base)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.files, got.Files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.deleted, got.Deleted); diff != "" {
				t.Errorf("deleted (-want +got):\n%s", diff)
			}
			for _, c := range tt.lines {
				if g := got.Touches(c.path, c.line); g != c.want {
					t.Errorf("Touches(%q, %d) = %v, want %v", c.path, c.line, g, c.want)
				}
			}
			for p, want := range tt.bases {
				if g := got.BasePath(p); g != want {
					t.Errorf("BasePath(%q) = %q, want %q", p, g, want)
				}
			}
			if diff := cmp.Diff(before, r.snapshot()); diff != "" {
				t.Errorf("GitDiff changed the repository (-before +after):\n%s", diff)
			}
		})
	}
}

func TestGitDiffErrors(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("a.txt", "a\n")
	r.commit("base")
	notRepo := t.TempDir()

	if _, err := source.GitDiff(context.Background(), r.dir, "no-such-branch"); !errors.Is(err, source.ErrUnknownRevision) {
		t.Errorf("unknown revision: error = %v, want ErrUnknownRevision", err)
	}
	_, err := source.GitDiff(context.Background(), notRepo, "HEAD")
	if !errors.Is(err, source.ErrNotWorkTree) || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("outside a repository: error = %v, want ErrNotWorkTree with git's reason", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := source.GitDiff(ctx, r.dir, "HEAD"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestResolveRevision(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("sub/a.txt", "a\n")
	first := r.commit("first")
	r.write("sub/a.txt", "b\n")
	second := r.commit("second")
	r.git("tag", "-a", "-m", "release", "v1", first)
	tree := r.git("rev-parse", "HEAD^{tree}")
	marker := filepath.Join(t.TempDir(), "written")

	tests := []struct {
		name, dir, rev string
		want           string
		wantErr        error
		wantMsg        string
	}{
		{name: "HEAD", dir: ".", rev: "HEAD", want: second},
		{name: "relative revision", dir: ".", rev: "HEAD~1", want: first},
		{name: "branch", dir: ".", rev: "main", want: second},
		{name: "annotated tag peels to its commit", dir: ".", rev: "v1", want: first},
		{name: "short id", dir: ".", rev: second[:10], want: second},
		{name: "from a subdirectory", dir: "sub", rev: "HEAD~1", want: first},
		{
			name: "unknown name", dir: ".", rev: "nope", wantErr: source.ErrUnknownRevision,
			wantMsg: fmt.Sprintf("--base %q is not a revision in %s", "nope", "DIR"),
		},
		{name: "a tree is not a commit", dir: ".", rev: tree, wantErr: source.ErrUnknownRevision},
		{name: "empty", dir: ".", rev: "", wantErr: source.ErrUnknownRevision},
		{name: "an option is not a revision", dir: ".", rev: "--output=" + marker, wantErr: source.ErrUnknownRevision},
		{name: "inside .git", dir: ".git", rev: "HEAD", wantErr: source.ErrNotWorkTree},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := r.path(tt.dir)
			got, err := source.ResolveRevision(context.Background(), dir, tt.rev)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				if want := strings.ReplaceAll(tt.wantMsg, "DIR", dir); tt.wantMsg != "" && err.Error() != want {
					t.Errorf("message = %q, want %q", err.Error(), want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ResolveRevision(%q) = %s, want %s", tt.rev, got, tt.want)
			}
		})
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a revision starting with - was passed to git as an option")
	}
	if _, err := source.ResolveRevision(context.Background(), t.TempDir(), "HEAD"); !errors.Is(err, source.ErrNotWorkTree) {
		t.Errorf("outside a repository: error = %v, want ErrNotWorkTree", err)
	}
}

func TestWorkTreePrefix(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("a/b c/x.txt", "x")
	for dir, want := range map[string]string{".": "", "a": "a", "a/b c": "a/b c"} {
		got, err := source.WorkTreePrefix(context.Background(), r.path(dir))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("WorkTreePrefix(%q) = %q, want %q", dir, got, want)
		}
	}
}

func TestExportRevision(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("app/main.go", "package main\n")
	r.write("app/sub/deep.go", "package sub\n")
	r.write("app/run.sh", "#!/bin/sh\n")
	if err := os.Chmod(r.path("app/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", r.path("app/passwd")); err != nil {
		t.Fatal(err)
	}
	r.write("a*/star.txt", "literal star\n")
	r.write("ab/plain.txt", "not matched by a*\n")
	r.write("top.txt", "top\n")
	base := r.commit("base")
	// The work tree moves on; the export must show the base all the same.
	r.write("app/main.go", "package main // changed\n")
	r.write("app/added.go", "package main\n")
	r.remove("top.txt")
	r.commit("next")
	r.write("app/uncommitted.go", "package main\n")

	tests := []struct {
		name, subdir string
		want         map[string]string
	}{
		{
			name:   "whole tree",
			subdir: "",
			want: map[string]string{
				"app": "dir 0755", "app/main.go": `file 0644 "package main\n"`, "app/sub": "dir 0755",
				"app/sub/deep.go": `file 0644 "package sub\n"`, "app/run.sh": `file 0755 "#!/bin/sh\n"`,
				"a*": "dir 0755", "a*/star.txt": `file 0644 "literal star\n"`,
				"ab": "dir 0755", "ab/plain.txt": `file 0644 "not matched by a*\n"`, "top.txt": `file 0644 "top\n"`,
			},
		},
		{
			name:   "a subdirectory lands at the top of dest",
			subdir: "app",
			want: map[string]string{
				"main.go": `file 0644 "package main\n"`, "sub": "dir 0755",
				"sub/deep.go": `file 0644 "package sub\n"`, "run.sh": `file 0755 "#!/bin/sh\n"`,
			},
		},
		{
			name:   "a nested subdirectory",
			subdir: "app/sub/",
			want:   map[string]string{"deep.go": `file 0644 "package sub\n"`},
		},
		{
			name:   "a directory name is not a pattern",
			subdir: "a*",
			want:   map[string]string{"star.txt": `file 0644 "literal star\n"`},
		},
		{
			name:   "a directory the revision does not have",
			subdir: "not/yet",
			want:   map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := r.snapshot()
			parent := t.TempDir()
			dest := filepath.Join(parent, "dest")
			if err := source.ExportRevision(context.Background(), r.path("app"), base, tt.subdir, dest); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, listTree(t, dest)); diff != "" {
				t.Errorf("exported tree (-want +got):\n%s", diff)
			}
			assertOnlyDest(t, parent)
			if diff := cmp.Diff(before, r.snapshot()); diff != "" {
				t.Errorf("ExportRevision changed the repository (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "dest")
		if err := source.ExportRevision(context.Background(), r.dir, "nope", "", dest); !errors.Is(err, source.ErrUnknownRevision) {
			t.Errorf("unknown revision: error = %v", err)
		}
		if err := source.ExportRevision(context.Background(), r.dir, base, "../outside", dest); err == nil {
			t.Error("a subdirectory outside the repository was accepted")
		}
		if err := source.ExportRevision(context.Background(), t.TempDir(), base, "", dest); !errors.Is(err, source.ErrNotWorkTree) {
			t.Errorf("outside a repository: error = %v", err)
		}
	})
}

// TestGitIgnoresHostileSettings gives git every setting that could run a program or change the
// output the parser reads, from the repository's config, the user's config and the environment;
// results must be as without them, and no program may run.
func TestGitIgnoresHostileSettings(t *testing.T) {
	r := newRepo(t)
	tools := t.TempDir()
	ran := filepath.Join(tools, "ran")
	script := filepath.Join(tools, "evil.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$0 $*\" >> "+ran+"\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.write(".gitattributes", "*.go diff=evil\n")
	r.write("a.go", lines(10, "a"))
	r.write("sub/b.go", lines(3, "b"))
	r.write("a/c.go", "c\n") // under diff.noprefix, "a/c.go" would lose its "a/"
	base := r.commit("base")
	for _, kv := range [][2]string{
		{"core.fsmonitor", script}, {"diff.external", script}, {"core.pager", script},
		{"diff.evil.textconv", script}, {"diff.evil.command", script}, {"core.hooksPath", tools},
		{"pager.diff", script},
	} {
		r.git("config", kv[0], kv[1])
	}
	for _, hook := range []string{"post-checkout", "post-index-change", "reference-transaction"} {
		if err := os.Symlink(script, filepath.Join(tools, hook)); err != nil {
			t.Fatal(err)
		}
	}
	global := filepath.Join(tools, "gitconfig")
	if err := os.WriteFile(global, []byte(`[diff]
	noprefix = true
	mnemonicPrefix = true
	relative = true
	renames = false
	submodule = diff
	interHunkContext = 5
	context = 7
[color]
	ui = always
	diff = always
[core]
	quotepath = false
`), 0o644); err != nil {
		t.Fatal(err)
	}
	other := newRepo(t)
	other.write("x", "x")
	other.commit("other")
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	t.Setenv("GIT_DIR", filepath.Join(other.dir, ".git"))
	t.Setenv("GIT_WORK_TREE", other.dir)
	t.Setenv("GIT_INDEX_FILE", filepath.Join(tools, "index"))
	t.Setenv("GIT_EXTERNAL_DIFF", script)
	t.Setenv("GIT_PAGER", script)
	t.Setenv("GIT_CONFIG_PARAMETERS", "'diff.noprefix'='true'")

	r.write("a.go", replaceLine(replaceLine(lines(10, "a"), 3, "three"), 5, "five"))
	r.write("sub/b.go", replaceLine(lines(3, "b"), 2, "two"))
	r.write("sub/ü.go", "new\n")
	r.write("a/c.go", "C\n")

	got, err := source.GitDiff(context.Background(), r.path("sub"), base)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*diff.File{
		"b.go": {Path: "b.go", Ranges: spans(span(2, 2))},
		"ü.go": {Path: "ü.go", Whole: true},
	}
	if diff := cmp.Diff(want, got.Files); diff != "" {
		t.Errorf("files of sub (-want +got):\n%s", diff)
	}
	got, err = source.GitDiff(context.Background(), r.dir, base)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(spans(span(3, 3), span(5, 5)), got.Files["a.go"].Ranges); diff != "" {
		t.Errorf("ranges of a.go, hunks merged by interHunkContext (-want +got):\n%s", diff)
	}
	if !got.Touches("a/c.go", 1) {
		t.Errorf("a/c.go not in the diff; paths: %v", got.Paths())
	}
	commit, err := source.ResolveRevision(context.Background(), r.dir, "HEAD")
	if err != nil || commit != base {
		t.Errorf("ResolveRevision = %s, %v; want the repository's own HEAD %s", commit, err, base)
	}
	dest := filepath.Join(t.TempDir(), "dest")
	if err := source.ExportRevision(context.Background(), r.dir, base, "sub", dest); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"b.go": fmt.Sprintf("file 0644 %q", lines(3, "b"))}, listTree(t, dest)); diff != "" {
		t.Errorf("exported tree (-want +got):\n%s", diff)
	}
	if log, err := os.ReadFile(ran); err == nil {
		t.Errorf("git ran a configured program:\n%s", log)
	}
}

func TestIgnored(t *testing.T) {
	r := newRepo(t)
	for name, content := range map[string]string{
		".gitignore":        "/bin/\n*.test\n.cache/\n",
		"sub/a.go":          "package a\n",
		"sub/a.test":        "binary",
		"bin/fourc":         "binary",
		".cache/x/y.json":   "{}",
		"sub/.cache/z.json": "{}",
	} {
		r.write(name, content)
	}
	ignored, err := source.Ignored(context.Background(), r.dir)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{"sub/a.go": false, "sub/a.test": true, "bin/fourc": true, ".cache/x/y.json": true, "sub/.cache/z.json": true, ".gitignore": false} {
		if got := ignored(path); got != want {
			t.Errorf("ignored(%q) = %v, want %v", path, got, want)
		}
	}
	sub, err := source.Ignored(context.Background(), r.path("sub"))
	if err != nil {
		t.Fatal(err)
	}
	if !sub("a.test") || sub("a.go") || !sub(".cache/z.json") {
		t.Error("paths must be relative to the scanned subdirectory")
	}
	if _, err := source.Ignored(context.Background(), t.TempDir()); !errors.Is(err, source.ErrNotWorkTree) {
		t.Errorf("outside a work tree: err = %v, want ErrNotWorkTree", err)
	}
}

// TestGitRunsNoFilterDrivers: `git archive` runs smudge filters and `git diff-index` runs clean
// filters on the work tree files it hashes. A repository's own config (a checkout handed over
// with its .git) or the user's (Git LFS) may define them; none may run, whatever its name, and
// the diff and the export must be of the contents as stored.
func TestGitRunsNoFilterDrivers(t *testing.T) {
	tests := []struct {
		name   string
		driver string // as .gitattributes names it
		global bool   // defined in the user's config rather than the repository's
	}{
		{"repository filter", "evil", false},
		{"name with a dot and an equals sign", "a.b=c", false},
		{"name in upper case", "Evil", false},
		{"user's filter, as Git LFS installs it", "lfs", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t)
			tools := t.TempDir()
			ran := filepath.Join(tools, "ran")
			script := filepath.Join(tools, "filter.sh")
			// Logs that it ran, then rewrites the content, so that a filter run shows in the output;
			// as a long-running process filter it fails at once rather than hang the handshake.
			if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$*\" >> "+ran+"\n[ \"$1\" = process ] && exit 1\nsed s/a/FILTERED/\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			r.write(".gitattributes", "*.txt filter="+tt.driver+"\n")
			r.write("a.txt", "a1\na2\n")
			base := r.commit("base")
			config := fmt.Sprintf("[filter %q]\n\tclean = %s clean\n\tsmudge = %s smudge\n\tprocess = %s process\n\trequired = true\n",
				tt.driver, script, script, script)
			target := filepath.Join(r.dir, ".git", "config")
			if tt.global {
				target = filepath.Join(tools, "gitconfig")
				t.Setenv("GIT_CONFIG_GLOBAL", target)
			}
			f, err := os.OpenFile(target, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(config); err != nil {
				t.Fatal(err)
			}
			f.Close()
			r.write("a.txt", "a1\na2\na3\n")

			got, err := source.GitDiff(context.Background(), r.dir, base)
			if err != nil {
				t.Fatalf("GitDiff: %v", err)
			}
			if diff := cmp.Diff(map[string]*diff.File{"a.txt": {Path: "a.txt", Ranges: spans(span(3, 3))}}, got.Files); diff != "" {
				t.Errorf("diff (-want +got):\n%s", diff)
			}
			dest := filepath.Join(t.TempDir(), "dest")
			if err := source.ExportRevision(context.Background(), r.dir, base, "", dest); err != nil {
				t.Fatalf("ExportRevision: %v", err)
			}
			if exported := listTree(t, dest)["a.txt"]; exported != fmt.Sprintf("file 0644 %q", "a1\na2\n") {
				t.Errorf("exported a.txt = %s, want the stored content", exported)
			}
			if log, err := os.ReadFile(ran); err == nil {
				t.Errorf("git ran the filter driver:\n%s", log)
			}
		})
	}
}
