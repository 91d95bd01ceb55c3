// Package npm reads npm lockfiles (package-lock.json, npm-shrinkwrap.json) in all three formats
// — v1's nested dependencies tree, and the packages map of v2 and v3 — and reports each installed
// package with the line of its entry.
//
// Lockfiles of large monorepos run to tens of megabytes, so the file is streamed: a JSON decoder
// walks the top level token by token, decodes one package entry at a time, and a reader beneath it
// counts newlines so each entry's key gets its line number. Memory stays proportional to the
// largest single entry plus the packages found, never to the file.
package npm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// MaxPackages bounds the entries read from one lockfile; the largest real ones hold tens of
// thousands.
const MaxPackages = 2_000_000

// Package is one installed package.
type Package struct {
	// Name is the registry name (an alias's real name, not the alias).
	Name    string
	Version string
	// Path is where npm installs it: the packages key in v2/v3 ("node_modules/a/node_modules/b"),
	// or the same form rebuilt from v1's nesting.
	Path string
	// Line and Column (1-based, bytes) are where the entry's key starts.
	Line, Column int
	Dev          bool
}

// Lockfile is what Parse found.
type Lockfile struct {
	// LockfileVersion is the file's lockfileVersion (1 when absent, as npm 6 wrote it).
	LockfileVersion int
	Packages        []Package
	// Unversioned counts entries without a registry version (links, git and file dependencies):
	// they cannot be matched against advisories.
	Unversioned int
}

// SyntaxError is malformed JSON at a line.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse reads a lockfile. It checks ctx every thousand entries.
func Parse(ctx context.Context, r io.Reader) (*Lockfile, error) {
	lr := &lineReader{r: r, line: 1}
	p := &parser{ctx: ctx, dec: json.NewDecoder(lr), lines: lr}
	lf, err := p.lockfile()
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &SyntaxError{Line: lr.lineAt(se.Offset), Msg: "not valid JSON: " + se.Error()}
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, &SyntaxError{Line: lr.lineAt(lr.read), Msg: "not valid JSON: unexpected end of file"}
		}
		return nil, err
	}
	return lf, nil
}

type parser struct {
	ctx   context.Context
	dec   *json.Decoder
	lines *lineReader
	count int
}

// entry is the part of a package entry fourc reads.
type entry struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Link     bool   `json:"link"`
	Dev      bool   `json:"dev"`
	Resolved string `json:"resolved"`
}

func (p *parser) lockfile() (*Lockfile, error) {
	if err := p.expectDelim('{', "a lockfile is a JSON object"); err != nil {
		return nil, err
	}
	lf := &Lockfile{LockfileVersion: 1}
	var fromPackages, fromDependencies []Package
	seenPackages := false
	for p.dec.More() {
		key, _, err := p.key()
		if err != nil {
			return nil, err
		}
		switch key {
		case "lockfileVersion":
			var v json.Number
			if err := p.dec.Decode(&v); err != nil {
				return nil, p.wrap(err, "lockfileVersion")
			}
			n, err := v.Int64()
			if err != nil || n < 1 || n > 100 {
				return nil, &SyntaxError{Line: p.lines.lineAt(p.dec.InputOffset()), Msg: fmt.Sprintf("lockfileVersion %s is not a lockfile version", v)}
			}
			lf.LockfileVersion = int(n)
		case "packages":
			seenPackages = true
			pkgs, unversioned, err := p.packagesMap()
			if err != nil {
				return nil, err
			}
			fromPackages, lf.Unversioned = pkgs, unversioned
		case "dependencies":
			if seenPackages {
				// v2 repeats the tree in v1 form for old npm versions; packages says it all.
				if err := p.skip(); err != nil {
					return nil, err
				}
				continue
			}
			var unversioned int
			if err := p.dependencies("", &fromDependencies, &unversioned); err != nil {
				return nil, err
			}
			if !seenPackages {
				lf.Unversioned = unversioned
			}
		default:
			if err := p.skip(); err != nil {
				return nil, err
			}
		}
	}
	if _, err := p.dec.Token(); err != nil { // the closing brace
		return nil, p.wrap(err, "end of lockfile")
	}
	lf.Packages = fromDependencies
	if seenPackages {
		lf.Packages = fromPackages
	}
	sort.SliceStable(lf.Packages, func(i, j int) bool { return lf.Packages[i].Line < lf.Packages[j].Line })
	return lf, nil
}

// packagesMap reads v2/v3's packages: keys are install paths, "" is the project itself, and
// entries outside node_modules are workspace sources, not registry packages.
func (p *parser) packagesMap() ([]Package, int, error) {
	if err := p.expectDelim('{', `"packages" must be an object`); err != nil {
		return nil, 0, err
	}
	var out []Package
	unversioned := 0
	for p.dec.More() {
		key, line, err := p.key()
		if err != nil {
			return nil, 0, err
		}
		col := p.keyColumn(key)
		var e entry
		if err := p.dec.Decode(&e); err != nil {
			return nil, 0, p.wrap(err, fmt.Sprintf("packages entry %q", key))
		}
		if err := p.tick(); err != nil {
			return nil, 0, err
		}
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 {
			continue
		}
		name := e.Name
		if name == "" {
			name = key[i+len("node_modules/"):]
		}
		version, aliasName := splitAlias(e.Version)
		if aliasName != "" {
			name = aliasName
		}
		if e.Link || !looksLikeVersion(version) || name == "" {
			unversioned++
			continue
		}
		out = append(out, Package{Name: name, Version: version, Path: key, Line: line, Column: col, Dev: e.Dev})
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, 0, p.wrap(err, "end of packages")
	}
	return out, unversioned, nil
}

// dependencies reads v1's nested tree: each entry has a version and, when npm could not hoist
// its own dependencies, a nested dependencies object of the same shape.
func (p *parser) dependencies(prefix string, out *[]Package, unversioned *int) error {
	if err := p.expectDelim('{', `"dependencies" must be an object`); err != nil {
		return err
	}
	for p.dec.More() {
		name, line, err := p.key()
		if err != nil {
			return err
		}
		if err := p.tick(); err != nil {
			return err
		}
		path := prefix + "node_modules/" + name
		col := p.keyColumn(name)
		if err := p.expectDelim('{', fmt.Sprintf("dependency %q must be an object", name)); err != nil {
			return err
		}
		pkg := Package{Name: name, Path: path, Line: line, Column: col}
		for p.dec.More() {
			field, _, err := p.key()
			if err != nil {
				return err
			}
			switch field {
			case "version":
				var v string
				if err := p.dec.Decode(&v); err != nil {
					return p.wrap(err, fmt.Sprintf("version of %q", name))
				}
				version, aliasName := splitAlias(v)
				pkg.Version = version
				if aliasName != "" {
					pkg.Name = aliasName
				}
			case "dev":
				if err := p.dec.Decode(&pkg.Dev); err != nil {
					return p.wrap(err, fmt.Sprintf("dev flag of %q", name))
				}
			case "dependencies":
				if err := p.dependencies(path+"/", out, unversioned); err != nil {
					return err
				}
			default:
				if err := p.skip(); err != nil {
					return err
				}
			}
		}
		if _, err := p.dec.Token(); err != nil {
			return p.wrap(err, fmt.Sprintf("end of dependency %q", name))
		}
		if looksLikeVersion(pkg.Version) && pkg.Name != "" {
			*out = append(*out, pkg)
		} else {
			*unversioned++
		}
	}
	if _, err := p.dec.Token(); err != nil {
		return p.wrap(err, "end of dependencies")
	}
	return nil
}

// splitAlias reads npm's alias form "npm:real-name@1.2.3".
func splitAlias(v string) (version, name string) {
	rest, ok := strings.CutPrefix(v, "npm:")
	if !ok {
		return v, ""
	}
	at := strings.LastIndexByte(rest, '@')
	if at <= 0 {
		return v, ""
	}
	return rest[at+1:], rest[:at]
}

// looksLikeVersion filters out git URLs, file: and link: specifiers; the version matcher checks
// the rest properly.
func looksLikeVersion(v string) bool {
	return v != "" && v[0] >= '0' && v[0] <= '9' && !strings.ContainsAny(v, ":/ ")
}

func (p *parser) tick() error {
	p.count++
	if p.count > MaxPackages {
		return fmt.Errorf("more than %d package entries; the rest were not read", MaxPackages)
	}
	if p.count%1000 == 0 {
		return p.ctx.Err()
	}
	return nil
}

// key reads an object key and the line it is on.
func (p *parser) key() (string, int, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return "", 0, p.wrap(err, "object key")
	}
	key, ok := tok.(string)
	if !ok {
		return "", 0, &SyntaxError{Line: p.lines.lineAt(p.dec.InputOffset()), Msg: fmt.Sprintf("expected an object key, found %v", tok)}
	}
	return key, p.lines.lineAt(p.dec.InputOffset()), nil
}

// keyColumn is the column of the opening quote of the key just read (assuming the key has no
// escapes, as package names never do).
func (p *parser) keyColumn(key string) int {
	col := int(p.dec.InputOffset()-p.lines.lineStart) - len(key) - 1
	return max(col, 1)
}

func (p *parser) expectDelim(want json.Delim, msg string) error {
	tok, err := p.dec.Token()
	if err != nil {
		return p.wrap(err, msg)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return &SyntaxError{Line: p.lines.lineAt(p.dec.InputOffset()), Msg: msg}
	}
	return nil
}

// skip reads past one value token by token, so a large subtree never sits in memory whole.
func (p *parser) skip() error {
	depth := 0
	for {
		tok, err := p.dec.Token()
		if err != nil {
			return p.wrap(err, "value")
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
		if p.count++; p.count%100000 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// wrap turns a decoder error into one with a line.
func (p *parser) wrap(err error, what string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &SyntaxError{Line: p.lines.lineAt(se.Offset), Msg: "not valid JSON: " + se.Error()}
	case errors.As(err, &te):
		return &SyntaxError{Line: p.lines.lineAt(te.Offset), Msg: fmt.Sprintf("%s: expected %s, found %s", what, te.Type, te.Value)}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &SyntaxError{Line: p.lines.lineAt(p.lines.read), Msg: "not valid JSON: unexpected end of file in " + what}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// lineReader counts newlines in what passes through it. Queries come with increasing offsets
// (the decoder only moves forward), so it keeps just the newlines the decoder has read ahead.
type lineReader struct {
	r         io.Reader
	read      int64
	newlines  []int64
	line      int   // the line at the last queried offset
	lineStart int64 // the offset where that line starts
}

func (l *lineReader) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	chunk := b[:n]
	base := l.read
	for off := 0; ; {
		i := bytes.IndexByte(chunk[off:], '\n')
		if i < 0 {
			break
		}
		l.newlines = append(l.newlines, base+int64(off+i))
		off += i + 1
	}
	l.read += int64(n)
	return n, err
}

// lineAt is the 1-based line of a byte offset at or after the last one asked about.
func (l *lineReader) lineAt(offset int64) int {
	i := 0
	for i < len(l.newlines) && l.newlines[i] < offset {
		i++
	}
	l.line += i
	if i > 0 {
		l.lineStart = l.newlines[i-1] + 1
		l.newlines = append(l.newlines[:0], l.newlines[i:]...)
	}
	return l.line
}
