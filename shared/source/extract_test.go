package source_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/source"
)

// member is one entry of a test archive.
type member struct {
	hdr  tar.Header
	body string
}

func file(name, body string) member {
	return member{tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}, body}
}

func fileMode(name, body string, mode int64) member {
	m := file(name, body)
	m.hdr.Mode = mode
	return m
}

func dir(name string) member {
	return member{hdr: tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755}}
}

func link(typ byte, name, target string) member {
	return member{hdr: tar.Header{Name: name, Typeflag: typ, Linkname: target, Mode: 0o777}}
}

func node(typ byte, name string) member {
	return member{hdr: tar.Header{Name: name, Typeflag: typ, Mode: 0o666, Devmajor: 1, Devminor: 3}}
}

func globalHeader() member {
	return member{hdr: tar.Header{Name: "pax_global_header", Typeflag: tar.TypeXGlobalHeader,
		PAXRecords: map[string]string{"comment": "0123456789abcdef0123456789abcdef01234567"}}}
}

func buildTar(t testing.TB, members []member, gz bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.Writer = &buf
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		w = zw
	}
	tw := tar.NewWriter(w)
	for _, m := range members {
		hdr := m.hdr
		if err := tw.WriteHeader(&hdr); err != nil {
			t.Fatalf("write header %q: %v", hdr.Name, err)
		}
		if _, err := io.WriteString(tw, m.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// sparseTar builds a GNU PAX 0.1 sparse file, which archive/tar can read but not write: a
// PAX header giving the logical size and a map of one data region at offset 0.
func sparseTar(t testing.TB, name string, logical int64, data string) []byte {
	t.Helper()
	records := []string{
		"GNU.sparse.major=0", "GNU.sparse.minor=1", "GNU.sparse.name=" + name,
		"GNU.sparse.size=" + strconv.FormatInt(logical, 10), "GNU.sparse.numblocks=1",
		"GNU.sparse.map=0," + strconv.Itoa(len(data)),
	}
	var pax strings.Builder
	for _, r := range records {
		pax.WriteString(paxRecord(r))
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	// Written as an ordinary file, then retyped as a PAX header below.
	for _, m := range []member{file("PaxHeaders/"+name, pax.String()), file("GNUSparseFile.0/"+name, data)} {
		m.hdr.Format = tar.FormatUSTAR
		if err := tw.WriteHeader(&m.hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, m.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	out[156] = tar.TypeXHeader
	copy(out[148:156], "        ")
	var sum int64
	for _, b := range out[:512] {
		sum += int64(b)
	}
	copy(out[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return out
}

// paxRecord formats "LEN key=value\n", where LEN counts the whole record including itself.
func paxRecord(kv string) string {
	n := len(kv) + 3
	for {
		rec := fmt.Sprintf("%d %s\n", n, kv)
		if len(rec) == n {
			return rec
		}
		n = len(rec)
	}
}

// node kinds in a listing of the extracted tree.
func listTree(t *testing.T, root string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			got[rel] = "symlink"
		case info.IsDir():
			got[rel] = fmt.Sprintf("dir %04o", info.Mode().Perm()|info.Mode()&(fs.ModeSetuid|fs.ModeSticky))
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			got[rel] = fmt.Sprintf("file %04o %q", info.Mode().Perm()|info.Mode()&(fs.ModeSetuid|fs.ModeSetgid), data)
		default:
			got[rel] = "special " + info.Mode().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// assertOnlyDest checks that extraction wrote nothing next to dest.
func assertOnlyDest(t *testing.T, parent string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "dest" {
			t.Errorf("extraction wrote %s outside dest", filepath.Join(parent, e.Name()))
		}
	}
}

type errCheck func(error) string // "" when the error is the expected one

func noError(err error) string {
	if err != nil {
		return "unexpected error: " + err.Error()
	}
	return ""
}

func malicious(err error) string {
	var upe *source.UnsafePathError
	if !errors.Is(err, source.ErrMaliciousArchive) || !errors.As(err, &upe) {
		return fmt.Sprintf("error = %v, want a malicious-archive error", err)
	}
	return ""
}

func overLimit(limit source.Limit) errCheck {
	return func(err error) string {
		var le *source.LimitError
		if !errors.As(err, &le) || le.Limit != limit {
			return fmt.Sprintf("error = %v, want a %s LimitError", err, limit)
		}
		if !strings.Contains(err.Error(), string(limit)) {
			return fmt.Sprintf("message %q does not name the limit", err)
		}
		return ""
	}
}

func failsWith(substr string) errCheck {
	return func(err error) string {
		if err == nil || !strings.Contains(err.Error(), substr) {
			return fmt.Sprintf("error = %v, want one containing %q", err, substr)
		}
		if errors.Is(err, source.ErrMaliciousArchive) {
			return fmt.Sprintf("error %v must not claim malice", err)
		}
		return ""
	}
}

func TestExtractTar(t *testing.T) {
	githubTarball := []member{
		globalHeader(),
		dir("octo-repo-0123abc/"),
		file("octo-repo-0123abc/README.md", "# repo\n"),
		dir("octo-repo-0123abc/src/"),
		fileMode("octo-repo-0123abc/src/build.sh", "#!/bin/sh\n", 0o775),
	}
	tests := []struct {
		name    string
		archive []byte
		lim     source.Limits
		opts    source.ExtractOptions
		want    map[string]string // the extracted tree, see listTree
		stats   source.ExtractStats
		err     errCheck
	}{
		{
			name: "regular files and directories",
			archive: buildTar(t, []member{
				dir("src/"), file("src/main.go", "package main\n"), fileMode("run.sh", "echo\n", 0o755),
				file("empty", ""), file("deep/er/x.txt", "x"),
			}, false),
			want: map[string]string{
				"src": "dir 0755", "src/main.go": `file 0644 "package main\n"`, "run.sh": `file 0755 "echo\n"`,
				"empty": `file 0644 ""`, "deep": "dir 0755", "deep/er": "dir 0755", "deep/er/x.txt": `file 0644 "x"`,
			},
			stats: source.ExtractStats{Files: 4, Dirs: 1, Bytes: 19},
			err:   noError,
		},
		{
			name: "setuid, world-writable and sticky modes are masked",
			archive: buildTar(t, []member{
				fileMode("suid", "s", 0o4755), fileMode("sgid", "g", 0o2711), fileMode("world", "w", 0o666),
				{hdr: tar.Header{Name: "tmp/", Typeflag: tar.TypeDir, Mode: 0o1777}},
			}, false),
			want: map[string]string{
				"suid": `file 0755 "s"`, "sgid": `file 0755 "g"`, "world": `file 0644 "w"`, "tmp": "dir 0755",
			},
			stats: source.ExtractStats{Files: 3, Dirs: 1, Bytes: 3},
			err:   noError,
		},
		{
			name:    "parent traversal",
			archive: buildTar(t, []member{file("ok.txt", "ok"), file("../evil", "pwned")}, false),
			want:    map[string]string{"ok.txt": `file 0644 "ok"`},
			stats:   source.ExtractStats{Files: 1, Bytes: 2},
			err:     malicious,
		},
		{
			name:    "traversal hidden in the middle of a name",
			archive: buildTar(t, []member{file("a/../../evil", "pwned")}, false),
			want:    map[string]string{},
			err:     malicious,
		},
		{
			name:    "traversal with backslashes",
			archive: buildTar(t, []member{file(`..\..\evil`, "pwned")}, false),
			want:    map[string]string{},
			err:     malicious,
		},
		{
			name:    "traversal below the stripped directory",
			archive: buildTar(t, []member{file("top/../evil", "pwned")}, false),
			opts:    source.ExtractOptions{StripComponents: 1},
			want:    map[string]string{},
			err:     malicious,
		},
		{
			name:    "absolute path",
			archive: buildTar(t, []member{file("/tmp/abs-evil", "pwned")}, false),
			want:    map[string]string{},
			err:     malicious,
		},
		{
			name: "symlink to /etc/passwd is skipped",
			archive: buildTar(t, []member{
				link(tar.TypeSymlink, "passwd", "/etc/passwd"), file("ok.txt", "ok"),
			}, false),
			want:  map[string]string{"ok.txt": `file 0644 "ok"`},
			stats: source.ExtractStats{Files: 1, Bytes: 2, SkippedLinks: 1},
			err:   noError,
		},
		{
			name: "a file written through a skipped symlink stays inside",
			archive: buildTar(t, []member{
				link(tar.TypeSymlink, "out", "../.."), file("out/evil.txt", "inside"),
			}, false),
			want:  map[string]string{"out": "dir 0755", "out/evil.txt": `file 0644 "inside"`},
			stats: source.ExtractStats{Files: 1, Bytes: 6, SkippedLinks: 1},
			err:   noError,
		},
		{
			name:    "hard link to a file outside",
			archive: buildTar(t, []member{link(tar.TypeLink, "passwd", "../../etc/passwd")}, false),
			want:    map[string]string{},
			err:     malicious,
		},
		{
			name:    "hard link to an absolute path",
			archive: buildTar(t, []member{link(tar.TypeLink, "passwd", "/etc/passwd")}, false),
			want:    map[string]string{},
			err:     malicious,
		},
		{
			name:    "hard link inside the archive is skipped",
			archive: buildTar(t, []member{file("a.txt", "a"), link(tar.TypeLink, "b.txt", "a.txt")}, false),
			want:    map[string]string{"a.txt": `file 0644 "a"`},
			stats:   source.ExtractStats{Files: 1, Bytes: 1, SkippedLinks: 1},
			err:     noError,
		},
		{
			name: "device nodes and fifos are skipped",
			archive: buildTar(t, []member{
				node(tar.TypeChar, "dev/null"), node(tar.TypeBlock, "sda"), node(tar.TypeFifo, "pipe"),
			}, false),
			want:  map[string]string{},
			stats: source.ExtractStats{SkippedSpecial: 3},
			err:   noError,
		},
		{
			name: "unusable names are skipped",
			archive: buildTar(t, []member{
				file("bad-\xff-utf8.txt", "x"), file(".git/config", "[core]\n\tfsmonitor = evil\n"),
				file("sub/.GIT/hooks/post-checkout", "evil"), file("good.txt", "g"),
			}, false),
			want:  map[string]string{"good.txt": `file 0644 "g"`},
			stats: source.ExtractStats{Files: 1, Bytes: 1, SkippedNames: 3},
			err:   noError,
		},
		{
			name:    "GitHub tarball: gzip, pax global header, strip one component",
			archive: buildTar(t, githubTarball, true),
			opts:    source.ExtractOptions{StripComponents: 1, Gzip: true},
			want: map[string]string{
				"README.md": `file 0644 "# repo\n"`, "src": "dir 0755", "src/build.sh": `file 0755 "#!/bin/sh\n"`,
			},
			stats: source.ExtractStats{Files: 2, Dirs: 1, Bytes: 17},
			err:   noError,
		},
		{
			name:    "only a pax global header",
			archive: buildTar(t, []member{globalHeader()}, false),
			want:    map[string]string{},
			err:     noError,
		},
		{
			name:    "too many entries",
			archive: buildTar(t, []member{file("1", ""), dir("d/"), file("3", ""), file("4", "")}, false),
			lim:     source.Limits{MaxFiles: 3},
			want:    map[string]string{"1": `file 0644 ""`, "d": "dir 0755", "3": `file 0644 ""`},
			stats:   source.ExtractStats{Files: 2, Dirs: 1},
			err:     overLimit(source.LimitFiles),
		},
		{
			name:    "too deep",
			archive: buildTar(t, []member{file("a/b/c.txt", "ok"), file("a/b/c/d.txt", "deep")}, false),
			lim:     source.Limits{MaxDepth: 3},
			want:    map[string]string{"a": "dir 0755", "a/b": "dir 0755", "a/b/c.txt": `file 0644 "ok"`},
			stats:   source.ExtractStats{Files: 1, Bytes: 2},
			err:     overLimit(source.LimitDepth),
		},
		{
			name:    "depth counts after stripping",
			archive: buildTar(t, []member{file("top/a/b/c.txt", "ok")}, false),
			lim:     source.Limits{MaxDepth: 3},
			opts:    source.ExtractOptions{StripComponents: 1},
			want:    map[string]string{"a": "dir 0755", "a/b": "dir 0755", "a/b/c.txt": `file 0644 "ok"`},
			stats:   source.ExtractStats{Files: 1, Bytes: 2},
			err:     noError,
		},
		{
			name:    "file over MaxFileBytes",
			archive: buildTar(t, []member{file("small", "12345"), file("big", "12345678901")}, false),
			lim:     source.Limits{MaxFileBytes: 10},
			want:    map[string]string{"small": `file 0644 "12345"`},
			stats:   source.ExtractStats{Files: 1, Bytes: 5},
			err:     overLimit(source.LimitFileBytes),
		},
		{
			name: "files over MaxTotalBytes",
			archive: buildTar(t, []member{
				file("1", strings.Repeat("a", 30<<10)), file("2", strings.Repeat("b", 30<<10)),
				file("3", strings.Repeat("c", 30<<10)),
			}, false),
			lim: source.Limits{MaxTotalBytes: 64 << 10},
			want: map[string]string{
				"1": fmt.Sprintf("file 0644 %q", strings.Repeat("a", 30<<10)),
				"2": fmt.Sprintf("file 0644 %q", strings.Repeat("b", 30<<10)),
			},
			stats: source.ExtractStats{Files: 2, Bytes: 60 << 10},
			err:   overLimit(source.LimitTotalBytes),
		},
		{
			name:    "sparse file counts at its logical size",
			archive: sparseTar(t, "sparse.img", 1<<40, "data"),
			lim:     source.Limits{MaxFileBytes: 1 << 20},
			want:    map[string]string{},
			err:     overLimit(source.LimitFileBytes),
		},
		{
			name:    "sparse file within the limits is written in full",
			archive: sparseTar(t, "sparse.img", 16, "data"),
			want:    map[string]string{"sparse.img": fmt.Sprintf("file 0644 %q", "data"+strings.Repeat("\x00", 12))},
			stats:   source.ExtractStats{Files: 1, Bytes: 16},
			err:     noError,
		},
		{
			name:    "file then directory of the same name",
			archive: buildTar(t, []member{file("a", "file"), file("a/b", "under a file")}, false),
			want:    map[string]string{"a": `file 0644 "file"`},
			stats:   source.ExtractStats{Files: 1, Bytes: 4},
			err:     failsWith(`extract "a/b"`),
		},
		{
			name:    "empty input",
			archive: nil,
			want:    map[string]string{},
			err:     func(err error) string { return want(errors.Is(err, source.ErrTruncatedArchive), err) },
		},
		{
			name:    "archive cut off between entries",
			archive: buildTar(t, []member{file("a", "a"), file("b", "b")}, false)[:1024],
			want:    map[string]string{"a": `file 0644 "a"`},
			stats:   source.ExtractStats{Files: 1, Bytes: 1},
			err:     func(err error) string { return want(errors.Is(err, source.ErrTruncatedArchive), err) },
		},
		{
			name:    "archive cut off inside a file",
			archive: buildTar(t, []member{file("a", strings.Repeat("a", 2000))}, false)[:1000],
			want:    nil, // a partial file; the caller removes dest on error
			err:     failsWith("unexpected EOF"),
		},
		{
			name:    "not a tar archive",
			archive: []byte(strings.Repeat("this is not tar\n", 100)),
			want:    map[string]string{},
			err:     failsWith("read archive"),
		},
		{
			name:    "corrupt gzip",
			archive: corruptGzip(t, buildTar(t, []member{file("a", strings.Repeat("a", 4000))}, true)),
			opts:    source.ExtractOptions{Gzip: true},
			want:    nil, // whatever was written before the corruption showed
			err:     failsWith("archive"),
		},
		{
			name:    "gzip flag on a plain tar",
			archive: buildTar(t, []member{file("a", "a")}, false),
			opts:    source.ExtractOptions{Gzip: true},
			want:    map[string]string{},
			err:     failsWith("gzip"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parent := t.TempDir()
			dest := filepath.Join(parent, "dest")
			stats, err := source.ExtractTar(bytes.NewReader(tt.archive), dest, tt.lim, tt.opts)
			if msg := tt.err(err); msg != "" {
				t.Fatal(msg)
			}
			assertOnlyDest(t, parent)
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, listTree(t, dest)); diff != "" {
					t.Errorf("extracted tree (-want +got):\n%s", diff)
				}
			}
			if tt.want != nil && stats == nil {
				t.Fatal("no stats")
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.stats, *stats); diff != "" {
					t.Errorf("stats (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func want(ok bool, err error) string {
	if !ok {
		return fmt.Sprintf("unexpected error %v", err)
	}
	return ""
}

// corruptGzip flips a byte in the compressed data, past the gzip header.
func corruptGzip(t *testing.T, data []byte) []byte {
	t.Helper()
	out := bytes.Clone(data)
	out[len(out)/2] ^= 0xff
	return out
}

// TestExtractTarKeepsToRoot shows that even a link already in dest (left by someone else)
// cannot carry a write out of it.
func TestExtractTarKeepsToRoot(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "dest")
	outside := filepath.Join(parent, "outside")
	for _, d := range []string{dest, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dest, "escape")); err != nil {
		t.Fatal(err)
	}
	archive := buildTar(t, []member{file("escape/pwned.txt", "pwned")}, false)
	if _, err := source.ExtractTar(bytes.NewReader(archive), dest, source.Limits{}, source.ExtractOptions{}); err == nil {
		t.Fatal("ExtractTar wrote through a symlink in dest without an error")
	}
	entries, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("wrote %v outside dest", entries)
	}
}

// bomb streams a tar archive produced on demand, so that a huge one never sits in memory, and
// counts the uncompressed bytes its producer generated.
type bomb struct {
	pr       *io.PipeReader
	produced atomic.Int64
}

// newBomb streams gzip-compressed output of write (a tar archive) or, when write is nil, of raw.
func newBomb(write func(tw *tar.Writer, produced *atomic.Int64) error, raw func(w io.Writer, produced *atomic.Int64) error) *bomb {
	pr, pw := io.Pipe()
	b := &bomb{pr: pr}
	go func() {
		zw, _ := gzip.NewWriterLevel(pw, gzip.BestSpeed)
		var err error
		if write != nil {
			tw := tar.NewWriter(zw)
			if err = write(tw, &b.produced); err == nil {
				err = tw.Close()
			}
		} else {
			err = raw(zw, &b.produced)
		}
		if err == nil {
			err = zw.Close()
		}
		pw.CloseWithError(err)
	}()
	return b
}

func zeros(tw *tar.Writer, n int64, produced *atomic.Int64) error {
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, int64(len(chunk)))
		if _, err := tw.Write(chunk[:k]); err != nil {
			return err
		}
		produced.Add(k)
		n -= k
	}
	return nil
}

// TestExtractTarStopsEarly feeds decompression bombs and checks that extraction gives up after
// reading about as much as the limits allow, in bounded time.
func TestExtractTarStopsEarly(t *testing.T) {
	tests := []struct {
		name        string
		lim         source.Limits
		write       func(tw *tar.Writer, produced *atomic.Int64) error
		raw         func(w io.Writer, produced *atomic.Int64) error // instead of write: bytes that are not tar
		wantLimit   source.Limit
		maxProduced int64
	}{
		{
			name: "one 2 GiB file of zeros",
			write: func(tw *tar.Writer, produced *atomic.Int64) error {
				if err := tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 2 << 30, Typeflag: tar.TypeReg}); err != nil {
					return err
				}
				return zeros(tw, 2<<30, produced)
			},
			wantLimit:   source.LimitFileBytes,
			maxProduced: 64 << 20,
		},
		{
			name: "2 GiB file under a raised per-file limit",
			lim:  source.Limits{MaxFileBytes: 4 << 30, MaxTotalBytes: 16 << 20},
			write: func(tw *tar.Writer, produced *atomic.Int64) error {
				if err := tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 2 << 30, Typeflag: tar.TypeReg}); err != nil {
					return err
				}
				return zeros(tw, 2<<30, produced)
			},
			wantLimit:   source.LimitTotalBytes,
			maxProduced: 64 << 20,
		},
		{
			name: "2 GiB of bare zeros: an empty archive with endless padding",
			lim:  source.Limits{MaxTotalBytes: 16 << 20},
			raw: func(w io.Writer, produced *atomic.Int64) error {
				chunk := make([]byte, 1<<20)
				for range 2 << 10 {
					if _, err := w.Write(chunk); err != nil {
						return err
					}
					produced.Add(int64(len(chunk)))
				}
				return nil
			},
			wantLimit:   source.LimitTotalBytes,
			maxProduced: 64 << 20,
		},
		{
			name: "many files each under the per-file limit",
			lim:  source.Limits{MaxFileBytes: 4 << 20, MaxTotalBytes: 10 << 20},
			write: func(tw *tar.Writer, produced *atomic.Int64) error {
				for i := range 1000 {
					if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("z%04d", i), Mode: 0o644, Size: 3 << 20, Typeflag: tar.TypeReg}); err != nil {
						return err
					}
					if err := zeros(tw, 3<<20, produced); err != nil {
						return err
					}
				}
				return nil
			},
			wantLimit:   source.LimitTotalBytes,
			maxProduced: 64 << 20,
		},
		{
			name: "huge PAX records on empty entries",
			lim:  source.Limits{MaxTotalBytes: 4 << 20},
			write: func(tw *tar.Writer, produced *atomic.Int64) error {
				comment := strings.Repeat("x", 900<<10)
				for i := range 10_000 {
					hdr := &tar.Header{Name: fmt.Sprintf("e%05d", i), Mode: 0o644, Typeflag: tar.TypeReg,
						PAXRecords: map[string]string{"comment": comment}}
					if err := tw.WriteHeader(hdr); err != nil {
						return err
					}
					produced.Add(int64(len(comment)))
				}
				return nil
			},
			wantLimit:   source.LimitTotalBytes,
			maxProduced: 64 << 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			b := newBomb(tt.write, tt.raw)
			defer b.pr.Close()
			start := time.Now()
			_, err := source.ExtractTar(b.pr, filepath.Join(parent, "dest"), tt.lim, source.ExtractOptions{Gzip: true})
			elapsed := time.Since(start)
			b.pr.CloseWithError(errors.New("test over")) // stops the producer
			if msg := overLimit(tt.wantLimit)(err); msg != "" {
				t.Fatal(msg)
			}
			if got := b.produced.Load(); got > tt.maxProduced {
				t.Errorf("the producer generated %d bytes before extraction stopped, want at most %d", got, tt.maxProduced)
			}
			if elapsed > 20*time.Second {
				t.Errorf("extraction took %v", elapsed)
			}
			assertOnlyDest(t, parent)
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	want := source.Limits{MaxTotalBytes: 1 << 30, MaxFiles: 100_000, MaxFileBytes: 50 << 20, MaxDepth: 64}
	if diff := cmp.Diff(want, source.DefaultLimits()); diff != "" {
		t.Errorf("DefaultLimits (-want +got):\n%s", diff)
	}
}

func TestLimitErrorMessage(t *testing.T) {
	err := &source.LimitError{Limit: source.LimitFiles, Value: 100000, Path: "a/b"}
	const want = `archive exceeds the limit of 100000 entries (MaxFiles) at "a/b"`
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
}

// FuzzExtractTar checks that no archive makes ExtractTar panic, write outside dest, or leave
// anything in dest but regular files and directories (a link or a device there would let a later
// reader of the tree leave it).
func FuzzExtractTar(f *testing.F) {
	f.Add(buildTar(f, []member{dir("d/"), file("d/a", "a"), link(tar.TypeSymlink, "l", "/etc")}, false), false)
	f.Add(buildTar(f, []member{globalHeader(), file("top/x", "x")}, true), true)
	f.Add(sparseTar(f, "s", 64, "data"), false)
	f.Add(buildTar(f, []member{file("top/../../x", "x"), file("/etc/x", "x"), file("top/a\\..\\..\\x", "x")}, false), false)
	f.Add(buildTar(f, []member{link(tar.TypeLink, "top/h", "top/../../etc/passwd"), link(tar.TypeSymlink, "top/s", "../../"),
		file("top/s/x", "x"), node(tar.TypeChar, "top/c"), node(tar.TypeFifo, "top/f"), file("top/.git/config", "x")}, false), false)
	f.Fuzz(func(t *testing.T, archive []byte, gz bool) {
		parent := t.TempDir()
		dest := filepath.Join(parent, "dest")
		lim := source.Limits{MaxTotalBytes: 1 << 20, MaxFiles: 100, MaxFileBytes: 64 << 10, MaxDepth: 8}
		_, _ = source.ExtractTar(bytes.NewReader(archive), dest, lim,
			source.ExtractOptions{Gzip: gz, StripComponents: 1})
		assertOnlyDest(t, parent)
		for name, kind := range listTree(t, dest) {
			if !strings.HasPrefix(kind, "file ") && !strings.HasPrefix(kind, "dir ") {
				t.Errorf("extraction left %s: %s", name, kind)
			}
		}
	})
}
