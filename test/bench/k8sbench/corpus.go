package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// corpusManifest records what the corpus holds, for the comparison and the report.
type corpusManifest struct {
	Modules []corpusModule `json:"modules"`
}

type corpusModule struct {
	Label    string `json:"label"`  // directory name under the corpus root
	Source   string `json:"source"` // module path@version
	Files    int    `json:"files"`  // manifests kept
	Rejected int    `json:"rejected_by_kube_score"`
}

var (
	topLevelAPIVersion = regexp.MustCompile(`(?m)^apiVersion:`)
	topLevelKind       = regexp.MustCompile(`(?m)^kind:`)
)

// runCorpus copies the Kubernetes manifests of each module directory into -out/LABEL, then
// drops the files kube-score refuses: it stops at the first file it cannot parse, so both tools
// must get only files it accepts.
func runCorpus(args []string) error {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	out := fs.String("out", "", "corpus directory to create")
	kubeScore := fs.String("kube-score", "kube-score", "kube-score binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return fmt.Errorf("corpus: want -out DIR and MODULE@VERSION=DIR arguments")
	}
	if err := os.RemoveAll(*out); err != nil {
		return fmt.Errorf("clear corpus: %w", err)
	}
	var manifest corpusManifest
	for _, arg := range fs.Args() {
		source, dir, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("corpus: argument %q is not MODULE@VERSION=DIR", arg)
		}
		label := moduleLabel(source)
		files, err := copyManifests(dir, filepath.Join(*out, label))
		if err != nil {
			return err
		}
		rejected, err := dropRejected(*kubeScore, filepath.Join(*out, label), files)
		if err != nil {
			return err
		}
		manifest.Modules = append(manifest.Modules, corpusModule{Label: label, Source: source, Files: len(files) - len(rejected), Rejected: len(rejected)})
		fmt.Fprintf(os.Stderr, "corpus: %s: %d manifests, %d rejected by kube-score\n", source, len(files)-len(rejected), len(rejected))
	}
	data, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(*out, "corpus.json"), data, 0o644)
}

// moduleLabel turns "github.com/argoproj/argo-cd/v3@v3.2.0" into "argo-cd".
func moduleLabel(source string) string {
	path, _, _ := strings.Cut(source, "@")
	parts := strings.Split(path, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && regexp.MustCompile(`^v\d+$`).MatchString(last) {
		last = parts[len(parts)-2]
	}
	return last
}

// copyManifests copies YAML files with a top-level apiVersion and kind, returning their paths
// relative to dst.
func copyManifests(src, dst string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".git" || strings.HasSuffix(filepath.ToSlash(rel), ".github/workflows") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		if (ext != ".yaml" && ext != ".yml") || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if len(data) > 8<<20 || !topLevelAPIVersion.Match(data) || !topLevelKind.Match(data) {
			return nil
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		files = append(files, rel)
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return nil, fmt.Errorf("copy manifests from %s: %w", src, err)
	}
	sort.Strings(files)
	return files, nil
}

// dropRejected removes the files kube-score fails on, found by bisecting batches it refuses.
func dropRejected(kubeScore, dir string, files []string) ([]string, error) {
	var rejected []string
	var check func(batch []string) error
	check = func(batch []string) error {
		ok, err := kubeScoreAccepts(kubeScore, dir, batch)
		if err != nil || ok {
			return err
		}
		if len(batch) == 1 {
			rejected = append(rejected, batch[0])
			return os.Remove(filepath.Join(dir, batch[0]))
		}
		if err := check(batch[:len(batch)/2]); err != nil {
			return err
		}
		return check(batch[len(batch)/2:])
	}
	for start := 0; start < len(files); start += 256 {
		end := min(start+256, len(files))
		if err := check(files[start:end]); err != nil {
			return nil, err
		}
	}
	return rejected, nil
}

// kubeScoreAccepts runs kube-score on files; it exits 1 both for findings and for failures,
// so failures are told apart by their message.
func kubeScoreAccepts(kubeScore, dir string, files []string) (bool, error) {
	cmd := exec.Command(kubeScore, append([]string{"score", "--output-format", "ci"}, files...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		return false, fmt.Errorf("run kube-score: %w", err)
	}
	msg := stderr.String()
	return !strings.Contains(msg, "Failed to") && !strings.Contains(msg, "panic:"), nil
}
