package source

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits bound what an archive may make ExtractTar write and read. A field that is zero or
// negative takes its value from DefaultLimits.
type Limits struct {
	// MaxTotalBytes bounds both the uncompressed archive stream (headers included) and the sum of
	// the logical sizes of the files written; a sparse file counts at its logical size.
	MaxTotalBytes int64
	// MaxFiles bounds the entries of any kind: files, directories, links and skipped entries all
	// cost a header to read and some a directory to create.
	MaxFiles int64
	// MaxFileBytes bounds the logical size of one file.
	MaxFileBytes int64
	// MaxDepth bounds the path components of an entry, counted after stripping.
	MaxDepth int
}

// DefaultLimits suit a source repository: larger ones are not worth scanning whole, and the
// numbers keep a hostile archive from filling a Lambda's disk or time.
func DefaultLimits() Limits {
	return Limits{
		MaxTotalBytes: 1 << 30,
		MaxFiles:      100_000,
		MaxFileBytes:  50 << 20,
		MaxDepth:      64,
	}
}

func (l Limits) withDefaults() Limits {
	def := DefaultLimits()
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = def.MaxTotalBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = def.MaxFiles
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = def.MaxFileBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = def.MaxDepth
	}
	return l
}

// ExtractOptions say how to read an archive.
type ExtractOptions struct {
	// StripComponents drops that many leading path components from every entry, as
	// `tar --strip-components` does; entries left with no name (the directories stripped away)
	// are skipped. GitHub's repository tarballs need 1 for their "owner-repo-sha/" directory.
	StripComponents int
	// Gzip says the archive is gzip-compressed (a .tar.gz).
	Gzip bool
}

// ExtractStats count what ExtractTar did. Skipped entries are not errors: a scanner reads
// regular files only, so losing a link or a device costs nothing.
type ExtractStats struct {
	Files int64 // regular files written
	Dirs  int64 // directory entries created
	Bytes int64 // logical bytes of the files written
	// SkippedLinks counts symbolic and hard links, which are never created: a link is the one
	// way an extracted tree could make a later reader leave the destination.
	SkippedLinks int64
	// SkippedSpecial counts devices, FIFOs and entry types this package does not know.
	SkippedSpecial int64
	// SkippedNames counts entries whose names cannot be used: not valid UTF-8 (findings and
	// reports need text paths), naming a .git directory (which git would trust as repository
	// metadata), or not a local name on this operating system (a Windows device name).
	SkippedNames int64
}

// Limit names one of the Limits.
type Limit string

// The limits a LimitError can name.
const (
	LimitTotalBytes Limit = "MaxTotalBytes"
	LimitFiles      Limit = "MaxFiles"
	LimitFileBytes  Limit = "MaxFileBytes"
	LimitDepth      Limit = "MaxDepth"
)

var limitUnits = map[Limit]string{
	LimitTotalBytes: "bytes uncompressed",
	LimitFiles:      "entries",
	LimitFileBytes:  "bytes in one file",
	LimitDepth:      "directory levels",
}

// LimitError reports an archive larger than a limit allows. Extraction stops at the first one.
type LimitError struct {
	Limit Limit
	Value int64  // the limit's value
	Path  string // the entry that went over it, when one did
}

func (e *LimitError) Error() string {
	msg := fmt.Sprintf("archive exceeds the limit of %d %s (%s)", e.Value, limitUnits[e.Limit], e.Limit)
	if e.Path != "" {
		msg += fmt.Sprintf(" at %q", e.Path)
	}
	return msg
}

// ErrMaliciousArchive is matched (with errors.Is) by every error that reports an entry trying
// to write outside the destination: no honest tool makes such an archive, so the whole
// archive is refused and the App can say so.
var ErrMaliciousArchive = errors.New("malicious archive")

// UnsafePathError reports an entry whose name points outside the destination.
type UnsafePathError struct {
	Path   string
	Reason string
}

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("malicious archive: entry %q %s", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrMaliciousArchive) hold.
func (e *UnsafePathError) Is(target error) bool { return target == ErrMaliciousArchive }

// ExtractTar writes the regular files and directories of a tar archive under dest, creating dest
// when missing. It is written for archives nobody vouches for:
//
//   - an absolute name or one with a ".." component is a hard error (ErrMaliciousArchive), and
//     every write goes through an os.Root, so not even a link already inside dest can lead out;
//   - links, devices and FIFOs are never created, only counted; so are entries with unusable
//     names (see ExtractStats), which an honest repository can hold and which must not make a
//     whole scan fail;
//   - files get mode 0644, or 0755 when any execute bit is set; directories 0755;
//   - reading stops as soon as a limit is crossed (a *LimitError): the uncompressed stream is
//     cut off at MaxTotalBytes+1 bytes, and a file's declared size is checked before its data
//     is read, so a decompression bomb costs at most MaxTotalBytes of reading.
//
// PAX global headers (GitHub's tarballs start with one) are ignored. On error, dest may hold
// part of the archive; the caller removes it. The stats are returned in every case.
func ExtractTar(r io.Reader, dest string, lim Limits, opts ExtractOptions) (*ExtractStats, error) {
	lim = lim.withDefaults()
	stats := &ExtractStats{}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return stats, fmt.Errorf("create extraction directory: %w", err)
	}
	root, err := os.OpenRoot(dest)
	if err != nil {
		return stats, fmt.Errorf("open extraction directory: %w", err)
	}
	defer root.Close()

	// The stream is limited before and after decompression: a compressed stream larger than
	// the uncompressed limit is not a real archive, and one of many empty gzip members would
	// otherwise cost time without producing a byte.
	stream := &cappedReader{r: r, remaining: lim.MaxTotalBytes + 1}
	var tarStream io.Reader = stream
	var decompressed *cappedReader
	if opts.Gzip {
		gz, err := gzip.NewReader(stream)
		if err != nil {
			return stats, fmt.Errorf("read gzip header: %w", err)
		}
		defer gz.Close()
		decompressed = &cappedReader{r: gz, remaining: lim.MaxTotalBytes + 1}
		tarStream = decompressed
	}
	tail := &zeroTail{r: tarStream}
	x := &extractor{root: root, lim: lim, opts: opts, stats: stats}
	err = x.run(tar.NewReader(tail))
	if err == nil && tail.run < tarBlockSize {
		// archive/tar reads an empty stream, or one cut off between entries, as a clean end.
		// Only a real end-of-archive marker (zero blocks) says the archive is complete; without
		// this check an empty download would pass for an empty repository, and a scan of it
		// for a clean one.
		err = ErrTruncatedArchive
	}
	if err == nil && decompressed != nil {
		// Read to the end so gzip verifies its checksum: a corrupted download must not pass
		// for a short repository.
		_, err = io.Copy(io.Discard, tarStream)
		if err != nil {
			err = fmt.Errorf("read archive: %w", err)
		}
	}
	if stream.exceeded || decompressed != nil && decompressed.exceeded {
		return stats, &LimitError{Limit: LimitTotalBytes, Value: lim.MaxTotalBytes}
	}
	return stats, err
}

// ErrTruncatedArchive reports a tar stream that ends without an end-of-archive marker.
var ErrTruncatedArchive = errors.New("archive is empty or truncated: no end-of-archive marker")

const tarBlockSize = 512

// zeroTail counts the zero bytes at the end of what has been read through it.
type zeroTail struct {
	r   io.Reader
	run int64
}

func (z *zeroTail) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	for i := n - 1; i >= 0; i-- {
		if p[i] != 0 {
			z.run = int64(n - 1 - i)
			return n, err
		}
	}
	z.run += int64(n)
	return n, err
}

// cappedReader returns errStreamCap once it has passed on `remaining` bytes, and notes it.
type cappedReader struct {
	r         io.Reader
	remaining int64
	exceeded  bool
}

var errStreamCap = errors.New("archive stream over the size limit")

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.remaining <= 0 {
		c.exceeded = true
		return 0, errStreamCap
	}
	if int64(len(p)) > c.remaining {
		p = p[:c.remaining]
	}
	n, err := c.r.Read(p)
	c.remaining -= int64(n)
	if c.remaining <= 0 && err == nil {
		// The byte past the limit was read: the stream is too large whatever follows.
		c.exceeded = true
		err = errStreamCap
	}
	return n, err
}

type extractor struct {
	root    *os.Root
	lim     Limits
	opts    ExtractOptions
	stats   *ExtractStats
	entries int64
}

func (x *extractor) run(tr *tar.Reader) error {
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		// With GODEBUG=tarinsecurepath=0 the reader flags names it finds unsafe but still returns
		// the header; this package's own checks decide about those.
		if err != nil && !(errors.Is(err, tar.ErrInsecurePath) && hdr != nil) {
			return fmt.Errorf("read archive: %w", err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // metadata for the whole archive (GitHub records the commit id there)
		}
		x.entries++
		if x.entries > x.lim.MaxFiles {
			return &LimitError{Limit: LimitFiles, Value: x.lim.MaxFiles, Path: hdr.Name}
		}
		if err := x.entry(tr, hdr); err != nil {
			return err
		}
	}
}

func (x *extractor) entry(tr *tar.Reader, hdr *tar.Header) error {
	name, ok, err := x.localName(hdr.Name)
	if err != nil || !ok {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeGNUSparse, tar.TypeCont:
		return x.writeFile(tr, hdr, name)
	case tar.TypeDir:
		if err := x.root.MkdirAll(filepath.FromSlash(name), 0o755); err != nil {
			return fmt.Errorf("extract %q: %w", hdr.Name, err)
		}
		x.stats.Dirs++
	case tar.TypeLink:
		// A hard link names another member of the archive, so a target outside it can only be
		// an attack; a symbolic link's target is free text (an honest repository may point at
		// /usr/share/... or at a sibling of the stripped directory), so it is merely skipped.
		if err := unsafeName(hdr.Linkname); err != nil {
			return &UnsafePathError{Path: hdr.Name, Reason: "links to " + strconv.Quote(hdr.Linkname) + ", which " + err.Reason}
		}
		x.stats.SkippedLinks++
	case tar.TypeSymlink:
		x.stats.SkippedLinks++
	default: // devices, FIFOs, GNU volume headers and dump directories, unknown types
		x.stats.SkippedSpecial++
	}
	return nil
}

// localName turns an entry's name into a slash-separated path under dest. It reports false
// for entries to skip and an error for names that try to leave dest or break a limit.
func (x *extractor) localName(raw string) (string, bool, error) {
	if err := unsafeName(raw); err != nil {
		return "", false, err
	}
	clean := path.Clean(raw)
	var parts []string
	if clean != "." && clean != "" {
		parts = strings.Split(clean, "/")
	}
	if len(parts) <= x.opts.StripComponents {
		return "", false, nil // the stripped-away top directories themselves
	}
	parts = parts[x.opts.StripComponents:]
	if len(parts) > x.lim.MaxDepth {
		return "", false, &LimitError{Limit: LimitDepth, Value: int64(x.lim.MaxDepth), Path: raw}
	}
	name := strings.Join(parts, "/")
	if !utf8.ValidString(name) || strings.ContainsRune(name, 0) || !filepath.IsLocal(filepath.FromSlash(name)) {
		x.stats.SkippedNames++
		return "", false, nil
	}
	for _, part := range parts {
		if strings.EqualFold(part, ".git") {
			x.stats.SkippedNames++
			return "", false, nil
		}
	}
	return name, true, nil
}

// unsafeName reports a name that points outside the directory it is read in.
func unsafeName(raw string) *UnsafePathError {
	if strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, `\`) {
		return &UnsafePathError{Path: raw, Reason: "is an absolute path"}
	}
	// Backslashes separate components on Windows; "..\" is hostile on every system.
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return &UnsafePathError{Path: raw, Reason: `has a ".." component`}
		}
	}
	return nil
}

func (x *extractor) writeFile(tr *tar.Reader, hdr *tar.Header, name string) error {
	// hdr.Size is the logical size, holes of a sparse file included: check it before reading.
	if hdr.Size > x.lim.MaxFileBytes {
		return &LimitError{Limit: LimitFileBytes, Value: x.lim.MaxFileBytes, Path: hdr.Name}
	}
	if hdr.Size > x.lim.MaxTotalBytes-x.stats.Bytes {
		return &LimitError{Limit: LimitTotalBytes, Value: x.lim.MaxTotalBytes, Path: hdr.Name}
	}
	local := filepath.FromSlash(name)
	if dir := filepath.Dir(local); dir != "." {
		if err := x.root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("extract %q: %w", hdr.Name, err)
		}
	}
	mode := os.FileMode(0o644)
	if hdr.Mode&0o111 != 0 {
		mode = 0o755
	}
	f, err := x.root.OpenFile(local, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("extract %q: %w", hdr.Name, err)
	}
	// The reader yields exactly hdr.Size bytes; the cap guards the accounting all the same.
	n, err := io.Copy(f, io.LimitReader(tr, hdr.Size))
	x.stats.Bytes += n
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("extract %q: %w", hdr.Name, err)
	}
	x.stats.Files++
	return nil
}
