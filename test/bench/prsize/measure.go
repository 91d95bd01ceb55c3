package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// prSizes are the pull-request sizes the issue asks for, in Go files changed.
var prSizes = []int{1, 10, 100}

type measureConfig struct {
	repo   string // the fourc checkout
	fourc  string
	vulndb string
	module string
	runs   int
	work   string
	out    string
}

func measureCommand(args []string) error {
	fl := flag.NewFlagSet("measure", flag.ExitOnError)
	var c measureConfig
	fl.StringVar(&c.repo, "repo", ".", "the fourc checkout (for its commit)")
	fl.StringVar(&c.fourc, "fourc", "bin/fourc", "the fourc binary to measure")
	fl.StringVar(&c.vulndb, "vulndb", "", "directory of OSV files for the dependency scanner (so that no network is used)")
	fl.StringVar(&c.module, "module", "github.com/prometheus/alertmanager@v0.27.0", "module@version to scan, fetched through the module proxy")
	fl.IntVar(&c.runs, "runs", 3, "timed runs per scenario")
	fl.StringVar(&c.work, "work", ".cache/bench/prsize", "scratch directory (the scanned git repository is rebuilt in it)")
	fl.StringVar(&c.out, "out", ".cache/bench/prsize/results.json", "where to write the results")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if c.vulndb == "" {
		return errors.New("-vulndb is required: without it the scan would fetch the public database")
	}
	if c.runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	res, err := measure(context.Background(), c)
	if err != nil {
		return err
	}
	return writeResults(c.out, res)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "prsize: "+format+"\n", args...)
}

func measure(ctx context.Context, c measureConfig) (*results, error) {
	var err error
	if c.work, err = filepath.Abs(c.work); err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	if c.vulndb, err = filepath.Abs(c.vulndb); err != nil {
		return nil, fmt.Errorf("vulnerability database: %w", err)
	}
	if err := os.MkdirAll(c.work, 0o755); err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	res := &results{Module: c.module, Runs: c.runs, Started: time.Now().UTC(), VulnDB: c.vulndb}
	if repo, err := filepath.Abs(c.repo); err == nil {
		if rel, err := filepath.Rel(repo, c.vulndb); err == nil {
			res.VulnDB = filepath.ToSlash(rel)
		}
	}
	if res.Machine, err = describeMachine(ctx, c.repo); err != nil {
		return nil, err
	}
	logf("load average at start: %s", res.Machine.LoadAtStart)

	// A private copy, so that a `make build` elsewhere during the runs cannot swap the binary
	// between two of them.
	fourc := filepath.Join(c.work, "fourc")
	if err := copyFile(c.fourc, fourc, 0o755); err != nil {
		return nil, fmt.Errorf("copy the fourc binary: %w", err)
	}
	version, err := output(ctx, "", nil, fourc, "--version")
	if err != nil {
		return nil, err
	}
	res.FourcVersion = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(version), "fourc"))

	tree := filepath.Join(c.work, "repo")
	if res.Tree, err = buildRepository(ctx, c.module, tree); err != nil {
		return nil, err
	}
	res.Scenarios, err = buildScenarios(ctx, tree)
	if err != nil {
		return nil, err
	}
	res.Command = "fourc scan --base base --format json --quiet --vulndb OSV_DIR --output FILE REPO"

	env := scanEnv()
	logf("warming the caches with one untimed scan")
	if _, err := scanOnce(ctx, fourc, c.vulndb, tree, c.work, res.Scenarios[0], env); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	// Runs go round the scenarios so that load from other work on the machine falls on all of
	// them alike rather than on whichever ran during a busy minute.
	for i := 1; i <= c.runs; i++ {
		for j := range res.Scenarios {
			s := &res.Scenarios[j]
			r, err := scanOnce(ctx, fourc, c.vulndb, tree, c.work, *s, env)
			if err != nil {
				return nil, fmt.Errorf("%s, run %d: %w", s.Name, i, err)
			}
			logf("run %d/%d %-40s wall %6.2fs  cpu %6.2fs  rss %5.0f MiB  findings %d", i, c.runs, s.Name,
				r.WallSeconds, r.CPUSeconds, float64(r.MaxRSSBytes)/(1<<20), r.Findings)
			s.Runs = append(s.Runs, r)
		}
	}
	res.Finished = time.Now().UTC()
	res.LoadAtEnd = loadAverage()
	logf("load average at end: %s", res.LoadAtEnd)
	return res, nil
}

// scanEnv is the scans' environment: the scratch module may resolve its own go.sum (it is a
// copy, not the fourc repository), and no other Go toolchain is fetched.
func scanEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off")
}

func describeMachine(ctx context.Context, repo string) (machine, error) {
	m := machine{
		Cores:       runtime.NumCPU(),
		MemoryBytes: memoryTotal(),
		Platform:    runtime.GOOS + "/" + runtime.GOARCH,
		LoadAtStart: loadAverage(),
	}
	goVersion, err := output(ctx, "", nil, "go", "env", "GOVERSION")
	if err != nil {
		return m, err
	}
	m.GoVersion = strings.TrimSpace(goVersion)
	commit, err := output(ctx, repo, nil, "git", "rev-parse", "HEAD")
	if err != nil {
		return m, err
	}
	m.Commit = strings.TrimSpace(commit)
	status, err := output(ctx, repo, nil, "git", "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return m, err
	}
	m.Dirty = strings.TrimSpace(status) != ""
	return m, nil
}

// loadAverage is the 1, 5 and 15 minute load averages, or "unknown" off Linux.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// memoryTotal is MemTotal of /proc/meminfo in bytes, or 0 off Linux.
func memoryTotal() uint64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kib, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kib * 1024
		}
	}
	return 0
}

// buildRepository downloads module and commits it as branch base of a new git repository in
// dir, with a fixed author and date so that the commits are the same on every machine.
func buildRepository(ctx context.Context, module, dir string) (treeStats, error) {
	logf("downloading %s through the module proxy", module)
	scratch, err := os.MkdirTemp("", "prsize-download-")
	if err != nil {
		return treeStats{}, fmt.Errorf("scratch directory: %w", err)
	}
	defer os.RemoveAll(scratch)
	// Outside any module, so that no go.mod is touched.
	out, err := output(ctx, scratch, []string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}, "go", "mod", "download", "-json", module)
	if err != nil {
		return treeStats{}, err
	}
	var download struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(out), &download); err != nil {
		return treeStats{}, fmt.Errorf("read go mod download output: %w", err)
	}
	if download.Error != "" || download.Dir == "" {
		return treeStats{}, fmt.Errorf("download %s: %s", module, download.Error)
	}
	if err := os.RemoveAll(dir); err != nil {
		return treeStats{}, fmt.Errorf("remove the old repository: %w", err)
	}
	if err := copyTree(download.Dir, dir); err != nil {
		return treeStats{}, fmt.Errorf("copy %s: %w", module, err)
	}
	// Before the base commit: with -mod=mod the go command may complete go.sum, and that must
	// not show up as a change of the pull requests.
	logf("downloading the dependencies of %s", module)
	if _, err := output(ctx, dir, []string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off"}, "go", "mod", "download"); err != nil {
		return treeStats{}, err
	}
	if err := git(ctx, dir, "init", "-q", "-b", "base"); err != nil {
		return treeStats{}, err
	}
	if err := git(ctx, dir, "add", "-A"); err != nil {
		return treeStats{}, err
	}
	if err := git(ctx, dir, "commit", "-q", "-m", "base: "+module); err != nil {
		return treeStats{}, err
	}
	return describeTree(ctx, dir)
}

func describeTree(ctx context.Context, dir string) (treeStats, error) {
	files, err := gitFiles(ctx, dir, "ls-files", "-z")
	if err != nil {
		return treeStats{}, err
	}
	var stats treeStats
	goDirs := map[string]bool{}
	for _, f := range files {
		stats.Files++
		if !strings.HasSuffix(f, ".go") {
			continue
		}
		if strings.HasSuffix(f, "_test.go") {
			stats.GoTestFiles++
		} else {
			stats.GoFiles++
			goDirs[filepath.Dir(f)] = true
		}
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return treeStats{}, fmt.Errorf("count lines: %w", err)
		}
		stats.GoLines += bytes.Count(data, []byte("\n"))
	}
	stats.GoDirs = len(goDirs)
	return stats, nil
}

// buildScenarios commits one branch per pull request on top of base and returns the scenarios
// in the order the report shows them.
func buildScenarios(ctx context.Context, dir string) ([]scenario, error) {
	goFiles, err := gitFiles(ctx, dir, "ls-files", "-z", "*.go")
	if err != nil {
		return nil, err
	}
	isGenerated := func(f string) bool {
		src, err := os.ReadFile(filepath.Join(dir, f))
		return err == nil && isGeneratedSource(src)
	}
	order := pickGoFiles(goFiles, isGenerated)
	var scenarios []scenario
	for _, n := range prSizes {
		if n > len(order) {
			return nil, fmt.Errorf("a %d-file pull request needs %d editable Go files; the module has %d", n, n, len(order))
		}
		branch := fmt.Sprintf("pr-%d", n)
		if err := git(ctx, dir, "checkout", "-q", "-B", branch, "base"); err != nil {
			return nil, err
		}
		for i, f := range order[:n] {
			p := filepath.Join(dir, f)
			src, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("edit %s: %w", f, err)
			}
			if err := os.WriteFile(p, editGoFile(src, i), 0o644); err != nil {
				return nil, fmt.Errorf("edit %s: %w", f, err)
			}
		}
		name := fmt.Sprintf("%d Go files", n)
		if n == 1 {
			name = "1 Go file"
		}
		s, err := commitScenario(ctx, dir, name, branch)
		if err != nil {
			return nil, err
		}
		scenarios = append(scenarios, s)
	}

	if err := git(ctx, dir, "checkout", "-q", "-B", "pr-manifests", "base"); err != nil {
		return nil, err
	}
	for _, e := range manifestEdits() {
		if err := applyManifestEdit(dir, e); err != nil {
			return nil, err
		}
	}
	s, err := commitScenario(ctx, dir, "manifests only (Dockerfile, workflow, Kubernetes)", "pr-manifests")
	if err != nil {
		return nil, err
	}
	scenarios = append(scenarios, s)
	scenarios = append(scenarios, scenario{Name: "full scan (--all, no base)", Kind: "full", Branch: "base"})
	return scenarios, nil
}

func applyManifestEdit(dir string, e manifestEdit) error {
	p := filepath.Join(dir, filepath.FromSlash(e.Path))
	content := []byte(e.Content)
	if e.Append {
		old, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("edit %s: %w", e.Path, err)
		}
		content = append(old, content...)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("edit %s: %w", e.Path, err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		return fmt.Errorf("edit %s: %w", e.Path, err)
	}
	return nil
}

func commitScenario(ctx context.Context, dir, name, branch string) (scenario, error) {
	if err := git(ctx, dir, "add", "-A"); err != nil {
		return scenario{}, err
	}
	if err := git(ctx, dir, "commit", "-q", "-m", name); err != nil {
		return scenario{}, err
	}
	changed, err := gitFiles(ctx, dir, "diff", "-z", "--name-only", "base", branch)
	if err != nil {
		return scenario{}, err
	}
	return scenario{Name: name, Kind: "pr", Branch: branch, ChangedFiles: changed}, nil
}

// scanOnce checks out the scenario's branch and times one scan of it.
func scanOnce(ctx context.Context, fourc, vulndb, tree, work string, s scenario, env []string) (run, error) {
	if err := git(ctx, tree, "checkout", "-q", "--force", s.Branch); err != nil {
		return run{}, err
	}
	report := filepath.Join(work, "scan.json")
	args := []string{"scan", "--format", "json", "--quiet", "--vulndb", vulndb, "--output", report}
	if s.Kind == "full" {
		args = append(args, "--all")
	} else {
		args = append(args, "--base", "base")
	}
	args = append(args, tree)
	cmd := exec.CommandContext(ctx, fourc, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	r := run{LoadAtStart: loadAverage()}
	start := time.Now()
	err := cmd.Run()
	r.WallSeconds = time.Since(start).Seconds()
	// Exit code 1 means findings at or above fail_on: a normal outcome of a scan.
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return run{}, fmt.Errorf("fourc %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	r.CPUSeconds = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	r.MaxRSSBytes = peakRSS(cmd.ProcessState)

	data, err := os.ReadFile(report)
	if err != nil {
		return run{}, fmt.Errorf("read the scan's report: %w", err)
	}
	var doc struct {
		Scan struct {
			Files int `json:"files"`
		} `json:"scan"`
		Summary struct {
			Shown int `json:"shown"`
		} `json:"summary"`
		Partial []string `json:"partial"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return run{}, fmt.Errorf("parse the scan's report: %w", err)
	}
	r.Findings, r.ScannedFiles, r.Partial = doc.Summary.Shown, doc.Scan.Files, doc.Partial
	return r, nil
}

// git runs git in dir with a fixed identity and date and without the user's hooks or signing,
// so that the scratch repository's commits are identical wherever it is built.
func git(ctx context.Context, dir string, args ...string) error {
	_, err := output(ctx, dir, gitEnv, "git", append(gitFlags, args...)...)
	return err
}

var gitFlags = []string{"-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=base"}

var gitEnv = []string{
	"GIT_AUTHOR_NAME=prsize", "GIT_AUTHOR_EMAIL=prsize@example.invalid", "GIT_AUTHOR_DATE=2024-01-01T00:00:00Z",
	"GIT_COMMITTER_NAME=prsize", "GIT_COMMITTER_EMAIL=prsize@example.invalid", "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z",
}

// gitFiles runs a git command that lists paths separated by NUL bytes (-z).
func gitFiles(ctx context.Context, dir string, args ...string) ([]string, error) {
	out, err := output(ctx, dir, gitEnv, "git", append(gitFlags, args...)...)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range strings.Split(out, "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// output runs a command and returns its standard output; a failure carries its standard error.
func output(ctx context.Context, dir string, extraEnv []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if extraEnv != nil {
		cmd.Env = append(os.Environ(), extraEnv...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// copyTree copies the regular files of src into dst, writable: the module cache's are not.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return copyFile(p, target, info.Mode().Perm()|0o200)
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	// Remove first: dst may be a running or read-only file.
	if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
