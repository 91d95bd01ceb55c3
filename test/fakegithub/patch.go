package fakegithub

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// changedFile is one entry of a pull request's or a comparison's files.
type changedFile struct {
	path, previous, status string
	patch, blobSHA         string
	additions, deletions   int
}

// changedFiles compares two commits as GitHub lists them: sorted by path, exact renames
// detected, each with a unified patch unless the file is binary, empty or over MaxPatchBytes.
// The caller holds s.mu.
func (s *Server) changedFiles(repo *repoState, base, head string) ([]changedFile, error) {
	key := [2]string{base, head}
	if files, ok := repo.diffs[key]; ok {
		return files, nil
	}
	before, ok := repo.commits[base]
	if !ok {
		return nil, fmt.Errorf("no commit %s (add it with AddCommit)", base)
	}
	after, ok := repo.commits[head]
	if !ok {
		return nil, fmt.Errorf("no commit %s (add it with AddCommit)", head)
	}
	var files []changedFile
	var added []string
	for _, p := range slices.Sorted(maps.Keys(after)) {
		old, existed := before[p]
		switch {
		case !existed:
			added = append(added, p)
		case old != after[p]:
			files = append(files, s.fileChange(p, "modified", old, after[p]))
		}
	}
	// A removed file whose content reappears under a new path is a rename, as git detects
	// exact renames.
	removedByContent := map[string][]string{}
	for _, p := range slices.Sorted(maps.Keys(before)) {
		if _, ok := after[p]; !ok {
			removedByContent[before[p]] = append(removedByContent[before[p]], p)
		}
	}
	for _, p := range added {
		content := after[p]
		if from := removedByContent[content]; content != "" && len(from) > 0 {
			removedByContent[content] = from[1:]
			files = append(files, changedFile{path: p, previous: from[0], status: "renamed", blobSHA: blobSHA(content)})
			continue
		}
		files = append(files, s.fileChange(p, "added", "", content))
	}
	for content, paths := range removedByContent {
		for _, p := range paths {
			files = append(files, s.fileChange(p, "removed", content, ""))
		}
	}
	slices.SortFunc(files, func(a, b changedFile) int { return strings.Compare(a.path, b.path) })
	repo.diffs[key] = files
	return files, nil
}

func (s *Server) fileChange(path, status, before, after string) changedFile {
	f := changedFile{path: path, status: status, blobSHA: blobSHA(after)}
	if status == "removed" {
		f.blobSHA = blobSHA(before)
	}
	if strings.ContainsRune(before, 0) || strings.ContainsRune(after, 0) {
		return f // binary: GitHub sends neither counts nor patch
	}
	ops := diffLines(splitLines(before), splitLines(after))
	for _, o := range ops {
		switch o.kind {
		case '-':
			f.deletions++
		case '+':
			f.additions++
		}
	}
	if max(len(before), len(after)) <= s.opts.MaxPatchBytes {
		f.patch = unifiedHunks(ops, 3)
	}
	return f
}

// splitLines cuts text into lines that keep their "\n", so that a last line without one
// differs from the same line with one, as in git.
func splitLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// diffOp is one line of an edit script: ' ' kept, '-' removed, '+' added.
type diffOp struct {
	kind byte
	line string
}

// maxEditDistance bounds Myers' search; a diff that needs more edits is shown as a whole
// replacement of the differing middle, which is still a correct (if longer) patch.
const maxEditDistance = 2000

// diffLines is Myers' O(ND) diff of a against b, after trimming their common ends.
func diffLines(a, b []string) []diffOp {
	prefix := 0
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(a)-prefix && suffix < len(b)-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	var ops []diffOp
	for _, l := range a[:prefix] {
		ops = append(ops, diffOp{' ', l})
	}
	ops = append(ops, myers(a[prefix:len(a)-suffix], b[prefix:len(b)-suffix])...)
	for _, l := range a[len(a)-suffix:] {
		ops = append(ops, diffOp{' ', l})
	}
	return ops
}

func myers(a, b []string) []diffOp {
	n, m := len(a), len(b)
	offset := n + m + 1
	v := make([]int, 2*offset+1)
	// trace[d] holds v[k] for k in [-d-1, d+1] as it was before step d, for the way back.
	var trace [][]int
	for d := 0; d <= min(n+m, maxEditDistance); d++ {
		trace = append(trace, slices.Clone(v[offset-d-1:offset+d+2]))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[offset+k-1] < v[offset+k+1] {
				x = v[offset+k+1] // down: an insertion
			} else {
				x = v[offset+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[offset+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace)
			}
		}
	}
	ops := make([]diffOp, 0, n+m)
	for _, l := range a {
		ops = append(ops, diffOp{'-', l})
	}
	for _, l := range b {
		ops = append(ops, diffOp{'+', l})
	}
	return ops
}

func backtrack(a, b []string, trace [][]int) []diffOp {
	x, y := len(a), len(b)
	var reversed []diffOp
	for d := len(trace) - 1; d >= 0; d-- {
		window := trace[d]
		at := func(k int) int { return window[k+d+1] }
		k := x - y
		prevK := k - 1
		if k == -d || k != d && at(k-1) < at(k+1) {
			prevK = k + 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			reversed = append(reversed, diffOp{' ', a[x-1]})
			x, y = x-1, y-1
		}
		if d == 0 {
			break
		}
		if x == prevX {
			reversed = append(reversed, diffOp{'+', b[prevY]})
		} else {
			reversed = append(reversed, diffOp{'-', a[prevX]})
		}
		x, y = prevX, prevY
	}
	slices.Reverse(reversed)
	return reversed
}

// unifiedHunks renders ops as GitHub's patch field: git's hunks with context lines of context,
// without file headers and without a final newline.
func unifiedHunks(ops []diffOp, context int) string {
	var changes []int
	for i, o := range ops {
		if o.kind != ' ' {
			changes = append(changes, i)
		}
	}
	if len(changes) == 0 {
		return ""
	}
	// oldBefore[i] and newBefore[i] count the lines of each side before ops[i].
	oldBefore, newBefore := make([]int, len(ops)+1), make([]int, len(ops)+1)
	for i, o := range ops {
		oldBefore[i+1], newBefore[i+1] = oldBefore[i], newBefore[i]
		if o.kind != '+' {
			oldBefore[i+1]++
		}
		if o.kind != '-' {
			newBefore[i+1]++
		}
	}
	var out []string
	for i := 0; i < len(changes); {
		start := max(0, changes[i]-context)
		j := i
		// Changes closer than two contexts share a hunk, as in git.
		for j+1 < len(changes) && changes[j+1]-changes[j] <= 2*context+1 {
			j++
		}
		end := min(len(ops), changes[j]+context+1)
		out = append(out, fmt.Sprintf("@@ -%s +%s @@",
			hunkRange(oldBefore[start]+1, oldBefore[end]-oldBefore[start]),
			hunkRange(newBefore[start]+1, newBefore[end]-newBefore[start])))
		for _, o := range ops[start:end] {
			line, hasEOL := strings.CutSuffix(o.line, "\n")
			out = append(out, string(o.kind)+line)
			if !hasEOL {
				out = append(out, `\ No newline at end of file`)
			}
		}
		i = j + 1
	}
	return strings.Join(out, "\n")
}

// hunkRange formats one side of a hunk header as git does: "start", "start,count", or for an
// empty side the line before it with ",0".
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	default:
		return fmt.Sprintf("%d,%d", start, count)
	}
}
