// Package osv reads vulnerability advisories in the OSV format (https://ossf.github.io/osv-schema/)
// from the places fourc gets them: a local directory (a folder of OSV files, or a Go vulnerability
// database in its v1 layout), the Go vulnerability database over HTTPS, and the OSV.dev batch
// query API. Every place sits behind Source, answers by ecosystem and package name, and caches
// what it fetched so that a warm process or a second run does not fetch it again.
package osv

import (
	"encoding/json"
	"strings"
	"time"
)

// The ecosystems fourc checks, spelt as OSV spells them.
const (
	Go   = "Go"
	NPM  = "npm"
	PyPI = "PyPI"
)

// The Go vulnerability database files advisories about the standard library and the go command
// under these module paths.
const (
	StdlibModule    = "stdlib"
	ToolchainModule = "toolchain"
)

// Entry is one advisory. Only the fields fourc reads are kept; unknown fields are ignored so that
// newer schema versions still decode.
type Entry struct {
	ID        string     `json:"id"`
	Modified  string     `json:"modified,omitempty"`
	Published string     `json:"published,omitempty"`
	Withdrawn string     `json:"withdrawn,omitempty"`
	Aliases   []string   `json:"aliases,omitempty"`
	Summary   string     `json:"summary,omitempty"`
	Details   string     `json:"details,omitempty"`
	Affected  []Affected `json:"affected,omitempty"`
	// DatabaseSpecific carries GitHub's severity for npm and PyPI advisories.
	DatabaseSpecific struct {
		Severity string `json:"severity,omitempty"`
	} `json:"database_specific,omitempty"`
}

// Affected is one package an advisory is about, with the versions it affects.
type Affected struct {
	Package  Package  `json:"package"`
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
	// Imports is the Go database's ecosystem_specific.imports: the vulnerable packages of the
	// module and, for each, the vulnerable symbols (empty means every symbol).
	Imports []GoImport `json:"-"`
}

// Package names a package in an ecosystem.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

// Range is one range of affected versions, as an ordered list of events.
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Range types fourc evaluates; GIT ranges name commits, which a lockfile never records.
const (
	RangeSemver    = "SEMVER"
	RangeEcosystem = "ECOSYSTEM"
)

// Event is one boundary of a range; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// GoImport is one vulnerable package of a Go module.
type GoImport struct {
	Path    string   `json:"path"`
	GOOS    []string `json:"goos,omitempty"`
	GOARCH  []string `json:"goarch,omitempty"`
	Symbols []string `json:"symbols,omitempty"`
}

// UnmarshalJSON decodes an affected package, reading ecosystem_specific leniently: its shape
// differs between databases, and an odd one must cost the symbol information, not the advisory.
func (a *Affected) UnmarshalJSON(data []byte) error {
	type plain Affected
	var raw struct {
		plain
		EcosystemSpecific json.RawMessage `json:"ecosystem_specific"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*a = Affected(raw.plain)
	if len(raw.EcosystemSpecific) > 0 && a.Package.Ecosystem == Go {
		var spec struct {
			Imports []GoImport `json:"imports"`
		}
		if json.Unmarshal(raw.EcosystemSpecific, &spec) == nil {
			a.Imports = spec.Imports
		}
	}
	return nil
}

// IsWithdrawn reports whether the advisory was withdrawn at or before now: a withdrawn advisory
// was found to be wrong and must not be reported.
func (e *Entry) IsWithdrawn(now time.Time) bool {
	if e.Withdrawn == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, e.Withdrawn)
	if err != nil {
		return true // a withdrawal with a garbled date is still a withdrawal
	}
	return !t.After(now)
}

// ModifiedTime parses Modified; the zero time when it is missing or malformed.
func (e *Entry) ModifiedTime() time.Time {
	t, err := time.Parse(time.RFC3339, e.Modified)
	if err != nil {
		return time.Time{}
	}
	return t
}

// CVEs and GHSAs: the aliases reviewers search for, in the order the entry lists them.
func (e *Entry) PublicAliases() []string {
	var out []string
	for _, a := range e.Aliases {
		if strings.HasPrefix(a, "CVE-") || strings.HasPrefix(a, "GHSA-") {
			out = append(out, a)
		}
	}
	return out
}

// AffectedFor lists the entry's affected objects for one package.
func (e *Entry) AffectedFor(ecosystem, name string) []*Affected {
	var out []*Affected
	key := NormalizeName(ecosystem, name)
	for i := range e.Affected {
		p := e.Affected[i].Package
		if EcosystemOf(p.Ecosystem) == ecosystem && NormalizeName(ecosystem, p.Name) == key {
			out = append(out, &e.Affected[i])
		}
	}
	return out
}

// EcosystemOf drops the release suffix some databases add to an ecosystem ("Debian:12"), so the
// name can be compared with the ecosystems fourc knows.
func EcosystemOf(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[:i]
	}
	return s
}

// NormalizeName makes package names comparable the way each registry compares them: PyPI
// ignores case and treats runs of '-', '_' and '.' alike (PEP 503); npm names are lowercase by
// rule but older lockfiles may differ in case; Go module paths are case-sensitive.
func NormalizeName(ecosystem, name string) string {
	switch ecosystem {
	case PyPI:
		var b strings.Builder
		sep := false
		for _, r := range strings.ToLower(strings.TrimSpace(name)) {
			if r == '-' || r == '_' || r == '.' {
				sep = true
				continue
			}
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteRune(r)
		}
		return b.String()
	case NPM:
		return strings.ToLower(name)
	default:
		return name
	}
}
