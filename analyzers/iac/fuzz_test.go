package iac_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fourcsec/fourc/analyzers/iac"
	"github.com/fourcsec/fourc/shared/engine"
)

// FuzzScan feeds arbitrary bytes to both front ends; the scanner must never panic (a panic
// would surface as an "internal error" diagnostic, which fails the fuzz target) nor hang.
func FuzzScan(f *testing.F) {
	for _, pattern := range []string{"testdata/*/*.tf", "testdata/*/*.yaml", "testdata/*/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for _, name := range []string{"main.tf", "template.yaml", "template.json"} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tree, _, err := engine.OpenTree(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := iac.New().Scan(context.Background(), &engine.Request{Tree: tree})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diagnostics {
			if len(d.Message) > 14 && d.Message[:14] == "internal error" {
				t.Fatalf("%s: %s", d.Path, d.Message)
			}
		}
		for _, f := range res.Findings {
			if f.StartLine < 1 || f.StartColumn < 1 || f.Message == "" {
				t.Fatalf("bad finding %+v", f)
			}
		}
	})
}
