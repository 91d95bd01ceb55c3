package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// noopScanner lists the files and reports nothing: what remains is the engine's own cost (walking
// the tree, reading suppression comments, classifying, sorting).
type noopScanner struct{}

func (noopScanner) Name() string          { return "noop" }
func (noopScanner) Rules() []finding.Rule { return nil }
func (noopScanner) Scan(context.Context, *engine.Request) (*engine.Result, error) {
	return &engine.Result{}, nil
}

// BenchmarkEngineOverhead reports the engine's cost per file of a tree of typical source files.
func BenchmarkEngineOverhead(b *testing.B) {
	for _, files := range []int{100, 2000} {
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
			dir := b.TempDir()
			body := strings.Repeat("func handler(w http.ResponseWriter, r *http.Request) { _ = r }\n", 60)
			for i := 0; i < files; i++ {
				p := filepath.Join(dir, fmt.Sprintf("pkg%d", i%50), fmt.Sprintf("f%d.go", i))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := engine.Run(context.Background(), dir, engine.Options{Scanners: []engine.Scanner{noopScanner{}}}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*files), "ns/file")
		})
	}
}
