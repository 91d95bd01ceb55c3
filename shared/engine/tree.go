package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// DefaultMaxFileSize bounds what a scanner reads of one file; larger files are listed as skipped.
const DefaultMaxFileSize = 8 << 20

// File is one regular file of a tree.
type File struct {
	Path string // slash-separated, relative to the root
	Size int64
}

// Tree is a source tree on disk: a scanned checkout or an extracted archive. Only regular files are
// listed; symbolic links, devices and the .git directory never are, so a hostile repository cannot
// make a scanner read outside its root.
type Tree struct {
	Root        string
	Files       []File // sorted by path
	MaxFileSize int64
	index       map[string]int
}

// OpenTree lists the regular files under root, leaving out paths for which exclude returns true
// (exclude may be nil). Unreadable directories are reported as diagnostics and skipped.
func OpenTree(root string, exclude func(path string) bool) (*Tree, []Diagnostic, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve %s: %w", root, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("scan path: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("scan path %s is not a directory", root)
	}
	t := &Tree{Root: abs, MaxFileSize: DefaultMaxFileSize}
	var diags []Diagnostic
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		rel, relErr := filepath.Rel(abs, p)
		if relErr != nil {
			return relErr
		}
		rel = filepath.ToSlash(rel)
		if err != nil {
			if p == abs {
				return err
			}
			diags = append(diags, Diagnostic{Path: rel, Message: "cannot read: " + errText(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != abs && (d.Name() == ".git" || exclude != nil && exclude(rel)) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || exclude != nil && exclude(rel) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			diags = append(diags, Diagnostic{Path: rel, Message: "cannot stat: " + errText(err)})
			return nil
		}
		t.Files = append(t.Files, File{Path: rel, Size: fi.Size()})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("walk %s: %w", root, err)
	}
	sort.Slice(t.Files, func(i, j int) bool { return t.Files[i].Path < t.Files[j].Path })
	t.index = make(map[string]int, len(t.Files))
	for i, f := range t.Files {
		t.index[f.Path] = i
	}
	return t, diags, nil
}

// ErrTooLarge is returned by ReadFile for files over the tree's size limit.
var ErrTooLarge = errors.New("file is over the size limit")

// Has reports whether path is a listed file.
func (t *Tree) Has(path string) bool {
	_, ok := t.index[path]
	return ok
}

// Abs is the file's path on disk.
func (t *Tree) Abs(path string) string {
	return filepath.Join(t.Root, filepath.FromSlash(path))
}

// ReadFile reads a listed file, refusing anything over MaxFileSize and anything that became a
// link since the tree was listed.
func (t *Tree) ReadFile(path string) ([]byte, error) {
	i, ok := t.index[path]
	if !ok {
		return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
	}
	if t.Files[i].Size > t.MaxFileSize {
		return nil, fmt.Errorf("%s (%d bytes): %w", path, t.Files[i].Size, ErrTooLarge)
	}
	f, err := os.OpenFile(t.Abs(path), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, t.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > t.MaxFileSize {
		return nil, fmt.Errorf("%s: %w", path, ErrTooLarge)
	}
	return data, nil
}

// Match lists the files whose base name or path satisfies keep, in path order.
func (t *Tree) Match(keep func(path string) bool) []File {
	var out []File
	for _, f := range t.Files {
		if keep(f.Path) {
			out = append(out, f)
		}
	}
	return out
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return strings.TrimSpace(err.Error())
}
