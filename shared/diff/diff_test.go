package diff_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/diff"
)

// lineCheck is one question a scanner asks of a diff: is this line of this file changed?
type lineCheck struct {
	path string
	line int
	want bool
}

// TestParseGitDiff runs real git on a base commit and a changed work tree and checks what the
// parsed diff says about files and lines.
func TestParseGitDiff(t *testing.T) {
	requireGit(t)
	tests := []struct {
		name string
		base map[string]string // committed files
		work map[string]string // the work tree afterwards; a base file missing here is deleted
		exec []string          // work-tree files made executable
		args []string          // extra `git diff` arguments
		// What the diff must say.
		files   map[string]*diff.File
		deleted []string
		lines   []lineCheck
		bases   map[string]string // new path → BasePath
	}{
		{
			name: "modified lines in several hunks",
			base: map[string]string{"a.go": "1\n2\n3\n4\n5\n6\n7\n8\n"},
			work: map[string]string{"a.go": "1\nTWO\n3\n4\n5\nSIX\nSIX.5\n7\n8\n"},
			files: map[string]*diff.File{
				"a.go": {Path: "a.go", Ranges: []diff.Range{{2, 2}, {6, 7}}},
			},
			lines: []lineCheck{
				{"a.go", 1, false}, {"a.go", 2, true}, {"a.go", 3, false},
				{"a.go", 6, true}, {"a.go", 7, true}, {"a.go", 8, false},
				{"other.go", 2, false},
			},
		},
		{
			name: "hunks with context lines",
			base: map[string]string{"a.txt": numbered(1, 40)},
			work: map[string]string{"a.txt": strings.Replace(strings.Replace(numbered(1, 40),
				"line 5\n", "line 5\nnew A\n", 1), "line 30\n", "changed 30\n", 1)},
			args: []string{"-U3"},
			files: map[string]*diff.File{
				"a.txt": {Path: "a.txt", Ranges: []diff.Range{{6, 6}, {31, 31}}},
			},
			lines: []lineCheck{{"a.txt", 5, false}, {"a.txt", 6, true}, {"a.txt", 7, false}, {"a.txt", 31, true}},
		},
		{
			name:  "added file",
			base:  map[string]string{"keep.txt": "k\n"},
			work:  map[string]string{"keep.txt": "k\n", "new.txt": "a\nb\n"},
			files: map[string]*diff.File{"new.txt": {Path: "new.txt", Whole: true}},
			lines: []lineCheck{{"new.txt", 1, true}, {"new.txt", 500, true}, {"keep.txt", 1, false}},
			bases: map[string]string{"new.txt": "new.txt"},
		},
		{
			name:    "deleted file",
			base:    map[string]string{"keep.txt": "k\n", "gone.txt": "a\nb\n"},
			work:    map[string]string{"keep.txt": "k\n"},
			files:   map[string]*diff.File{},
			deleted: []string{"gone.txt"},
			lines:   []lineCheck{{"gone.txt", 1, false}},
		},
		{
			name:  "rename without changes",
			base:  map[string]string{"old/name.go": numbered(1, 10)},
			work:  map[string]string{"new/name.go": numbered(1, 10)},
			args:  []string{"-M"},
			files: map[string]*diff.File{"new/name.go": {Path: "new/name.go", OldPath: "old/name.go"}},
			lines: []lineCheck{{"new/name.go", 1, false}, {"new/name.go", 10, false}},
			bases: map[string]string{"new/name.go": "old/name.go", "unrelated.go": "unrelated.go"},
		},
		{
			name: "rename with changes",
			base: map[string]string{"old.go": numbered(1, 10)},
			work: map[string]string{"renamed.go": strings.Replace(numbered(1, 10), "line 4\n", "line four\n", 1)},
			args: []string{"-M"},
			files: map[string]*diff.File{
				"renamed.go": {Path: "renamed.go", OldPath: "old.go", Ranges: []diff.Range{{4, 4}}},
			},
			lines: []lineCheck{{"renamed.go", 3, false}, {"renamed.go", 4, true}},
			bases: map[string]string{"renamed.go": "old.go"},
		},
		{
			name: "binary files",
			base: map[string]string{"img.bin": "\x00\x01\x02", "gone.bin": "\x00gone"},
			work: map[string]string{"img.bin": "\x00\x01\x03", "added.bin": "\x00\xff"},
			files: map[string]*diff.File{
				"img.bin":   {Path: "img.bin", Whole: true},
				"added.bin": {Path: "added.bin", Whole: true},
			},
			deleted: []string{"gone.bin"},
			lines:   []lineCheck{{"img.bin", 1, true}, {"added.bin", 7, true}},
		},
		{
			name: "names with spaces, unicode, quotes and tabs",
			base: map[string]string{
				"dir with space/my file.txt": "a\nb\n",
				"ünï cødé.txt":               "x\n",
				"quo\"te.txt":                "q\n",
				"from.txt":                   numbered(1, 8),
			},
			work: map[string]string{
				"dir with space/my file.txt": "a\nB\n",
				"ünï cødé.txt":               "y\n",
				"quo\"te.txt":                "Q\n",
				"tab\there.txt":              "t\n",
				"tö ünicode.txt":             numbered(1, 8),
			},
			args: []string{"-M"},
			files: map[string]*diff.File{
				"dir with space/my file.txt": {Path: "dir with space/my file.txt", Ranges: []diff.Range{{2, 2}}},
				"ünï cødé.txt":               {Path: "ünï cødé.txt", Ranges: []diff.Range{{1, 1}}},
				"quo\"te.txt":                {Path: "quo\"te.txt", Ranges: []diff.Range{{1, 1}}},
				"tab\there.txt":              {Path: "tab\there.txt", Whole: true},
				"tö ünicode.txt":             {Path: "tö ünicode.txt", OldPath: "from.txt"},
			},
			lines: []lineCheck{{"dir with space/my file.txt", 2, true}, {"ünï cødé.txt", 1, true}},
			bases: map[string]string{"tö ünicode.txt": "from.txt"},
		},
		{
			name:  `a name containing " b/"`,
			base:  map[string]string{"x b/y.txt": "1\n"},
			work:  map[string]string{"x b/y.txt": "2\n"},
			files: map[string]*diff.File{"x b/y.txt": {Path: "x b/y.txt", Ranges: []diff.Range{{1, 1}}}},
		},
		{
			name: `"\ No newline at end of file"`,
			base: map[string]string{"a.txt": "a\nb", "b.txt": "a\nb\n"},
			work: map[string]string{"a.txt": "a\nb\nc", "b.txt": "a\nB"},
			files: map[string]*diff.File{
				"a.txt": {Path: "a.txt", Ranges: []diff.Range{{2, 3}}},
				"b.txt": {Path: "b.txt", Ranges: []diff.Range{{2, 2}}},
			},
			lines: []lineCheck{{"a.txt", 1, false}, {"a.txt", 3, true}, {"b.txt", 1, false}, {"b.txt", 2, true}},
		},
		{
			name:  "pure deletion touches no new line",
			base:  map[string]string{"a.txt": "1\n2\n3\n4\n5\n"},
			work:  map[string]string{"a.txt": "1\n4\n5\n"},
			files: map[string]*diff.File{"a.txt": {Path: "a.txt"}},
			lines: []lineCheck{{"a.txt", 1, false}, {"a.txt", 2, false}, {"a.txt", 3, false}},
		},
		{
			name: "mode change and empty files",
			base: map[string]string{"run.sh": "echo\n", "empty-gone": "", "other.txt": "o\n"},
			work: map[string]string{"run.sh": "echo\n", "empty-new": "", "other.txt": "O\n"},
			exec: []string{"run.sh"},
			// Empty files would pair up as a rename under -M; without it they stay an add and a delete.
			args: []string{"--no-renames"},
			files: map[string]*diff.File{
				"run.sh":    {Path: "run.sh"},
				"empty-new": {Path: "empty-new", Whole: true},
				"other.txt": {Path: "other.txt", Ranges: []diff.Range{{1, 1}}},
			},
			deleted: []string{"empty-gone"},
			lines:   []lineCheck{{"run.sh", 1, false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := gitDiffOf(t, tt.base, tt.work, tt.exec, tt.args)
			d, err := diff.Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, out)
			}
			if diff := cmp.Diff(tt.files, d.Files); diff != "" {
				t.Errorf("files (-want +got):\n%s\ndiff:\n%s", diff, out)
			}
			if diff := cmp.Diff(tt.deleted, d.Deleted); diff != "" {
				t.Errorf("deleted (-want +got):\n%s", diff)
			}
			for path := range tt.files {
				if !d.TouchesFile(path) {
					t.Errorf("TouchesFile(%q) = false, want true", path)
				}
			}
			for _, path := range tt.deleted {
				if d.TouchesFile(path) {
					t.Errorf("TouchesFile(%q) = true for a deleted file", path)
				}
			}
			for _, c := range tt.lines {
				if got := d.Touches(c.path, c.line); got != c.want {
					t.Errorf("Touches(%q, %d) = %v, want %v", c.path, c.line, got, c.want)
				}
			}
			for path, want := range tt.bases {
				if got := d.BasePath(path); got != want {
					t.Errorf("BasePath(%q) = %q, want %q", path, got, want)
				}
			}
		})
	}
}

func TestParsePatch(t *testing.T) {
	tests := []struct {
		name          string
		path, oldPath string
		patch         string
		want          *diff.File
		wantErr       string
	}{
		{
			name: "modified file, two hunks with context",
			path: "cmd/main.go", oldPath: "cmd/main.go",
			patch: "@@ -1,4 +1,5 @@\n package main\n \n+import \"os\"\n+\n func main() {\n" +
				"@@ -20,3 +21,3 @@ func main() {\n \ta()\n-\tb()\n+\tc()\n \td()",
			want: &diff.File{Path: "cmd/main.go", Ranges: []diff.Range{{3, 4}, {22, 22}}},
		},
		{
			name: "renamed file",
			path: "new.go", oldPath: "old.go",
			patch: "@@ -3 +3 @@\n-x\n+y",
			want:  &diff.File{Path: "new.go", OldPath: "old.go", Ranges: []diff.Range{{3, 3}}},
		},
		{
			name: "added file without an old path",
			path: "added.go",
			// GitHub strips no trailing newline from a patch; "\ No newline" still appears.
			patch: "@@ -0,0 +1,2 @@\n+package added\n+var x = 1\n\\ No newline at end of file",
			want:  &diff.File{Path: "added.go", Ranges: []diff.Range{{1, 2}}},
		},
		{
			name: "a path that looks like a diff header",
			path: "+++ b/\"odd\" name.txt", oldPath: "+++ b/\"odd\" name.txt",
			patch: "@@ -1 +1 @@\n-a\n+b\n",
			want:  &diff.File{Path: "+++ b/\"odd\" name.txt", Ranges: []diff.Range{{1, 1}}},
		},
		{
			name: "content lines that look like headers",
			path: "x.diff", oldPath: "x.diff",
			patch: "@@ -1,2 +1,2 @@\n--- a/old\n+++ b/new\n-diff --git a/y b/y\n+@@ -1 +1 @@",
			want:  &diff.File{Path: "x.diff", Ranges: []diff.Range{{1, 2}}},
		},
		{
			name: "pure rename has an empty patch",
			path: "b.go", oldPath: "a.go",
			want: &diff.File{Path: "b.go", OldPath: "a.go"},
		},
		{
			name: "malformed hunk header",
			path: "x.go", oldPath: "x.go",
			patch:   "@@ -1 +one @@\n+a",
			wantErr: `patch of x.go: diff line 1: malformed hunk header "@@ -1 +one @@": bad line number "one"`,
		},
		{
			name: "added lines at line 0",
			path: "x.go", oldPath: "x.go",
			patch:   "@@ -0 +0 @@\n+a",
			wantErr: `patch of x.go: diff line 1: malformed hunk header "@@ -0 +0 @@": new-file lines out of range`,
		},
		{
			name: "line numbers that would overflow",
			path: "x.go", oldPath: "x.go",
			patch:   "@@ -1 +9223372036854775806,3 @@\n+a\n+b\n+c",
			wantErr: `patch of x.go: diff line 1: malformed hunk header "@@ -1 +9223372036854775806,3 @@": new-file lines out of range`,
		},
		{
			name: "more added lines than the hunk holds",
			path: "x.go", oldPath: "x.go",
			patch:   "@@ -1 +1 @@\n-a\n+b\n+c",
			wantErr: "patch of x.go: diff line 4: added line beyond the hunk's length",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &diff.Diff{} // a literal without a map must work too
			err := d.ParsePatch(tt.path, tt.oldPath, tt.patch)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParsePatch error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePatch: %v", err)
			}
			if diff := cmp.Diff(map[string]*diff.File{tt.path: tt.want}, d.Files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			wantBase := tt.path
			if tt.oldPath != "" {
				wantBase = tt.oldPath
			}
			if got := d.BasePath(tt.path); got != wantBase {
				t.Errorf("BasePath = %q, want %q", got, wantBase)
			}
			for _, r := range tt.want.Ranges {
				if !d.Touches(tt.path, r.Start) || !d.Touches(tt.path, r.End) {
					t.Errorf("Touches misses %v", r)
				}
				if d.Touches(tt.path, r.End+1) && !inRanges(tt.want.Ranges, r.End+1) {
					t.Errorf("Touches(%d) = true past %v", r.End+1, r)
				}
			}
		})
	}
}

// TestParsePatchReplaces checks that a second patch for a path replaces the first one, so the App
// can re-read a file without stale ranges.
func TestParsePatchReplaces(t *testing.T) {
	d := diff.New()
	if err := d.ParsePatch("a.go", "a.go", "@@ -1 +1 @@\n-x\n+y"); err != nil {
		t.Fatal(err)
	}
	if err := d.ParsePatch("a.go", "a.go", "@@ -5 +5 @@\n-x\n+y"); err != nil {
		t.Fatal(err)
	}
	if d.Touches("a.go", 1) || !d.Touches("a.go", 5) {
		t.Errorf("ranges = %v, want only line 5", d.Files["a.go"].Ranges)
	}
}

// TestParseText covers inputs git does not produce for the CLI but other sources might.
func TestParseText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		files   map[string]*diff.File
		deleted []string
		wantErr string
	}{
		{
			name: "plain diff -u with dates and several files",
			in: "--- a/x.txt\t2024-01-01 00:00:00\n+++ b/x.txt\t2024-01-02 00:00:00\n@@ -1 +1,2 @@\n a\n+b\n" +
				"--- a/y.txt\t2024-01-01 00:00:00\n+++ b/y.txt\t2024-01-02 00:00:00\n@@ -3 +3 @@\n-c\n+C\n",
			files: map[string]*diff.File{
				"x.txt": {Path: "x.txt", Ranges: []diff.Range{{2, 2}}},
				"y.txt": {Path: "y.txt", Ranges: []diff.Range{{3, 3}}},
			},
		},
		{
			name: "combined diff of a merge",
			in: "diff --cc f.txt\nindex 1,2..3\n--- a/f.txt\n+++ b/f.txt\n@@@ -1,3 -1,4 +1,4 @@@\n  one\n" +
				"- two\n -deux\n++both\n+ from1\n  three\n",
			files: map[string]*diff.File{"f.txt": {Path: "f.txt", Ranges: []diff.Range{{2, 3}}}},
		},
		{
			name: "only the new name quoted",
			in: "diff --git a/plain.txt \"b/\\303\\274.txt\"\nsimilarity index 90%\nrename from plain.txt\n" +
				"rename to \"\\303\\274.txt\"\n--- a/plain.txt\n+++ \"b/\\303\\274.txt\"\n@@ -2 +2 @@\n-a\n+b\n",
			files: map[string]*diff.File{"ü.txt": {Path: "ü.txt", OldPath: "plain.txt", Ranges: []diff.Range{{2, 2}}}},
		},
		{
			name:  "deleted binary file",
			in:    "diff --git a/x.bin b/x.bin\ndeleted file mode 100644\nindex 1..0\nBinary files a/x.bin and /dev/null differ\n",
			files: map[string]*diff.File{}, deleted: []string{"x.bin"},
		},
		{
			name:  "a line longer than any buffer",
			in:    "diff --git a/m.js b/m.js\n--- a/m.js\n+++ b/m.js\n@@ -1 +1 @@\n-" + strings.Repeat("x", 1<<20) + "\n+" + strings.Repeat("y", 1<<20),
			files: map[string]*diff.File{"m.js": {Path: "m.js", Ranges: []diff.Range{{1, 1}}}},
		},
		{
			name:  "a header alone records nothing",
			in:    "diff --git a/touched b/touched\ndiff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
			files: map[string]*diff.File{"x": {Path: "x", Ranges: []diff.Range{{1, 1}}}},
		},
		{
			name:    "hunk before any header",
			in:      "@@ -1 +1 @@\n-a\n+b\n",
			wantErr: "diff line 1: hunk before any file header",
		},
		{
			name:    "malformed combined header",
			in:      "diff --cc f\n--- a/f\n+++ b/f\n@@@ -1 +1 @@@\n",
			wantErr: `diff line 4: malformed hunk header "@@@ -1 +1 @@@"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := diff.Parse(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.files, d.Files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.deleted, d.Deleted); diff != "" {
				t.Errorf("deleted (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddKeepsRangesSearchable(t *testing.T) {
	d := &diff.Diff{}
	d.Add("a.go", 20, 22)
	d.Add("a.go", 1, 2)
	d.Add("a.go", 3, 3) // adjacent: merges with 1-2
	d.Add("a.go", 9, 8) // empty: records the file, no line
	d.Add("a.go", 30, 31)
	d.Add("a.go", 25, 26)
	d.Add("a.go", 21, 27) // spans 20-22 and 25-26, touches nothing after 27
	want := []diff.Range{{1, 3}, {20, 27}, {30, 31}}
	if diff := cmp.Diff(want, d.Files["a.go"].Ranges); diff != "" {
		t.Errorf("ranges (-want +got):\n%s", diff)
	}
	for line, want := range map[int]bool{1: true, 3: true, 4: false, 19: false, 21: true, 24: true, 28: false, 29: false, 30: true, 32: false} {
		if got := d.Touches("a.go", line); got != want {
			t.Errorf("Touches(a.go, %d) = %v, want %v", line, got, want)
		}
	}
}

// TestAddAgreesWithASet adds random ranges and compares Touches with a plain set of lines.
func TestAddAgreesWithASet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		d := diff.New()
		set := map[int]bool{}
		for range rng.IntN(20) {
			start := 1 + rng.IntN(60)
			end := start + rng.IntN(6) - 1 // sometimes empty
			d.Add("f", start, end)
			for l := start; l <= end; l++ {
				set[l] = true
			}
		}
		var ranges []diff.Range
		if f := d.Files["f"]; f != nil {
			ranges = f.Ranges
		}
		for line := 0; line <= 70; line++ {
			if got := d.Touches("f", line); got != set[line] {
				t.Fatalf("round %d: Touches(%d) = %v, want %v; ranges %v", round, line, got, set[line], ranges)
			}
		}
		for i := 1; i < len(ranges); i++ {
			if ranges[i].Start <= ranges[i-1].End+1 {
				t.Fatalf("round %d: ranges not merged: %v", round, ranges)
			}
		}
	}
}

func TestAddToWholeFile(t *testing.T) {
	d := diff.New()
	d.AddWhole("new.go")
	d.Add("new.go", 3, 4)
	if !d.Files["new.go"].Whole || len(d.Files["new.go"].Ranges) != 0 || !d.Touches("new.go", 100) {
		t.Errorf("file = %+v, want whole without ranges", d.Files["new.go"])
	}
}

func TestBaseFilesAreWhatTheChangeTouchedInTheBase(t *testing.T) {
	d, err := diff.Parse(strings.NewReader("diff --git a/kept.go b/kept.go\n--- a/kept.go\n+++ b/kept.go\n@@ -2 +2 @@\n-a\n+b\n" +
		"diff --git a/old.go b/new.go\nsimilarity index 90%\nrename from old.go\nrename to new.go\n" +
		"diff --git a/added.go b/added.go\nnew file mode 100644\n--- /dev/null\n+++ b/added.go\n@@ -0,0 +1 @@\n+x\n" +
		"diff --git a/gone.go b/gone.go\ndeleted file mode 100644\n--- a/gone.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := d.BaseFiles()
	if got, want := base.Paths(), []string{"added.go", "gone.go", "kept.go", "old.go"}; !slices.Equal(got, want) {
		t.Errorf("base files %q, want %q", got, want)
	}
	for _, p := range base.Paths() {
		if !base.Files[p].Whole {
			t.Errorf("%s: every line of a touched base file matters to the baseline", p)
		}
	}
	var none *diff.Diff
	if none.BaseFiles() != nil {
		t.Error("no diff, no focus")
	}
}

func TestNilDiffTouchesEverything(t *testing.T) {
	var d *diff.Diff
	if !d.Touches("x", 1) || !d.TouchesFile("x") || d.BasePath("x") != "x" || d.Paths() != nil {
		t.Error("a nil diff must mean a full scan")
	}
}

// FuzzParse feeds arbitrary text to Parse and ParsePatch: a pull request's patch is written by
// whoever opened it. Whatever the input, the diff that comes out must keep the invariants
// Touches relies on: ranges of 1-based lines, sorted, merged, and none beside Whole.
func FuzzParse(f *testing.F) {
	f.Add("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,3 @@\n a\n+b\n-c\n d\n")
	f.Add("diff --cc f\n--- a/f\n+++ b/f\n@@@ -1 -1 +1,2 @@@\n++x\n  y\n")
	f.Add("diff --git \"a/\\303\" b/\"\nrename from \"\nBinary files\n@@ -0,0 +0,0 @@\n")
	f.Add("@@@@@ -1 -1 +1 @@@@\n")
	f.Add("--- a/x\n+++ b/x\n@@ -3,2 +5,1 @@\n-a\n-b\n+c\n@@ -1 +1 @@\n+d\n")
	f.Fuzz(func(t *testing.T, in string) {
		if d, err := diff.Parse(strings.NewReader(in)); err == nil {
			checkDiff(t, d)
		}
		d := diff.New()
		if err := d.ParsePatch("p", "o", in); err == nil {
			checkDiff(t, d)
		}
	})
}

// checkDiff asserts what Touches and the engine assume of every parsed diff.
func checkDiff(t *testing.T, d *diff.Diff) {
	t.Helper()
	for path, f := range d.Files {
		if f == nil || f.Path != path {
			t.Fatalf("Files[%q] = %+v, want a file of that path", path, f)
		}
		if f.Whole && len(f.Ranges) > 0 {
			t.Errorf("%s is Whole and has ranges %v", path, f.Ranges)
		}
		for i, r := range f.Ranges {
			if r.Start < 1 || r.End < r.Start {
				t.Errorf("%s: range %v is not of 1-based lines", path, r)
			}
			if i > 0 && r.Start <= f.Ranges[i-1].End+1 {
				t.Errorf("%s: ranges %v are not sorted and merged", path, f.Ranges)
			}
			if !d.Touches(path, r.Start) || !d.Touches(path, r.End) {
				t.Errorf("%s: Touches misses the ends of range %v", path, r)
			}
		}
	}
}

func inRanges(rs []diff.Range, line int) bool {
	for _, r := range rs {
		if r.Start <= line && line <= r.End {
			return true
		}
	}
	return false
}

func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(i))
		b.WriteString("\n")
	}
	return b.String()
}

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// gitDiffOf commits base in a fresh repository, replaces the work tree with work, stages it so
// renames can be detected, and returns what `git diff -U0 HEAD` prints for it.
func gitDiffOf(t *testing.T, base, work map[string]string, executable, args []string) []byte {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	writeFiles(t, dir, base)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "base")
	for name := range base {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, dir, work)
	for _, name := range executable {
		if err := os.Chmod(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "add", "-A")
	diffArgs := append([]string{"-c", "core.quotepath=on", "diff", "--no-color", "--no-ext-diff", "-U0"}, args...)
	return git(t, dir, append(diffArgs, "HEAD", "--")...)
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func git(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}
