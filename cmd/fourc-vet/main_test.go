package main_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGoVetRunsTheAnalyzers builds fourc-vet and runs it the way users do, through
// `go vet -vettool`, over a module in testdata.
func TestGoVetRunsTheAnalyzers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary and runs go vet")
	}
	bin := filepath.Join(t.TempDir(), "fourc-vet")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	vet := exec.Command("go", "vet", "-vettool="+bin, "./...")
	vet.Dir = filepath.Join("testdata", "mod")
	vet.Env = append(os.Environ(), "GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := vet.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("go vet exited with %v, want status 1 for findings\n%s", err, out)
	}

	var got []string
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		got = append(got, line)
	}
	sort.Strings(got)
	want := []string{
		"main.go:12:101: TLS certificate verification is disabled (InsecureSkipVerify: true): any server certificate is accepted",
		"store/store.go:8:41: os.WriteFile makes the file world-writable (mode 0666); any local user can change it",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("go vet output (-want +got):\n%s\nfull output:\n%s", diff, out)
	}
}

func TestHelpListsTheAnalyzers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "fourc-vet")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, _ := exec.Command(bin, "help").CombinedOutput()
	for _, name := range []string{"tlsconfig", "weakcrypto", "filemode", "servertimeout", "listenall", "decompression", "cookie", "jwtverify", "hardcodedcreds"} {
		if !strings.Contains(string(out), name) {
			t.Errorf("fourc-vet help does not list %s:\n%s", name, out)
		}
	}
}
