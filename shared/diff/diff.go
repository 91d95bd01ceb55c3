// Package diff describes what a change touched: the changed files and, in each, the line ranges
// of the new version that were added or modified. The CLI builds one from `git diff`, the App from
// the pull-request files API; both produce unified diffs, which Parse reads.
package diff

import (
	"bufio"
	"fmt"
	"io"
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
	Path    string // new path, slash-separated, relative to the repository root
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

// Add records lines start..end of path as changed.
func (d *Diff) Add(path string, start, end int) {
	f := d.file(path)
	if end < start {
		return
	}
	f.Ranges = append(f.Ranges, Range{start, end})
}

// AddWhole records that every line of path changed.
func (d *Diff) AddWhole(path string) {
	d.file(path).Whole = true
}

func (d *Diff) file(path string) *File {
	f, ok := d.Files[path]
	if !ok {
		f = &File{Path: path}
		d.Files[path] = f
	}
	return f
}

// normalize sorts and merges the ranges of every file.
func (d *Diff) normalize() {
	for _, f := range d.Files {
		if f.Whole {
			f.Ranges = nil
			continue
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
	sort.Strings(d.Deleted)
}

// Parse reads a unified diff as `git diff` prints it (any context size; renames, new, deleted and
// binary files). Only added lines count as changed: a pure deletion touches no line of the new file.
func Parse(r io.Reader) (*Diff, error) {
	d := New()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var (
		cur                *File
		oldPath, newPath   string
		newLine, remaining int // position in the new file inside a hunk, lines of it left
		oldRemaining       int
		lineNo             int
		isNew, isDeleted   bool
	)
	begin := func() {
		cur, oldPath, newPath, isNew, isDeleted = nil, "", "", false, false
		remaining, oldRemaining = 0, 0
	}
	// open fixes the file a header describes, once its paths are known.
	open := func() {
		if cur != nil || newPath == "" && oldPath == "" {
			return
		}
		if isDeleted || newPath == "" {
			d.Deleted = append(d.Deleted, oldPath)
			cur = &File{} // a sink for the deleted file's hunks
			return
		}
		cur = d.file(newPath)
		switch {
		case isNew:
			cur.Whole = true
		case oldPath != "" && oldPath != newPath:
			cur.OldPath = oldPath
		}
	}
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if remaining > 0 || oldRemaining > 0 {
			switch {
			case strings.HasPrefix(line, "+"):
				if remaining == 0 {
					return nil, fmt.Errorf("diff line %d: added line beyond the hunk's length", lineNo)
				}
				cur.Ranges = append(cur.Ranges, Range{newLine, newLine})
				newLine++
				remaining--
				continue
			case strings.HasPrefix(line, "-"):
				oldRemaining--
				continue
			case strings.HasPrefix(line, " ") || line == "":
				newLine++
				remaining--
				oldRemaining--
				continue
			case strings.HasPrefix(line, `\`): // "\ No newline at end of file"
				continue
			}
			remaining, oldRemaining = 0, 0 // a truncated hunk: read the line as a header
		}
		switch {
		case strings.HasPrefix(line, "diff --git "):
			begin()
			a, b, ok := splitGitHeader(strings.TrimPrefix(line, "diff --git "))
			if ok {
				oldPath, newPath = a, b
			}
		case strings.HasPrefix(line, "new file mode"):
			isNew = true
		case strings.HasPrefix(line, "deleted file mode"):
			isDeleted = true
		case strings.HasPrefix(line, "rename from "):
			oldPath = unquote(strings.TrimPrefix(line, "rename from "))
		case strings.HasPrefix(line, "rename to "):
			newPath = unquote(strings.TrimPrefix(line, "rename to "))
			open() // a pure rename has no ---/+++ lines
		case strings.HasPrefix(line, "--- "):
			p := headerPath(strings.TrimPrefix(line, "--- "))
			if p == "" {
				isNew = true
			} else {
				oldPath = p
			}
		case strings.HasPrefix(line, "+++ "):
			p := headerPath(strings.TrimPrefix(line, "+++ "))
			if p == "" {
				isDeleted = true
			} else {
				newPath = p
			}
			open()
		case strings.HasPrefix(line, "Binary files "):
			open()
			if cur != nil && !isDeleted {
				cur.Whole = true
			}
		case strings.HasPrefix(line, "@@"):
			open()
			if cur == nil {
				return nil, fmt.Errorf("diff line %d: hunk before any file header", lineNo)
			}
			oldCount, start, count, err := parseHunkHeader(line)
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", lineNo, err)
			}
			newLine, remaining, oldRemaining = start, count, oldCount
		}
		// index, mode, similarity and other extended headers carry nothing we need.
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read diff: %w", err)
	}
	d.normalize()
	return d, nil
}

// ParsePatch reads the hunks of one file's patch as the GitHub pull-request files API returns it
// (hunks only, no headers) and records them under path.
func (d *Diff) ParsePatch(path, oldPath, patch string) error {
	header := fmt.Sprintf("diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", oldPath, path, oldPath, path)
	one, err := Parse(strings.NewReader(header + patch))
	if err != nil {
		return fmt.Errorf("patch of %s: %w", path, err)
	}
	for p, f := range one.Files {
		if oldPath != p {
			f.OldPath = oldPath
		}
		d.Files[p] = f
	}
	d.normalize()
	return nil
}

// parseHunkHeader reads "@@ -a,b +c,d @@ ..." and returns b, c and d (d defaults to 1).
func parseHunkHeader(line string) (oldCount, start, count int, err error) {
	fields := strings.Fields(line)
	if len(fields) < 3 || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q", line)
	}
	_, oldCount, err = parseRange(fields[1][1:])
	if err != nil {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q: %w", line, err)
	}
	start, count, err = parseRange(fields[2][1:])
	if err != nil {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q: %w", line, err)
	}
	return oldCount, start, count, nil
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

// headerPath strips the a/ or b/ prefix of a ---/+++ line; /dev/null gives "".
func headerPath(s string) string {
	s = unquote(strings.TrimRight(s, "\t"))
	if i := strings.IndexByte(s, '\t'); i >= 0 { // "--- a/x\t2024-01-01 ..." from plain diff
		s = s[:i]
	}
	if s == "/dev/null" {
		return ""
	}
	if strings.HasPrefix(s, "a/") || strings.HasPrefix(s, "b/") {
		return s[2:]
	}
	return s
}

// splitGitHeader splits "a/x b/y" (possibly quoted) into x and y.
func splitGitHeader(s string) (string, string, bool) {
	if strings.HasPrefix(s, `"`) {
		if a, rest, ok := cutQuoted(s); ok {
			b := strings.TrimSpace(rest)
			return strings.TrimPrefix(a, "a/"), strings.TrimPrefix(unquote(b), "b/"), true
		}
		return "", "", false
	}
	// Without quoting, "a/x b/x" is ambiguous only when paths contain " b/"; take the middle split.
	if i := strings.Index(s, " b/"); i >= 0 {
		return strings.TrimPrefix(s[:i], "a/"), unquote(s[i+3:]), true
	}
	return "", "", false
}

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

// unquote decodes git's C-style quoting of unusual file names.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}
