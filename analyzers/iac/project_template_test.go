package iac_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/fourcsec/fourc/analyzers/iac"
	"github.com/fourcsec/fourc/shared/engine"
)

// projectTemplate is fourc's own SAM template, at the repository root.
const projectTemplate = "../../template.yaml"

// TestProjectTemplateIsClean scans fourc's own SAM template, through the engine so that its
// fourc:ignore comments (each with a reason) count, and expects nothing from this scanner.
func TestProjectTemplateIsClean(t *testing.T) {
	data, err := os.ReadFile(projectTemplate)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s does not exist yet (the SAM template is written separately); nothing to check", projectTemplate)
	}
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "template.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	scanner := iac.New()
	rep, err := engine.Run(context.Background(), dir, engine.Options{Scanners: []engine.Scanner{scanner}, Mode: engine.All})
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, r := range scanner.Rules() {
		ours[r.ID] = true
	}
	for _, it := range rep.Shown() {
		if ours[it.RuleID] {
			t.Errorf("template.yaml:%d:%d: %s: %s", it.StartLine, it.StartColumn, it.RuleID, it.Message)
		}
	}
	for _, d := range rep.Diags {
		if d.Scanner == scanner.Name() {
			t.Errorf("diagnostic %s:%d: %s", d.Path, d.Line, d.Message)
		}
	}
	for _, p := range rep.Partial {
		t.Errorf("scan incomplete: %s", p)
	}
}
