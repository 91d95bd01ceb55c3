package test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinaries builds the fourc command and the three Lambda bootstraps as shipped, then runs
// them: `fourc serve`, and each bootstrap through the Lambda Runtime API stand-in.
func TestBinaries(t *testing.T) {
	t.Parallel()
	lambdas := buildBinaries(t, "lambda.norpc", "github.com/fourcsec/fourc/functions/webhook",
		"github.com/fourcsec/fourc/functions/scan", "github.com/fourcsec/fourc/functions/summary")
	fourc := filepath.Join(buildBinaries(t, "", "github.com/fourcsec/fourc/cmd/fourc"), "fourc")
	t.Run("fourc serve", func(t *testing.T) {
		t.Parallel()
		testServe(t, fourc)
	})
	t.Run("Lambda functions", func(t *testing.T) {
		t.Parallel()
		testLambdaFunctions(t, lambdas)
	})
}

// buildBinaries builds main packages (import paths) into a temporary directory the way the
// Makefile does — no cgo, trimmed paths — and returns the directory; each binary is named
// after the last element of its package path. One `go build` shares the compilation.
func buildBinaries(t *testing.T, tags string, pkgs ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"build", "-trimpath", "-o", dir + string(filepath.Separator)}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	args = append(args, pkgs...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	// GOFLAGS may carry -race from the test run; the binaries are built as shipped.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return dir
}

// startedProcess is a child process whose output the test can read while it runs.
type startedProcess struct {
	cmd    *exec.Cmd
	output *syncBuffer
	done   chan error
}

// startProcess starts bin with env (and no other variables but PATH, HOME and TMPDIR); it is
// killed when the test ends if still running.
func startProcess(t *testing.T, bin string, env []string, args ...string) *startedProcess {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}, env...)
	p := &startedProcess{cmd: cmd, output: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.output, p.output
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), p.output.String())
		}
	})
	return p
}

// wait waits up to limit for the process to exit and returns its error.
func (p *startedProcess) wait(t *testing.T, limit time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // keep it for the cleanup
		return err
	case <-time.After(limit):
		t.Fatalf("process still running after %s", limit)
		return nil
	}
}

// waitFor polls cond every 10 ms until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
