// Package diff describes what a change touched: the changed files and, in each, the line ranges
// of the new version that were added or modified. The CLI builds one from `git diff`, the App from
// the pull-request files API; both produce unified diffs, which Parse reads.
package diff

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Range is an inclusive range of 1-based line numbers in the new version of a file.
type Range struct {
	Start, End int
}

// File is one changed file.
type File struct {
	Path    string // new path, slash-separated, relative to the root of the scanned tree
	OldPath string // path in the base; differs from Path on a rename, empty when the file is new
	// Whole marks a file whose every line counts as changed: an added file, a binary file, or one
	// whose patch the source did not provide (GitHub omits patches of large files).
	Whole  bool
	Ranges []Range // sorted and merged; empty with Whole
}

// Diff is the set of changed files, by new path. A nil *Diff means "no diff": every line counts.
type Diff struct {
	Files   map[string]*File
	Deleted []string // paths that exist only in the base
}

// New returns an empty diff.
func New() *Diff { return &Diff{Files: map[string]*File{}} }

// Touches reports whether line of path is in the change. A nil diff touches every line.
func (d *Diff) Touches(path string, line int) bool {
	if d == nil {
		return true
	}
	f, ok := d.Files[path]
	if !ok {
		return false
	}
	if f.Whole {
		return true
	}
	i := sort.Search(len(f.Ranges), func(i int) bool { return f.Ranges[i].End >= line })
	return i < len(f.Ranges) && f.Ranges[i].Start <= line
}

// TouchesFile reports whether path is among the changed files. A nil diff touches every file.
// A file whose mode alone changed, or a pure rename, is among them although it touches no line.
func (d *Diff) TouchesFile(path string) bool {
	if d == nil {
		return true
	}
	_, ok := d.Files[path]
	return ok
}

// BasePath maps a path of the new tree to its path in the base, following renames.
func (d *Diff) BasePath(path string) string {
	if d == nil {
		return path
	}
	if f, ok := d.Files[path]; ok && f.OldPath != "" {
		return f.OldPath
	}
	return path
}

// BaseFiles is the diff as seen from the base tree: every file of the base that the change
// modified, renamed or deleted, each wholly touched. Scanning the base with it finds what a
// baseline needs for the changed files and nothing else.
func (d *Diff) BaseFiles() *Diff {
	if d == nil {
		return nil
	}
	out := New()
	for p := range d.Files {
		// An added file's path names nothing in the base, which costs nothing.
		out.AddWhole(d.BasePath(p))
	}
	for _, p := range d.Deleted {
		out.AddWhole(p)
	}
	return out
}

// Paths lists the changed paths, sorted.
func (d *Diff) Paths() []string {
	if d == nil {
		return nil
	}
	out := make([]string, 0, len(d.Files))
	for p := range d.Files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Add records lines start..end of path as changed. Ranges may be added in any order: Touches
// relies on them being sorted and merged, so Add keeps them that way.
func (d *Diff) Add(path string, start, end int) {
	f := d.file(path)
	if end < start || f.Whole {
		return
	}
	r := Range{start, end}
	// Ranges before i end more than one line before r; those from i on that start no later
	// than the line after r overlap or touch it and merge into it.
	i := sort.Search(len(f.Ranges), func(i int) bool { return f.Ranges[i].End+1 >= r.Start })
	j := i
	for ; j < len(f.Ranges) && f.Ranges[j].Start <= r.End+1; j++ {
		r.Start, r.End = min(r.Start, f.Ranges[j].Start), max(r.End, f.Ranges[j].End)
	}
	f.Ranges = slices.Replace(f.Ranges, i, j, r)
}

// AddWhole records that every line of path changed.
func (d *Diff) AddWhole(path string) {
	f := d.file(path)
	f.Whole = true
	f.Ranges = nil
}

func (d *Diff) file(path string) *File {
	if d.Files == nil { // a Diff made as a literal rather than by New
		d.Files = map[string]*File{}
	}
	f, ok := d.Files[path]
	if !ok {
		f = &File{Path: path}
		d.Files[path] = f
	}
	return f
}

// normalize sorts and merges the ranges of every file and sorts Deleted.
func (d *Diff) normalize() {
	for _, f := range d.Files {
		f.normalize()
	}
	sort.Strings(d.Deleted)
	d.Deleted = dedupe(d.Deleted)
}

func (f *File) normalize() {
	if f.Whole {
		f.Ranges = nil
		return
	}
	sort.Slice(f.Ranges, func(i, j int) bool { return f.Ranges[i].Start < f.Ranges[j].Start })
	merged := f.Ranges[:0]
	for _, r := range f.Ranges {
		if n := len(merged); n > 0 && r.Start <= merged[n-1].End+1 {
			if r.End > merged[n-1].End {
				merged[n-1].End = r.End
			}
			continue
		}
		merged = append(merged, r)
	}
	f.Ranges = merged
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// Parse reads a unified diff as `git diff` prints it (any context size; renames, copies, mode
// changes, new, deleted and binary files; combined diffs of merges) or as plain `diff -u` prints
// it. Only added lines count as changed: a pure deletion touches no line of the new file.
func Parse(r io.Reader) (*Diff, error) {
	p := &parser{d: New()}
	if err := p.run(r); err != nil {
		return nil, err
	}
	p.d.normalize()
	return p.d, nil
}

// ParsePatch reads the hunks of one file's patch as the GitHub pull-request files API returns it
// (hunks only, no headers) and records them under path, replacing what the diff held for it.
// oldPath is the file's path in the base; empty or equal to path when it was not renamed.
// GitHub leaves out the patch of binary and very large files: for those call AddWhole, since an
// empty patch records the file with no changed line (which is right for a pure rename).
func (d *Diff) ParsePatch(path, oldPath, patch string) error {
	f := &File{Path: path}
	if oldPath != path {
		f.OldPath = oldPath
	}
	// The file is known already, so the patch is read without synthesising headers, which would
	// have to quote path and could misread one that looks like a header.
	p := &parser{d: New(), cur: f, opened: true, hunksOnly: true}
	if err := p.run(strings.NewReader(patch)); err != nil {
		return fmt.Errorf("patch of %s: %w", path, err)
	}
	f.normalize()
	d.file(path) // makes the map when d was built as a literal
	d.Files[path] = f
	return nil
}

// maxLineKept bounds how much of one diff line is kept: headers are far shorter (a path is at most
// a few KiB even when quoted) and of a hunk line only the first characters matter, so a minified
// file's multi-megabyte line neither fails the parse nor costs memory.
const maxLineKept = 64 << 10

// maxParents bounds the parents of a combined diff: every hunk line costs one step per parent, so
// a forged header with thousands of '@' signs would make a small input slow. Real octopus merges
// stay far below it.
const maxParents = 256

// maxLine bounds the line numbers of a hunk. No file a scanner reads comes near it; a forged
// header beyond it would make the line counter, and the End+1 of merging ranges, overflow.
const maxLine = 1<<31 - 1

// parser holds the state of Parse between lines.
type parser struct {
	d         *Diff
	hunksOnly bool // ParsePatch: the file is given, there are no headers
	lineNo    int

	// The file whose headers are being read; cur is set once they are enough to know it.
	cur              *File
	opened           bool // cur is final for this file
	inHeader         bool // a file header has started and not yet been opened
	oldPath, newPath string
	isNew, isDeleted bool
	modeChanged      bool
	binary           bool

	// Inside a hunk: the position in the new file and the lines left of each side.
	parents      int // 1 for a plain diff, the number of merge parents for a combined one
	newLine      int
	newRemaining int
	oldRemaining []int
}

func (p *parser) run(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read diff: %w", err)
		}
		p.lineNo++
		if err := p.line(line); err != nil {
			return fmt.Errorf("diff line %d: %w", p.lineNo, err)
		}
	}
	if !p.hunksOnly {
		p.finish()
	}
	return nil
}

// readLine returns the next line without its newline, truncated to maxLineKept bytes.
func readLine(br *bufio.Reader) (string, error) {
	var kept []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if room := maxLineKept - len(kept); room > 0 {
			kept = append(kept, chunk[:min(len(chunk), room)]...)
		}
		switch {
		case err == nil:
			return strings.TrimSuffix(string(kept), "\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(kept) > 0:
			return string(kept), nil // a last line without a newline
		default:
			return "", err
		}
	}
}

func (p *parser) inHunk() bool {
	if p.newRemaining > 0 {
		return true
	}
	for _, n := range p.oldRemaining {
		if n > 0 {
			return true
		}
	}
	return false
}

func (p *parser) line(line string) error {
	if p.inHunk() {
		done, err := p.hunkLine(line)
		if done || err != nil {
			return err
		}
		// The hunk was shorter than its header said: read the line as a header.
		p.newRemaining, p.oldRemaining = 0, nil
	}
	if p.hunksOnly {
		switch {
		case strings.HasPrefix(line, "@@"):
			return p.hunkHeader(line)
		case strings.HasPrefix(line, "+"):
			return errors.New("added line beyond the hunk's length")
		case strings.HasPrefix(line, "-") || strings.HasPrefix(line, " "):
			return errors.New("line outside any hunk")
		}
		return nil // "\ No newline at end of file", blank lines
	}
	switch {
	case strings.HasPrefix(line, "diff --git "):
		p.begin()
		if a, b, ok := splitGitHeader(strings.TrimPrefix(line, "diff --git ")); ok {
			p.oldPath, p.newPath = a, b
		}
	case strings.HasPrefix(line, "diff --cc "), strings.HasPrefix(line, "diff --combined "):
		p.begin()
		_, name, _ := strings.Cut(line[len("diff --"):], " ")
		p.newPath = unquote(name)
	case strings.HasPrefix(line, "old mode "), strings.HasPrefix(line, "new mode "):
		p.modeChanged = true
	case strings.HasPrefix(line, "new file mode"):
		p.isNew = true
	case strings.HasPrefix(line, "deleted file mode"):
		p.isDeleted = true
	case strings.HasPrefix(line, "rename from "), strings.HasPrefix(line, "copy from "):
		_, name, _ := strings.Cut(line, " from ")
		p.oldPath = unquote(name)
	case strings.HasPrefix(line, "rename to "), strings.HasPrefix(line, "copy to "):
		_, name, _ := strings.Cut(line, " to ")
		p.newPath = unquote(name)
	case strings.HasPrefix(line, "--- "):
		if p.opened { // plain `diff -u` output has no "diff --git" line between files
			p.begin()
		}
		p.inHeader = true
		if name := headerPath(strings.TrimPrefix(line, "--- ")); name == "" {
			p.isNew = true
		} else {
			p.oldPath = name
		}
	case strings.HasPrefix(line, "+++ "):
		if p.opened {
			return nil
		}
		if name := headerPath(strings.TrimPrefix(line, "+++ ")); name == "" {
			p.isDeleted = true
		} else {
			p.newPath = name
		}
		p.open()
	case strings.HasPrefix(line, "Binary files "), strings.HasPrefix(line, "GIT binary patch"):
		p.binary = true
		p.open()
	case strings.HasPrefix(line, "@@"):
		p.open()
		if p.cur == nil {
			return errors.New("hunk before any file header")
		}
		return p.hunkHeader(line)
	}
	// index, mode, similarity and other extended headers carry nothing we need.
	return nil
}

// begin starts a new file, first finishing the previous one.
func (p *parser) begin() {
	p.finish()
	p.cur, p.opened, p.inHeader = nil, false, true
	p.oldPath, p.newPath = "", ""
	p.isNew, p.isDeleted, p.modeChanged, p.binary = false, false, false, false
	p.newRemaining, p.oldRemaining = 0, nil
}

// finish records a file whose headers never reached a hunk when they say it changed: a pure
// rename, a mode change, an empty file added or deleted. A bare "diff --git" line, as some tools
// print for a file whose timestamps alone changed, records nothing.
func (p *parser) finish() {
	renamed := p.oldPath != "" && p.newPath != "" && p.oldPath != p.newPath
	if p.isNew || p.isDeleted || p.modeChanged || renamed {
		p.open()
	}
}

// open records the file the headers describe, once.
func (p *parser) open() {
	if p.opened || !p.inHeader || p.newPath == "" && p.oldPath == "" {
		return
	}
	p.opened = true
	if p.isDeleted || p.newPath == "" {
		p.d.Deleted = append(p.d.Deleted, p.oldPath)
		p.cur = &File{} // a sink for the deleted file's hunks
		return
	}
	p.cur = p.d.file(p.newPath)
	switch {
	case p.isNew || p.binary:
		p.cur.Whole = true
	case p.oldPath != "" && p.oldPath != p.newPath:
		p.cur.OldPath = p.oldPath
	}
}

// hunkHeader reads "@@ -a,b +c,d @@" or, for a combined diff of n parents, n+1 '@' signs around
// n old ranges and the new one.
func (p *parser) hunkHeader(line string) error {
	fields := strings.Fields(line)
	marker := fields[0]
	parents := len(marker) - 1
	if parents < 1 || parents > maxParents || strings.Trim(marker, "@") != "" || len(fields) < parents+2 {
		return fmt.Errorf("malformed hunk header %q", line)
	}
	old := make([]int, parents)
	for i := range parents {
		r := fields[1+i]
		if !strings.HasPrefix(r, "-") {
			return fmt.Errorf("malformed hunk header %q", line)
		}
		_, count, err := parseRange(r[1:])
		if err != nil {
			return fmt.Errorf("malformed hunk header %q: %w", line, err)
		}
		old[i] = count
	}
	r := fields[1+parents]
	if !strings.HasPrefix(r, "+") {
		return fmt.Errorf("malformed hunk header %q", line)
	}
	start, count, err := parseRange(r[1:])
	if err != nil {
		return fmt.Errorf("malformed hunk header %q: %w", line, err)
	}
	// Line 0 only names the place before the first line of an empty side ("+0,0"); a hunk that
	// adds lines there would record line 0, which no finding has.
	if count > 0 && start == 0 || start > maxLine-count {
		return fmt.Errorf("malformed hunk header %q: new-file lines out of range", line)
	}
	p.parents, p.newLine, p.newRemaining, p.oldRemaining = parents, start, count, old
	return nil
}

// hunkLine consumes one line of a hunk. It reports false when the line cannot belong to the hunk,
// which then ends.
func (p *parser) hunkLine(line string) (bool, error) {
	if strings.HasPrefix(line, `\`) { // "\ No newline at end of file"
		return true, nil
	}
	// Each of the first `parents` columns says how the line relates to one parent: ' ' in both,
	// '+' only in the new file, '-' only in the parent. Tools that strip trailing blanks turn an
	// empty context line into "".
	prefix := strings.Repeat(" ", p.parents)
	if line != "" {
		if len(line) < p.parents {
			return false, nil
		}
		prefix = line[:p.parents]
	}
	if strings.Trim(prefix, " +-") != "" {
		return false, nil
	}
	inNew := !strings.Contains(prefix, "-")
	added := strings.Contains(prefix, "+")
	if inNew && p.newRemaining == 0 {
		if added {
			return false, errors.New("added line beyond the hunk's length")
		}
		return false, nil
	}
	// A line of the new file is in parent i unless column i says it was added; a line that is
	// not in the new file is in exactly the parents whose column shows '-'.
	inParent := func(i int) bool {
		if inNew {
			return prefix[i] != '+'
		}
		return prefix[i] == '-'
	}
	for i := range p.parents {
		if inParent(i) && p.oldRemaining[i] == 0 {
			return false, nil
		}
	}
	for i := range p.parents {
		if inParent(i) {
			p.oldRemaining[i]--
		}
	}
	if inNew {
		if added {
			p.cur.Ranges = append(p.cur.Ranges, Range{p.newLine, p.newLine})
		}
		p.newLine++
		p.newRemaining--
	}
	return true, nil
}

func parseRange(s string) (start, count int, err error) {
	startText, countText, hasCount := strings.Cut(s, ",")
	if start, err = strconv.Atoi(startText); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad line number %q", startText)
	}
	count = 1
	if hasCount {
		if count, err = strconv.Atoi(countText); err != nil || count < 0 {
			return 0, 0, fmt.Errorf("bad line count %q", countText)
		}
	}
	return start, count, nil
}

// headerPath reads the name of a ---/+++ line and strips its a/ or b/ prefix; /dev/null gives "".
// Git ends names containing a space with a tab, plain diff follows the name with a tab and a date;
// a name that itself holds a tab is always quoted.
func headerPath(s string) string {
	if strings.HasPrefix(s, `"`) {
		if name, _, ok := cutQuoted(s); ok {
			s = name
		}
	} else if name, _, ok := strings.Cut(s, "\t"); ok {
		s = name
	}
	if s == "/dev/null" {
		return ""
	}
	if strings.HasPrefix(s, "a/") || strings.HasPrefix(s, "b/") {
		return s[2:]
	}
	return s
}

// splitGitHeader splits the "a/x b/y" of a "diff --git" line into x and y. Either name may be
// quoted. Unquoted names are ambiguous when they contain " b/"; when both are the same name (the
// usual case) the middle split is the right one.
func splitGitHeader(s string) (string, string, bool) {
	if strings.HasPrefix(s, `"`) {
		a, rest, ok := cutQuoted(s)
		if !ok {
			return "", "", false
		}
		b := strings.TrimPrefix(rest, " ")
		if strings.HasPrefix(b, `"`) {
			if b, _, ok = cutQuoted(b); !ok {
				return "", "", false
			}
		}
		return strings.TrimPrefix(a, "a/"), strings.TrimPrefix(b, "b/"), true
	}
	if strings.HasSuffix(s, `"`) { // only the new name needed quoting
		for i := strings.LastIndex(s, ` "`); i >= 0; i = strings.LastIndex(s[:i], ` "`) {
			if b, rest, ok := cutQuoted(s[i+1:]); ok && rest == "" {
				return strings.TrimPrefix(s[:i], "a/"), strings.TrimPrefix(b, "b/"), true
			}
		}
		return "", "", false
	}
	if n := len(s) - len("a/ b/"); n > 0 && n%2 == 0 {
		half := n / 2
		a, sep, b := s[:2+half], s[2+half:5+half], s[5+half:]
		if strings.HasPrefix(a, "a/") && sep == " b/" && a[2:] == b {
			return b, b, true
		}
	}
	if i := strings.Index(s, " b/"); i >= 0 {
		return strings.TrimPrefix(s[:i], "a/"), s[i+3:], true
	}
	return "", "", false
}

// cutQuoted decodes the C-style quoted string at the start of s and returns the rest of s.
func cutQuoted(s string) (string, string, bool) {
	for i := 1; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '"' {
			u, err := strconv.Unquote(s[:i+1])
			if err != nil {
				return "", "", false
			}
			return u, s[i+1:], true
		}
	}
	return "", "", false
}

// unquote decodes git's C-style quoting of unusual file names; Go's escapes are a superset.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}
