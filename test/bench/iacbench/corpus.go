package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// corpusManifest records what the corpus holds, for the report.
type corpusManifest struct {
	Sources []corpusSource `json:"sources"`
}

type corpusSource struct {
	Label string `json:"label"`
	Dir   string `json:"dir"`
	Files int    `json:"tf_files"`
}

// runCorpus copies the Terraform files (.tf and .tfvars) of each source directory into
// -out/LABEL, keeping the directory layout, since Terraform (and both tools) evaluate a
// directory as a module.
func runCorpus(args []string) error {
	flags := flag.NewFlagSet("corpus", flag.ContinueOnError)
	out := flags.String("out", "", "corpus directory to create")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *out == "" || flags.NArg() == 0 {
		return fmt.Errorf("corpus: want -out DIR and LABEL=DIR arguments")
	}
	if err := os.RemoveAll(*out); err != nil {
		return fmt.Errorf("clear corpus: %w", err)
	}
	var manifest corpusManifest
	for _, arg := range flags.Args() {
		label, dir, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("corpus: %q is not LABEL=DIR", arg)
		}
		n, err := copyTerraform(dir, filepath.Join(*out, label))
		if err != nil {
			return err
		}
		manifest.Sources = append(manifest.Sources, corpusSource{Label: label, Dir: dir, Files: n})
	}
	data, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(*out, "corpus.json"), data, 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// copyTerraform copies the .tf and .tfvars files under src to dst and counts the .tf files.
func copyTerraform(src, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		if !strings.HasSuffix(p, ".tf") && !strings.HasSuffix(p, ".tfvars") {
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(target), err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", target, err)
		}
		if strings.HasSuffix(p, ".tf") {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("copy %s: %w", src, err)
	}
	return n, nil
}
