package source

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fourcsec/fourc/shared/diff"
)

// ErrNotWorkTree is matched by the error of any function here given a directory outside a git
// work tree (or inside a .git directory or a bare repository).
var ErrNotWorkTree = errors.New("not inside a git work tree")

// ErrUnknownRevision is matched by the error for a revision that names no commit.
var ErrUnknownRevision = errors.New("unknown revision")

// revisionError says which revision the user gave, in the words of the flag they gave it with.
type revisionError struct{ rev, dir string }

func (e *revisionError) Error() string {
	return fmt.Sprintf("--base %q is not a revision in %s", e.rev, e.dir)
}

func (e *revisionError) Is(target error) bool { return target == ErrUnknownRevision }

// WorkTreePrefix returns dir's path relative to the top of its git work tree, slash-separated,
// "" at the top: what ExportRevision takes as subdir when PATH is a subdirectory.
func WorkTreePrefix(ctx context.Context, dir string) (string, error) {
	wt, err := openWorkTree(ctx, dir)
	if err != nil {
		return "", err
	}
	return wt.prefix, nil
}

// ResolveRevision returns the full id of the commit rev names in the repository around repoDir.
func ResolveRevision(ctx context.Context, repoDir, rev string) (string, error) {
	wt, err := openWorkTree(ctx, repoDir)
	if err != nil {
		return "", err
	}
	return wt.resolve(ctx, rev)
}

// GitDiff returns the change from the commit rev names to the work tree of repoDir: staged and
// unstaged edits, deletions, renames (git's -M), and untracked files that are not ignored, which
// count as added whole. repoDir may be a subdirectory of the repository: paths are then relative
// to it and changes outside it are left out. A file moved into repoDir from outside counts as
// added, since the base of the scanned tree never held it.
//
// Nothing in the repository is written, not even the index's stat cache, which porcelain
// `git diff` refreshes on disk in passing (taking index.lock, which can make a commit the user
// runs at the same moment fail): the diff comes from the plumbing `git diff-index`, which
// compares contents without writing and, being plumbing, ignores the user's diff.* settings.
func GitDiff(ctx context.Context, repoDir, rev string) (*diff.Diff, error) {
	wt, err := openWorkTree(ctx, repoDir)
	if err != nil {
		return nil, err
	}
	commit, err := wt.resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	// Every option that config could change is pinned all the same: the parser needs a/ and b/
	// prefixes, patch text rather than a textconv rendering, and submodules as one line.
	args := []string{"diff-index", "--patch", "--no-color", "--no-ext-diff", "--no-textconv", "--submodule=short",
		"--src-prefix=a/", "--dst-prefix=b/", "-U0", "-M", commit, "--"}
	args = append(args, wt.pathspec()...)
	var changed *diff.Diff
	err = streamGit(ctx, wt.top, wt.noFilters, args, func(r io.Reader) error {
		d, parseErr := diff.Parse(r)
		if parseErr != nil {
			return fmt.Errorf("read git diff: %w", parseErr)
		}
		changed = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := wt.relative(changed)
	args = append([]string{"ls-files", "--others", "--exclude-standard", "-z", "--"}, wt.pathspec()...)
	err = streamGit(ctx, wt.top, wt.noFilters, args, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		sc.Split(splitNUL)
		for sc.Scan() {
			name := sc.Text()
			if strings.HasSuffix(name, "/") {
				continue // a nested repository, listed as a directory
			}
			if rel, ok := wt.rel(name); ok {
				out.AddWhole(rel)
			}
		}
		return sc.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list untracked files: %w", err)
	}
	return out, nil
}

// ExportRevision writes the files of subdir (relative to the top of the work tree, as
// WorkTreePrefix returns it; "" for all) as of the commit rev names into dest, with subdir's
// contents at dest's top. It reads git's objects through `git archive` and ExtractTar, under
// DefaultLimits, so the user's checkout, index and branches are never touched, and links in the
// tree are skipped as ExtractTar skips them. dest is created when missing and should be empty.
// A subdir the commit does not have leaves dest empty: the scanned directory is new.
func ExportRevision(ctx context.Context, repoDir, rev, subdir, dest string) error {
	wt, err := openWorkTree(ctx, repoDir)
	if err != nil {
		return err
	}
	commit, err := wt.resolve(ctx, rev)
	if err != nil {
		return err
	}
	subdir = strings.Trim(filepath.ToSlash(subdir), "/")
	if subdir != "" && !filepath.IsLocal(filepath.FromSlash(subdir)) {
		return fmt.Errorf("export %s: subdirectory %q is not inside the repository", rev, subdir)
	}
	subdir = path.Clean("./" + subdir)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return fmt.Errorf("export %s: %w", rev, err)
	}
	args := []string{"archive", "--format=tar", commit}
	strip := 0
	if subdir != "." {
		exists, err := wt.hasTree(ctx, commit, subdir)
		if err != nil {
			return fmt.Errorf("export %s: %w", rev, err)
		}
		if !exists {
			return nil
		}
		args = append(args, "--", subdir)
		strip = strings.Count(subdir, "/") + 1
	}
	err = streamGit(ctx, wt.top, wt.noFilters, args, func(r io.Reader) error {
		_, err := ExtractTar(&contextReader{ctx: ctx, r: r}, dest, DefaultLimits(), ExtractOptions{StripComponents: strip})
		return err
	})
	if err != nil {
		return fmt.Errorf("export %s: %w", rev, err)
	}
	return nil
}

// workTree is a git work tree and where the scanned directory sits in it.
type workTree struct {
	dir    string // as the caller gave it, for messages
	top    string // absolute path of the top of the work tree
	prefix string // the scanned directory relative to top, slash-separated, "" at the top
	// noFilters is the environment that switches off the filter drivers git's config defines,
	// for every command that reads file contents (see filterOverrides).
	noFilters []string
}

func openWorkTree(ctx context.Context, dir string) (*workTree, error) {
	top, err := runGit(ctx, dir, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		if msg := stderrOf(err); strings.Contains(msg, "not a git repository") ||
			strings.Contains(msg, "must be run in a work tree") {
			return nil, fmt.Errorf("%s is %w: %s", dir, ErrNotWorkTree, msg)
		}
		return nil, err
	}
	prefix, err := runGit(ctx, dir, nil, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, err
	}
	wt := &workTree{
		dir:    dir,
		top:    strings.TrimSuffix(string(top), "\n"),
		prefix: strings.TrimSuffix(strings.TrimSuffix(string(prefix), "\n"), "/"),
	}
	if wt.noFilters, err = filterOverrides(ctx, wt.top); err != nil {
		return nil, err
	}
	return wt, nil
}

// filterOverrides returns GIT_CONFIG_* variables that blank the clean, smudge and process
// commands of every filter driver git's config defines (the repository's or the user's) and make
// none required. `git archive` runs smudge filters and `git diff-index` clean filters on the
// files it hashes, and a checkout handed over whole (an archive with its .git) brings its own
// config: a `filter.x.clean` there would run any command as the user. No option turns filters
// off, so each driver is named; git's own -c would misread a driver name holding "=", the
// variables do not. Scanners are better off without filters anyway: a Git LFS pointer is text,
// its object may be a download away.
func filterOverrides(ctx context.Context, top string) ([]string, error) {
	out, err := runGit(ctx, top, nil, "config", "--null", "--name-only", "--get-regexp", `^filter\.`)
	if err != nil {
		if exitCode(err) == 1 { // no key matched
			return nil, nil
		}
		return nil, fmt.Errorf("read filter drivers: %w", err)
	}
	var drivers []string
	seen := map[string]bool{}
	for _, key := range strings.Split(string(out), "\x00") {
		rest, ok := strings.CutPrefix(key, "filter.")
		dot := strings.LastIndexByte(rest, '.')
		if !ok || dot <= 0 || seen[rest[:dot]] {
			continue // "filter.x" has no driver name; a driver has several keys
		}
		seen[rest[:dot]] = true
		drivers = append(drivers, rest[:dot])
	}
	overrides := [][2]string{{"clean", ""}, {"smudge", ""}, {"process", ""}, {"required", "false"}}
	env := []string{"GIT_CONFIG_COUNT=" + strconv.Itoa(len(drivers)*len(overrides))}
	n := 0
	for _, d := range drivers {
		for _, o := range overrides {
			env = append(env, fmt.Sprintf("GIT_CONFIG_KEY_%d=filter.%s.%s", n, d, o[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", n, o[1]))
			n++
		}
	}
	return env, nil
}

func (wt *workTree) resolve(ctx context.Context, rev string) (string, error) {
	// A revision starting with "-" would be read as an option by the commands it is passed to.
	if rev == "" || strings.HasPrefix(rev, "-") || strings.ContainsRune(rev, 0) {
		return "", &revisionError{rev: rev, dir: wt.dir}
	}
	out, err := runGit(ctx, wt.top, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if exitCode(err) == 1 { // --quiet: the name resolves to no commit
			return "", &revisionError{rev: rev, dir: wt.dir}
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// hasTree reports whether dir is a directory in commit.
func (wt *workTree) hasTree(ctx context.Context, commit, dir string) (bool, error) {
	// "<commit>:<path>" names the object at path; a peel suffix would be read as part of the path.
	oid, err := runGit(ctx, wt.top, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", commit+":"+dir)
	if err != nil {
		if exitCode(err) == 1 {
			return false, nil
		}
		return false, err
	}
	kind, err := runGit(ctx, wt.top, nil, "cat-file", "-t", strings.TrimSpace(string(oid)))
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(kind)) == "tree", nil
}

// pathspec limits a git command run at the top to the scanned directory. Pathspecs are literal
// (GIT_LITERAL_PATHSPECS), so a directory named "*" means itself.
func (wt *workTree) pathspec() []string {
	if wt.prefix == "" {
		return nil
	}
	return []string{wt.prefix}
}

// rel turns a path relative to the top into one relative to the scanned directory.
func (wt *workTree) rel(name string) (string, bool) {
	if wt.prefix == "" {
		return name, true
	}
	rest, ok := strings.CutPrefix(name, wt.prefix+"/")
	return rest, ok && rest != ""
}

// relative re-roots a diff of the whole repository at the scanned directory.
func (wt *workTree) relative(d *diff.Diff) *diff.Diff {
	out := diff.New()
	for _, f := range d.Files {
		name, ok := wt.rel(f.Path)
		if !ok {
			continue
		}
		f.Path = name
		if f.OldPath != "" {
			if old, ok := wt.rel(f.OldPath); ok {
				f.OldPath = old
			} else {
				f.OldPath, f.Whole, f.Ranges = "", true, nil
			}
		}
		out.Files[name] = f
	}
	for _, name := range d.Deleted {
		if rel, ok := wt.rel(name); ok {
			out.Deleted = append(out.Deleted, rel)
		}
	}
	return out
}

// gitEnvKept are the GIT_ variables passed on: they restrict where git looks for a repository or
// say how to reach the user's remotes (a partial clone fetches missing objects on demand). Every
// other one is dropped, since GIT_DIR, GIT_INDEX_FILE, GIT_CONFIG_PARAMETERS and the like, set
// when fourc runs from a hook, would point git at another repository or inject config.
var gitEnvKept = map[string]bool{
	"GIT_CEILING_DIRECTORIES":         true,
	"GIT_DISCOVERY_ACROSS_FILESYSTEM": true,
	"GIT_CONFIG_GLOBAL":               true,
	"GIT_EXEC_PATH":                   true,
	"GIT_SSH":                         true,
	"GIT_SSH_COMMAND":                 true,
}

func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "GIT_") && !gitEnvKept[name]:
		case name == "PAGER" || name == "LC_ALL" || name == "LANGUAGE":
		default:
			env = append(env, kv)
		}
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1", // the system config is outside the user's and our control
		"GIT_TERMINAL_PROMPT=0", // never wait for a password
		// No fetch transport at all: a checkout that declares itself a partial clone would
		// otherwise "fetch" missing objects through its own remote config (an ext:: command,
		// uploadpack, sshCommand, credential helpers). Blobless clones then fail with git's
		// own error about the missing object rather than run anything.
		"GIT_ALLOW_PROTOCOL=fourc-no-fetch",
		"GIT_NO_LAZY_FETCH=1", // git 2.44+: do not even try
		"GIT_PAGER=cat", "PAGER=cat",
		"GIT_OPTIONAL_LOCKS=0",    // do not refresh the index: the checkout stays untouched
		"GIT_LITERAL_PATHSPECS=1", // directory names are names, not patterns
		"LC_ALL=C", "LANGUAGE=C",  // messages we recognise and show
	)
}

// gitConfig overrides settings a repository's own config could use to run programs or change
// the output the parser reads.
var gitConfig = []string{
	"-c", "core.quotepath=on",
	"-c", "core.fsmonitor=false",
	"-c", "core.hooksPath=/dev/null",
}

// gitError is a failed git command with what git said.
type gitError struct {
	args   []string
	err    error
	stderr string
}

func (e *gitError) Error() string {
	if e.stderr == "" {
		return fmt.Sprintf("git %s: %v", strings.Join(e.args, " "), e.err)
	}
	return fmt.Sprintf("git %s: %v: %s", strings.Join(e.args, " "), e.err, e.stderr)
}

func (e *gitError) Unwrap() error { return e.err }

func stderrOf(err error) string {
	var ge *gitError
	if errors.As(err, &ge) {
		return ge.stderr
	}
	return ""
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// runGit runs git in dir, with env added to the locked-down environment, and returns what it
// printed.
func runGit(ctx context.Context, dir string, env []string, args ...string) ([]byte, error) {
	var out []byte
	err := streamGit(ctx, dir, env, args, func(r io.Reader) error {
		var err error
		out, err = io.ReadAll(r)
		return err
	})
	return out, err
}

// streamGit runs git in dir with the locked-down environment, and env added to it, and hands
// its output to consume as it comes. When consume fails, git is stopped; when git fails, its
// error wins, since a consumer reading a cut-off stream fails only as a consequence.
func streamGit(ctx context.Context, dir string, env, args []string, consume func(io.Reader) error) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(runCtx, "git", append(append([]string{"--no-pager"}, gitConfig...), args...)...)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(), env...)
	cmd.WaitDelay = 5 * time.Second // git's children could keep the pipes open after a kill
	stderr := &boundedBuffer{max: 8 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return &gitError{args: args, err: err}
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("git is needed to compare with a revision: %w", err)
		}
		return &gitError{args: args, err: err}
	}
	consumeErr := consume(stdout)
	if consumeErr != nil {
		cancel()
	} else {
		_, consumeErr = io.Copy(io.Discard, stdout) // let git finish writing
	}
	waitErr := cmd.Wait()
	msg := strings.TrimSpace(stderr.String())
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("git %s: %w", strings.Join(args, " "), ctx.Err())
	case waitErr != nil && cmd.ProcessState != nil && cmd.ProcessState.Exited():
		return &gitError{args: args, err: waitErr, stderr: msg}
	case consumeErr != nil:
		return consumeErr
	case waitErr != nil:
		return &gitError{args: args, err: waitErr, stderr: msg}
	}
	return nil
}

// boundedBuffer keeps the first max bytes written to it: enough of git's stderr for a message.
type boundedBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *boundedBuffer) String() string { return b.buf.String() }

func splitNUL(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// contextReader stops a read loop once ctx is done.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Ignored returns a predicate over paths relative to dir (slash-separated) that is true for what
// git ignores there (.gitignore, .git/info/exclude, the global excludes file): build output and
// caches a user does not expect a scan to read. Outside a git work tree it returns ErrNotWorkTree.
func Ignored(ctx context.Context, dir string) (func(path string) bool, error) {
	wt, err := openWorkTree(ctx, dir)
	if err != nil {
		return nil, err
	}
	files, dirs := map[string]bool{}, []string{}
	args := append([]string{"ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z", "--"}, wt.pathspec()...)
	err = streamGit(ctx, wt.top, wt.noFilters, args, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		sc.Split(splitNUL)
		for sc.Scan() {
			rel, ok := wt.rel(strings.TrimSuffix(sc.Text(), "/"))
			if !ok {
				continue
			}
			if strings.HasSuffix(sc.Text(), "/") {
				dirs = append(dirs, rel+"/")
			} else {
				files[rel] = true
			}
		}
		return sc.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list ignored files: %w", err)
	}
	return func(p string) bool {
		if files[p] {
			return true
		}
		for _, d := range dirs {
			if strings.HasPrefix(p+"/", d) {
				return true
			}
		}
		return false
	}, nil
}
