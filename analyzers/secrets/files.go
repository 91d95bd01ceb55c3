package secrets

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/fourcsec/fourc/shared/engine"
)

// maxFileSize bounds what the scanner reads of one file. Credentials live in source and config
// files, which are far smaller; larger files are generated data, dumps or bundles, and are
// reported as not scanned rather than silently passed.
const maxFileSize = 2 << 20

// sniffSize is how much of a file the binary test looks at, as git and gitleaks do.
const sniffSize = 8 << 10

// Files are treated as minified, and skipped, when their lines average more than
// minifiedLineLength bytes; only files of at least minifiedMinSize count, so that a short
// one-line JSON credential file is still read.
const (
	minifiedLineLength = 1000
	minifiedMinSize    = 16 << 10
)

// vendoredDirs hold third-party code: a secret there is not the repository's, and the files are
// many. Any path segment with one of these names excludes the subtree.
var vendoredDirs = map[string]bool{
	"vendor":           true,
	"node_modules":     true,
	"third_party":      true,
	".yarn":            true,
	"bower_components": true,
}

// lockFiles list dependencies with their integrity hashes and download URLs, nothing a person
// writes a credential into; they are large and full of base64, so reading them costs time and
// invites false positives. The list follows gitleaks' global allowlist, without its blanket
// `*.lock`, which would also hide hand-written files that happen to end in .lock.
var lockFiles = map[string]bool{
	"go.sum":              true,
	"go.work.sum":         true,
	"package-lock.json":   true,
	"npm-shrinkwrap.json": true,
	"yarn.lock":           true,
	"pnpm-lock.yaml":      true,
	"bun.lock":            true,
	"deno.lock":           true,
	"Cargo.lock":          true,
	"Gemfile.lock":        true,
	"composer.lock":       true,
	"poetry.lock":         true,
	"Pipfile.lock":        true,
	"uv.lock":             true,
	"gradle.lockfile":     true,
	"packages.lock.json":  true,
	"Podfile.lock":        true,
	"pubspec.lock":        true,
	"mix.lock":            true,
	".terraform.lock.hcl": true,
}

// binaryExtensions are formats that are never text; they are skipped without being read.
var binaryExtensions = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".ico": true,
	".tif": true, ".tiff": true, ".webp": true, ".psd": true, ".heic": true,
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true, ".pptx": true,
	".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true,
	".rar": true, ".tar": true, ".jar": true, ".war": true, ".ear": true, ".whl": true, ".gem": true,
	".class": true, ".pyc": true, ".o": true, ".a": true, ".so": true, ".dylib": true, ".dll": true,
	".exe": true, ".wasm": true, ".bin": true, ".dat": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".eot": true,
	".mp3": true, ".mp4": true, ".m4a": true, ".mov": true, ".avi": true, ".webm": true,
	".wav": true, ".ogg": true, ".flac": true,
}

// skipBeforeReading decides from the path and size alone. A non-empty reason is shown to the user
// as a diagnostic; policy skips (vendored code, lock files, binaries) are silent.
func skipBeforeReading(f engine.File, limit int64) (skip bool, reason string) {
	base := path.Base(f.Path)
	ext := strings.ToLower(path.Ext(base))
	switch {
	case isVendored(f.Path), lockFiles[base], binaryExtensions[ext]:
		return true, ""
	case strings.HasSuffix(base, ".min.js"), strings.HasSuffix(base, ".min.css"), ext == ".map":
		return true, ""
	case f.Size > limit:
		return true, fmt.Sprintf("not scanned for secrets: %s is over the %s limit", formatSize(f.Size), formatSize(limit))
	}
	return false, ""
}

func isVendored(p string) bool {
	for {
		i := strings.IndexByte(p, '/')
		if i < 0 {
			return false // the last segment is the file itself
		}
		if vendoredDirs[p[:i]] {
			return true
		}
		p = p[i+1:]
	}
}

// skipAfterReading recognises binary and minified content.
func skipAfterReading(data []byte) bool {
	head := data[:min(len(data), sniffSize)]
	if bytes.IndexByte(head, 0) >= 0 || mostlyInvalidUTF8(head) {
		return true
	}
	if len(data) >= minifiedMinSize {
		lines := bytes.Count(data, []byte{'\n'}) + 1
		if len(data)/lines > minifiedLineLength {
			return true
		}
	}
	return false
}

// mostlyInvalidUTF8 tolerates the odd Latin-1 byte in a text file but not a file that is
// mostly not UTF-8, which is binary or an encoding the detectors cannot read anyway.
func mostlyInvalidUTF8(head []byte) bool {
	if utf8.Valid(head) {
		return false
	}
	invalid := 0
	for i := 0; i < len(head); {
		r, size := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		}
		i += size
	}
	// A rune cut at the end of the sniffed prefix is not evidence of anything.
	return invalid > 4 && invalid*10 > len(head)
}

// fileKind says how a file's assignments are written, which decides what the generic rule reads
// as a literal value.
type fileKind int

const (
	// configKind files (YAML, .env, INI, properties, shell, Dockerfiles, anything unknown) may
	// carry unquoted values: `password: s3cr3t`.
	configKind fileKind = iota
	// codeKind files are programming languages, where an unquoted right-hand side is an
	// expression — a variable, a call — and only a quoted literal can be a hard-coded secret.
	codeKind
	// exampleKind files show stand-ins for secrets: documentation (Markdown, reStructuredText,
	// AsciiDoc) and files named as examples (.env.example, config.sample.yaml, examples-1.json).
	// The generic assignment rule, which cannot tell a stand-in from a secret by its format,
	// skips them; the format-specific rules do not, and the directory does not count, so a real
	// credential pasted into examples/ is still found.
	exampleKind
)

var codeExtensions = map[string]bool{
	".go": true, ".js": true, ".jsx": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true,
	".mts": true, ".cts": true, ".py": true, ".pyi": true, ".rb": true, ".java": true, ".kt": true,
	".kts": true, ".scala": true, ".groovy": true, ".cs": true, ".fs": true, ".vb": true, ".c": true,
	".h": true, ".cc": true, ".cpp": true, ".cxx": true, ".hpp": true, ".hh": true, ".m": true,
	".mm": true, ".rs": true, ".swift": true, ".php": true, ".dart": true, ".lua": true, ".pl": true,
	".pm": true, ".r": true, ".ex": true, ".exs": true, ".erl": true, ".clj": true, ".cljs": true,
	".jl": true, ".zig": true, ".nim": true, ".sol": true, ".vue": true, ".svelte": true, ".tf": true,
	".hcl": true,
}

var proseExtensions = map[string]bool{
	".md": true, ".markdown": true, ".mdx": true, ".rst": true, ".adoc": true, ".asciidoc": true,
}

func kindOf(p string) fileKind {
	base := strings.ToLower(path.Base(p))
	ext := path.Ext(base)
	switch {
	case proseExtensions[ext], strings.Contains(base, "example"), strings.Contains(base, "sample"):
		return exampleKind
	case codeExtensions[ext]:
		return codeKind
	}
	return configKind
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
