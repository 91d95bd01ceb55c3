package report

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

const (
	// maxSourceFileBytes bounds what is read of one file to quote a line; the engine does not
	// scan files larger than this either (engine.DefaultMaxFileSize).
	maxSourceFileBytes = 8 << 20
	// maxSourceLineBytes bounds one quoted line: a minified file's single line is not worth
	// holding in memory to print a window of it.
	maxSourceLineBytes = 64 << 10
)

// sourceReader hands out lines of the scanned files so outputs can quote them. It reads through
// an os.Root, so a path that climbs out of the root ("../../etc/passwd") or a symbolic link
// pointing outside it is refused; it reads regular files only, and a bounded prefix of each.
// Any failure just means no line is quoted: a report must render even when the tree is gone
// (the App renders after deleting its checkout).
type sourceReader struct {
	root *os.Root
	// Outputs walk findings in path order, so caching the last file read is enough.
	path  string
	lines map[int]string
}

// newSourceReader opens root for reading lines; an empty or unusable root reads nothing.
func newSourceReader(root string) *sourceReader {
	r := &sourceReader{}
	if root == "" {
		return r
	}
	if rt, err := os.OpenRoot(root); err == nil {
		r.root = rt
	}
	return r
}

// Close releases the root.
func (r *sourceReader) Close() {
	if r.root != nil {
		r.root.Close()
		r.root = nil
	}
}

// line returns line n (1-based) of path without its line ending, and whether it could be read.
// Lines longer than maxSourceLineBytes are not returned.
func (r *sourceReader) line(path string, n int) (string, bool) {
	if r.root == nil || n < 1 {
		return "", false
	}
	if path != r.path || r.lines == nil {
		r.path = path
		r.lines = r.load(path)
	}
	s, ok := r.lines[n]
	return s, ok
}

// load reads every line of path that fits the bounds.
func (r *sourceReader) load(path string) map[int]string {
	lines := map[int]string{}
	if !filepath.IsLocal(filepath.FromSlash(path)) {
		return lines
	}
	name := filepath.FromSlash(path)
	info, err := r.root.Lstat(name)
	if err != nil || !info.Mode().IsRegular() {
		return lines
	}
	// O_NONBLOCK: should the file be swapped for a FIFO after the Lstat, opening it must not
	// hang the report waiting for a writer.
	f, err := r.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return lines
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return lines
	}
	readLines(io.LimitReader(f, maxSourceFileBytes), func(n int, line []byte) {
		lines[n] = string(line)
	})
	return lines
}

// readLines calls keep for each line that fits maxSourceLineBytes, with its number and without
// its line ending; longer lines are skipped without being held in memory.
func readLines(rd io.Reader, keep func(n int, line []byte)) {
	br := bufio.NewReaderSize(rd, 32<<10)
	var buf []byte
	tooLong := false
	n := 1
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxSourceLineBytes+2 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(chunk) > 0 || err == nil {
			if !tooLong {
				keep(n, bytes.TrimRight(buf, "\r\n"))
			}
			n++
		}
		buf, tooLong = buf[:0], false
		if err != nil {
			return
		}
	}
}
