package main

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// testingInit registers testing's flags, which the test harnesses (fakegithub, dynalite) read.
func testingInit() { testing.Init() }

// benchTB lets the test harnesses run in a plain program: the methods they call are
// implemented here; the embedded nil testing.TB only satisfies the interface (calling any other
// method panics, which would be a bug in this driver).
type benchTB struct {
	testing.TB
	name     string
	mu       sync.Mutex
	cleanups []func()
	temp     []string
}

func newTB(name string) *benchTB { return &benchTB{name: name} }

func (t *benchTB) Helper()      {}
func (t *benchTB) Name() string { return t.name }
func (t *benchTB) Failed() bool { return false }

func (t *benchTB) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

// cleanup runs the cleanups, last registered first, once.
func (t *benchTB) cleanup() {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	dirs := t.temp
	t.temp = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
	for _, d := range dirs {
		os.RemoveAll(d)
	}
}

func (t *benchTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "appbench: "+format+"\n", args...)
	t.cleanup()
	os.Exit(1)
}

func (t *benchTB) Fatal(args ...any) { t.Fatalf("%s", fmt.Sprint(args...)) }

func (t *benchTB) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "appbench: error: "+format+"\n", args...)
}

func (t *benchTB) Logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "appbench: "+format+"\n", args...)
}

func (t *benchTB) TempDir() string {
	d, err := os.MkdirTemp("", "appbench-")
	if err != nil {
		t.Fatalf("temp dir: %v", err)
	}
	t.mu.Lock()
	t.temp = append(t.temp, d)
	t.mu.Unlock()
	return d
}
