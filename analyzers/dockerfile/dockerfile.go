// Package dockerfile checks Dockerfiles and Containerfiles for the container-layer mistakes that
// the CIS Docker Benchmark and hadolint warn about: running as root, unpinned base images,
// downloads that are executed or installed without verification, secrets baked into image
// layers, and needless attack surface (sudo, world-writable files, an SSH port).
//
// Files are parsed with BuildKit's own Dockerfile parser, so continuation lines, here-documents,
// parser directives and the escape character are read exactly as `docker build` reads them; the
// positions buildkit does not keep (columns, the physical line of a token inside a continued
// instruction) are recovered from the source. RUN scripts are split with the shell package, so a
// rule on "sudo" fires on `sudo apt-get …` and not on `apt-get install sudo`.
package dockerfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/fourcsec/fourc/analyzers/internal/filescan"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scannerName is the Scanner's Name, shown in progress lines and diagnostics.
const scannerName = "dockerfile"

// check is one rule and the function that applies it to a parsed file.
type check struct {
	rule *finding.Rule
	run  func(df *dockerfile, r *report)
}

// checks lists every rule of the scanner, one per file of this package.
var checks = []check{
	{&ruleRootUser, checkRootUser},
	{&ruleBaseImageLatest, checkBaseImageLatest},
	{&ruleBaseImageNoDigest, checkBaseImageNoDigest},
	{&ruleAddURL, checkAddURL},
	{&ruleAddLocal, checkAddLocal},
	{&rulePipeToShell, checkPipeToShell},
	{&ruleSecretInImage, checkSecretInImage},
	{&ruleSecretBuildArg, checkSecretBuildArg},
	{&ruleSudo, checkSudo},
	{&ruleChmodWorldWritable, checkChmodWorldWritable},
	{&ruleExposeSSH, checkExposeSSH},
	{&rulePlainHTTP, checkPlainHTTP},
	{&ruleVerificationDisabled, checkVerificationDisabled},
}

// New returns the Dockerfile scanner.
func New() engine.Scanner { return scanner{} }

type scanner struct{}

func (scanner) Name() string { return scannerName }

func (scanner) Rules() []finding.Rule {
	out := make([]finding.Rule, len(checks))
	for i, c := range checks {
		out[i] = *c.rule
	}
	return out
}

// IsDockerfile reports whether a path names a Dockerfile: Dockerfile, Containerfile,
// Dockerfile.<variant> or <variant>.Dockerfile, in any letter case.
func IsDockerfile(p string) bool {
	base := strings.ToLower(path.Base(p))
	switch {
	case base == "dockerfile" || base == "containerfile":
		return true
	case strings.HasSuffix(base, ".dockerfile") && len(base) > len(".dockerfile"):
		return true
	case strings.HasPrefix(base, "dockerfile.") && len(base) > len("dockerfile."):
		return !notDockerfileSuffix[base[len("dockerfile"):]]
	}
	return false
}

// notDockerfileSuffix are extensions that make "dockerfile.X" a file about Dockerfiles rather
// than one: a Go or Python source file named dockerfile.go, documentation, BuildKit's
// per-Dockerfile ignore file.
var notDockerfileSuffix = map[string]bool{
	".go": true, ".py": true, ".js": true, ".ts": true, ".rb": true, ".rs": true, ".java": true,
	".sh": true, ".md": true, ".rst": true, ".txt": true, ".json": true, ".yml": true,
	".yaml": true, ".toml": true, ".dockerignore": true, ".want": true, ".golden": true,
	".orig": true, ".rej": true, ".bak": true, ".swp": true,
}

// sniffSize is how much of a file the binary test looks at, as git does.
const sniffSize = 8000

func (s scanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	return filescan.Run(ctx, req, "dockerfile", IsDockerfile, checks, func(c check) string { return c.rule.ID }, scanFile)
}

// scanFile reads, parses and checks one file. A file that cannot be analysed gives a diagnostic,
// never an error: the other files are still scanned.
func scanFile(tree *engine.Tree, filePath string, active []check) (findings []finding.Finding, diag *engine.Diagnostic) {
	defer func() {
		// BuildKit's parser meets hostile input here that it never meets in `docker build`;
		// should it panic, this file is reported as not scanned and the others still are.
		if p := recover(); p != nil {
			findings = nil
			diag = &engine.Diagnostic{Scanner: scannerName, Path: filePath, Message: fmt.Sprintf("not scanned: internal error: %v", p)}
		}
	}()
	data, err := tree.ReadFile(filePath)
	if err != nil {
		msg := "not scanned: " + err.Error()
		if errors.Is(err, engine.ErrTooLarge) {
			msg = fmt.Sprintf("not scanned: over the %d-byte size limit", tree.MaxFileSize)
		}
		return nil, &engine.Diagnostic{Scanner: scannerName, Path: filePath, Message: msg}
	}
	if bytes.IndexByte(data[:min(len(data), sniffSize)], 0) >= 0 {
		return nil, &engine.Diagnostic{Scanner: scannerName, Path: filePath, Message: "not scanned: binary file named like a Dockerfile"}
	}
	if !hasInstructions(data) {
		return nil, nil // empty or only comments: nothing to check, nothing wrong
	}
	df, err := parse(filePath, data)
	if err != nil {
		return nil, &engine.Diagnostic{Scanner: scannerName, Path: filePath, Line: errorLine(err), Message: err.Error()}
	}
	r := &report{path: filePath, seen: map[reportKey]bool{}}
	for _, c := range active {
		c.run(df, r)
	}
	return r.findings, nil
}

// hasInstructions reports whether any line is neither blank nor a comment.
func hasInstructions(data []byte) bool {
	for line := range bytes.Lines(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			return true
		}
	}
	return false
}

// errorLine is the first line buildkit attaches to a syntax error, or 0.
func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, ranges := range le.Locations {
			for _, r := range ranges {
				if r.Start.Line > 0 {
					return r.Start.Line
				}
			}
		}
	}
	return 0
}

// report collects one file's findings, dropping repeats of the same rule at the same place (a
// token reached twice, through `sh -c` and a substitution inside it).
type report struct {
	path     string
	findings []finding.Finding
	seen     map[reportKey]bool
}

type reportKey struct {
	rule      string
	line, col int
}

// at makes a finding of rule on the length bytes at offset off of t.
func (r *report) at(rule *finding.Rule, t *text, off, length int, message string) finding.Finding {
	line, col := t.pos(off)
	f := rule.New(r.path, line, col, message)
	if length > 0 {
		endLine, endCol := t.pos(off + length - 1)
		f.EndLine, f.EndColumn = endLine, endCol+1
	}
	return f
}

// add keeps f unless the same rule already reported the same place.
func (r *report) add(f finding.Finding) {
	k := reportKey{f.RuleID, f.StartLine, f.StartColumn}
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.findings = append(r.findings, f)
}

// atKeyword makes a finding on an instruction's keyword.
func (r *report) atKeyword(rule *finding.Rule, inst *instruction, message string) finding.Finding {
	return r.at(rule, inst.full, inst.keywordOff, len(inst.node.Value), message)
}
