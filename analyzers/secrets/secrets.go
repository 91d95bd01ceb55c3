// Package secrets finds leaked credentials in the text files of a source tree: cloud and SaaS
// tokens with a recognisable format (AWS, GitHub, Slack, Stripe, Google), private keys, JSON Web
// Tokens, and high-entropy literals assigned to names such as password or api_key.
//
// A finding points at the secret itself: StartLine and StartColumn at its first byte, EndLine and
// EndColumn one past its last (1-based byte columns, the end exclusive as SARIF's endColumn). It
// never carries the secret: its message shows a redacted form (`ghp_…(40 chars)`), its Key, which
// feeds the fingerprint, is the SHA-256 of the secret, and it is marked Sensitive so that outputs
// quoting the line mask the span.
//
// Not read: vendored trees (vendor/, node_modules/, third_party/, .yarn/, bower_components/),
// dependency lock files, binary and minified files; files over 2 MiB are listed as diagnostics.
//
// The scan is built for speed because it reads every byte of a repository. Each detector names
// short anchors that every secret it finds contains (AKIA, xox, PRIVATE KEY, ken for token…). The
// anchors are grouped by their first byte, chosen rare in source code, and each group costs one
// bytes.IndexByte pass over the file, which runs at memory speed; only where an anchor occurs does
// a detector look at the bytes, with hand-written matchers rather than regular expressions.
package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scannerName is the Scanner's Name, shown in progress lines and diagnostics.
const scannerName = "secrets"

// New returns the secrets scanner.
func New() engine.Scanner { return &scanner{detectors: allDetectors()} }

type scanner struct {
	detectors []*detector
}

func (s *scanner) Name() string { return scannerName }

// Rules lists every rule the scanner can report, sorted by id.
func (s *scanner) Rules() []finding.Rule {
	var rules []finding.Rule
	for _, d := range s.detectors {
		for _, r := range d.rules {
			rules = append(rules, *r)
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// allDetectors lists the rule families; the order does not matter, findings are sorted.
func allDetectors() []*detector {
	return []*detector{
		awsDetector(),
		githubDetector(),
		slackDetector(),
		stripeDetector(),
		googleDetector(),
		privateKeyDetector(),
		jwtDetector(),
		genericDetector(),
	}
}

// detector finds one family of secrets. The scan calls match wherever one of its anchors occurs;
// match checks the real bytes and records what it finds.
type detector struct {
	rules   []*finding.Rule
	anchors []anchor
	// match examines the file around offset at: the anchor's offset minus its back.
	match func(f *fileScan, at int)
}

// anchor is a byte string that every secret of a detector contains.
type anchor struct {
	// needle is searched for in the file. Its first byte leads a pass over the file, so it should
	// be rare in source code: the cost of a pass grows with the number of places it stops.
	needle string
	// fold matches the letters of needle, written in lower case, in either case.
	fold bool
	// back is how many bytes before the needle the detector's match starts.
	back int
}

// pass is one bytes.IndexByte sweep over a file for a lead byte, and the anchors checked where
// it stops.
type pass struct {
	lead    byte
	anchors []passAnchor
}

type passAnchor struct {
	anchor
	detector *detector
}

// planPasses groups the anchors of the detectors by lead byte; a folded anchor leads two passes,
// one for each case of its first letter.
func planPasses(detectors []*detector) []pass {
	var passes []pass
	index := map[byte]int{}
	add := func(lead byte, a passAnchor) {
		i, ok := index[lead]
		if !ok {
			i = len(passes)
			index[lead] = i
			passes = append(passes, pass{lead: lead})
		}
		passes[i].anchors = append(passes[i].anchors, a)
	}
	for _, d := range detectors {
		for _, a := range d.anchors {
			lead := a.needle[0]
			add(lead, passAnchor{a, d})
			if a.fold && isLower(lead) {
				add(lead-'a'+'A', passAnchor{a, d})
			}
		}
	}
	return passes
}

// at reports whether the anchor's needle is at data[i:].
func (a *anchor) at(data []byte, i int) bool {
	if i+len(a.needle) > len(data) {
		return false
	}
	if !a.fold {
		return string(data[i:i+len(a.needle)]) == a.needle
	}
	for j := 0; j < len(a.needle); j++ {
		c := data[i+j]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		if c != a.needle[j] {
			return false
		}
	}
	return true
}

// Scan reads the files of the tree in parallel, one worker per processor.
func (s *scanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	enabled := func(id string) bool { return req.Enabled == nil || req.Enabled(id) }
	var active []*detector
	for _, d := range s.detectors {
		for _, r := range d.rules {
			if enabled(r.ID) {
				active = append(active, d)
				break
			}
		}
	}

	if req.Tree == nil {
		return nil, errors.New("secrets scan: no tree to scan")
	}
	limit := int64(maxFileSize)
	if m := req.Tree.MaxFileSize; m > 0 && m < limit {
		limit = m // the tree would refuse to read more anyway
	}
	passes := planPasses(active)
	files := req.Tree.Files
	perFile := make([]fileOutcome, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &fileScan{passes: passes, tree: req.Tree, limit: limit}
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				perFile[i] = w.scanFile(files[i])
				req.Progress.AddFiles(1)
			}
		}()
	}
	wg.Wait()

	res := &engine.Result{}
	for _, out := range perFile {
		for _, f := range out.findings {
			if enabled(f.RuleID) {
				res.Findings = append(res.Findings, f)
			}
		}
		if out.diagnostic != nil {
			res.Diagnostics = append(res.Diagnostics, *out.diagnostic)
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("secrets scan stopped: %w", err)
	}
	return res, nil
}

// fileOutcome is what the scan of one file produced.
type fileOutcome struct {
	findings   []finding.Finding
	diagnostic *engine.Diagnostic
}

// fileScan is a worker's state, reused from file to file so that the match list is allocated
// once per worker rather than once per file.
type fileScan struct {
	passes []pass
	tree   *engine.Tree
	limit  int64 // files larger than this are not read

	path    string
	kind    fileKind
	data    []byte // the file as read
	matches []match
}

// match is one secret found in the current file, before positions are computed.
type match struct {
	rule       *finding.Rule
	start, end int    // byte offsets of the secret in the file, end exclusive
	secret     string // what Key hashes; never printed
	message    string // already redacted
}

func (w *fileScan) scanFile(file engine.File) fileOutcome {
	skip, reason := skipBeforeReading(file, w.limit)
	if skip {
		if reason == "" {
			return fileOutcome{}
		}
		return fileOutcome{diagnostic: &engine.Diagnostic{Scanner: scannerName, Path: file.Path, Message: reason}}
	}
	data, err := w.tree.ReadFile(file.Path)
	if err != nil {
		msg := "not scanned for secrets: cannot read: " + err.Error()
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			msg = "not scanned for secrets: cannot read: " + pathErr.Err.Error() // the path is the diagnostic's
		}
		if errors.Is(err, engine.ErrTooLarge) {
			msg = fmt.Sprintf("not scanned for secrets: over the %s limit", formatSize(w.limit))
		}
		return fileOutcome{diagnostic: &engine.Diagnostic{Scanner: scannerName, Path: file.Path, Message: msg}}
	}
	if skipAfterReading(data) {
		return fileOutcome{}
	}
	return fileOutcome{findings: w.detect(file.Path, data)}
}

// detect runs the passes over the content of one file and returns its findings.
func (w *fileScan) detect(path string, data []byte) []finding.Finding {
	w.path, w.kind, w.data = path, kindOf(path), data
	w.matches = w.matches[:0]
	for _, p := range w.passes {
		for from := 0; ; {
			i := bytes.IndexByte(data[from:], p.lead)
			if i < 0 {
				break
			}
			i += from
			for j := range p.anchors {
				if a := &p.anchors[j]; i >= a.back && a.at(data, i) {
					a.detector.match(w, i-a.back)
				}
			}
			from = i + 1
		}
	}
	out := w.findings()
	w.data = nil // let the file be collected while the worker waits for the next one
	return out
}

// add records a secret found by a detector.
func (w *fileScan) add(rule *finding.Rule, start, end int, secret, message string) {
	w.matches = append(w.matches, match{rule: rule, start: start, end: end, secret: secret, message: message})
}

// findings turns the file's matches into findings: duplicates found through two anchors are
// merged, and a generic assignment finding gives way to a specific one over the same bytes.
func (w *fileScan) findings() []finding.Finding {
	if len(w.matches) == 0 {
		return nil
	}
	ms := w.matches
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		return ms[i].rule.ID < ms[j].rule.ID
	})
	var specific []match
	for _, m := range ms {
		if !isGeneric(m.rule) {
			specific = append(specific, m)
		}
	}
	lines := newPositioner(w.data)
	var out []finding.Finding
	for i, m := range ms {
		if i > 0 && ms[i-1].start == m.start && ms[i-1].rule == m.rule {
			continue
		}
		if isGeneric(m.rule) && overlapsAny(m, specific) {
			continue
		}
		line, col := lines.position(m.start)
		endLine, endCol := lines.position(m.end)
		f := m.rule.New(w.path, line, col, m.message)
		f.EndLine, f.EndColumn = endLine, endCol // one past the secret's last byte, as SARIF's endColumn
		f.Key = secretKey(m.secret)
		f.Sensitive = true // outputs that quote the line mask the span
		out = append(out, f)
	}
	return out
}

func overlapsAny(m match, others []match) bool {
	for _, o := range others {
		if o.start < m.end && m.start < o.end {
			return true
		}
	}
	return false
}

// secretKey is the finding's Key: stable for the same secret, and useless to recover it.
func secretKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
