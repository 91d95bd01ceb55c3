// Package versions decides which versions an OSV advisory affects, in each ecosystem's own
// ordering: semantic versioning for Go modules (with pseudo-versions and +incompatible) and npm,
// PEP 440 for PyPI. It also finds the smallest upgrade that leaves a package unaffected by all of
// its advisories.
//
// Parsing is left to maintained libraries — golang.org/x/mod/semver and
// github.com/aquasecurity/go-pep440-version — so versions order exactly as the package managers
// order them.
package versions

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"
	"golang.org/x/mod/semver"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
)

// Verdict is the outcome of matching a version against an advisory.
type Verdict int

const (
	// Unknown: the advisory's ranges could not be evaluated for this version (an unparsable
	// version or event); the caller must not count the package as clean.
	Unknown Verdict = iota
	NotAffected
	Affected
)

func (v Verdict) String() string {
	switch v {
	case Affected:
		return "affected"
	case NotAffected:
		return "not affected"
	default:
		return "unknown"
	}
}

// ErrUnsupportedEcosystem is returned for ecosystems whose version ordering fourc does not know.
var ErrUnsupportedEcosystem = errors.New("unsupported ecosystem")

// version is a parsed version of some ecosystem.
type version interface {
	compare(other version) int
}

type semverVersion string // canonical, with the "v" prefix semver needs

func (v semverVersion) compare(o version) int {
	return semver.Compare(string(v), string(o.(semverVersion)))
}

type pep440Version struct{ v pep440.Version }

func (v pep440Version) compare(o version) int { return v.v.Compare(o.(pep440Version).v) }

// parse reads a version as the ecosystem writes it. Go and npm versions are semantic versions;
// OSV writes them without the "v" that golang.org/x/mod/semver wants, Go modules with it.
// Build metadata (+incompatible, +build.5) is kept and, as semver requires, ignored in ordering.
func parse(ecosystem, s string) (v version, err error) {
	s = strings.TrimSpace(s)
	switch ecosystem {
	case osv.Go, osv.NPM:
		c := "v" + strings.TrimPrefix(s, "v")
		if !semver.IsValid(c) {
			return nil, fmt.Errorf("%q is not a semantic version", s)
		}
		if ecosystem == osv.NPM && strings.Count(strings.SplitN(strings.SplitN(c, "-", 2)[0], "+", 2)[0], ".") != 2 {
			// npm versions always have three parts; "1.2" is a range, not a version.
			return nil, fmt.Errorf("%q is not a full npm version", s)
		}
		return semverVersion(c), nil
	case osv.PyPI:
		defer func() {
			if r := recover(); r != nil { // the parser is third-party; odd input must not crash a scan
				v, err = nil, fmt.Errorf("%q is not a PEP 440 version", s)
			}
		}()
		pv, err := pep440.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a PEP 440 version", s)
		}
		return pep440Version{pv}, nil
	default:
		return nil, fmt.Errorf("%s: %w", ecosystem, ErrUnsupportedEcosystem)
	}
}

// Valid reports whether s is a version of the ecosystem.
func Valid(ecosystem, s string) bool {
	_, err := parse(ecosystem, s)
	return err == nil
}

// Compare orders two versions of an ecosystem: -1, 0 or +1.
func Compare(ecosystem, a, b string) (int, error) {
	va, err := parse(ecosystem, a)
	if err != nil {
		return 0, err
	}
	vb, err := parse(ecosystem, b)
	if err != nil {
		return 0, err
	}
	return va.compare(vb), nil
}

// Affects evaluates one affected object of an advisory for a version, per the OSV schema:
// the version is listed in versions, or falls in one of the SEMVER or ECOSYSTEM ranges. Within a
// range the events are sorted by version and the last one at or below the version decides:
// introduced opens, fixed closes at that version, last_affected closes after it; limit caps the
// range. GIT ranges (commit hashes) are skipped: no lockfile records commits.
func Affects(ecosystem, ver string, a *osv.Affected) (Verdict, error) {
	v, err := parse(ecosystem, ver)
	if err != nil {
		return Unknown, err
	}
	var firstErr error
	for _, listed := range a.Versions {
		lv, err := parse(ecosystem, listed)
		if err != nil {
			if strings.TrimSpace(listed) == strings.TrimSpace(ver) {
				return Affected, nil
			}
			continue // other entries in the list may still decide
		}
		if lv.compare(v) == 0 {
			return Affected, nil
		}
	}
	verdict := NotAffected
	for _, r := range a.Ranges {
		if r.Type != osv.RangeSemver && r.Type != osv.RangeEcosystem {
			continue
		}
		in, err := inRange(ecosystem, v, r)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			verdict = Unknown
			continue
		}
		if in {
			return Affected, nil
		}
	}
	return verdict, firstErr
}

// event is a range event with its version parsed; zero marks introduced "0".
type event struct {
	kind string // "introduced", "fixed", "last_affected", "limit"
	v    version
	zero bool
}

func inRange(ecosystem string, v version, r osv.Range) (bool, error) {
	events := make([]event, 0, len(r.Events))
	for _, e := range r.Events {
		kind, raw := eventKind(e)
		if kind == "" {
			return false, errors.New("a range event sets no version")
		}
		if kind == "introduced" && raw == "0" {
			events = append(events, event{kind: kind, zero: true})
			continue
		}
		ev, err := parse(ecosystem, raw)
		if err != nil {
			return false, fmt.Errorf("range event %s: %w", kind, err)
		}
		events = append(events, event{kind: kind, v: ev})
	}
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if a.zero || b.zero {
			return a.zero && !b.zero
		}
		return a.v.compare(b.v) < 0
	})
	affected := false
	for _, e := range events {
		switch e.kind {
		case "introduced":
			if e.zero || v.compare(e.v) >= 0 {
				affected = true
			}
		case "fixed":
			if v.compare(e.v) >= 0 {
				affected = false
			}
		case "last_affected":
			if v.compare(e.v) > 0 {
				affected = false
			}
		case "limit":
			if v.compare(e.v) >= 0 {
				return false, nil
			}
		}
	}
	return affected, nil
}

func eventKind(e osv.Event) (kind, raw string) {
	switch {
	case e.Introduced != "":
		return "introduced", e.Introduced
	case e.Fixed != "":
		return "fixed", e.Fixed
	case e.LastAffected != "":
		return "last_affected", e.LastAffected
	case e.Limit != "":
		return "limit", e.Limit
	}
	return "", ""
}

// SmallestFix returns the smallest version above current that none of the affected objects
// affects — the one upgrade that clears every advisory given — written as the ecosystem writes
// versions in manifests (with "v" for Go). Candidates are the advisories' fixed versions; ok is
// false when none of them clears everything (some advisory has no fix yet, or every fix is
// undone by a later range).
func SmallestFix(ecosystem, current string, affected []*osv.Affected) (fix string, ok bool) {
	cur, err := parse(ecosystem, current)
	if err != nil {
		return "", false
	}
	type candidate struct {
		raw string
		v   version
	}
	var cands []candidate
	for _, a := range affected {
		for _, r := range a.Ranges {
			if r.Type != osv.RangeSemver && r.Type != osv.RangeEcosystem {
				continue
			}
			for _, e := range r.Events {
				if e.Fixed == "" {
					continue
				}
				fv, err := parse(ecosystem, e.Fixed)
				if err == nil && fv.compare(cur) > 0 {
					cands = append(cands, candidate{e.Fixed, fv})
				}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].v.compare(cands[j].v) < 0 })
	for i, c := range cands {
		if i > 0 && cands[i-1].v.compare(c.v) == 0 {
			continue
		}
		clear := true
		for _, a := range affected {
			if verdict, _ := Affects(ecosystem, c.raw, a); verdict != NotAffected {
				clear = false
				break
			}
		}
		if clear {
			if ecosystem == osv.Go {
				return "v" + strings.TrimPrefix(c.raw, "v"), true
			}
			return c.raw, true
		}
	}
	return "", false
}

// goTag matches Go release names: go1.21, go1.21.3, go1.21rc2, go1.9beta1.
var goTag = regexp.MustCompile(`^go(\d+\.\d+)(\.\d+)?((beta|rc)(\d+))?$`)

// GoSemver turns a Go release as go.mod's go and toolchain lines write it ("1.21", "1.21.3",
// "1.21rc2", "go1.21.3", "go1.22.0-custom") into the semantic version the Go vulnerability
// database uses for the stdlib and toolchain modules: v1.21.0, v1.21.3, v1.21.0-rc.2. A go line
// without a patch number means the first release of that line. It returns "" for anything else.
func GoSemver(release string) string {
	tag := strings.TrimSpace(release)
	if !strings.HasPrefix(tag, "go") {
		tag = "go" + tag
	}
	m := goTag.FindStringSubmatch(tag)
	if m == nil {
		// Toolchain names may carry a suffix after the release (go1.22.0-custom, go1.22.0+auto).
		if i := strings.IndexAny(tag, "-+"); i > 0 {
			m = goTag.FindStringSubmatch(tag[:i])
		}
		if m == nil {
			return ""
		}
	}
	v := "v" + m[1]
	if m[2] != "" {
		v += m[2]
	} else {
		v += ".0"
	}
	if m[3] != "" {
		v += "-" + m[4] + "." + m[5]
	}
	if !semver.IsValid(v) {
		return ""
	}
	return v
}

// GoRelease writes a stdlib or toolchain version the way Go names releases (v1.21.5 → go1.21.5,
// v1.20.0 → go1.20, v1.21.0-rc.2 → go1.21rc2, v1.26.0-0 → go1.26.0), for messages and toolchain
// lines.
func GoRelease(v string) string {
	c := semver.Canonical("v" + strings.TrimPrefix(v, "v"))
	if c == "" {
		return v
	}
	pre := semver.Prerelease(c)
	core := strings.TrimPrefix(strings.TrimSuffix(c, pre), "v")
	if pre == "-0" {
		// The database opens a release line's range at "-0", below its first prerelease: the
		// line as a whole.
		pre = ""
	}
	parts := strings.Split(core, ".")
	if len(parts) == 3 && parts[2] == "0" && (pre != "" || semver.Compare(c, "v1.21.0") < 0) {
		// Before Go 1.21 the first release of a line had no ".0"; prereleases never do.
		core = parts[0] + "." + parts[1]
	}
	return "go" + core + strings.ReplaceAll(strings.TrimPrefix(pre, "-"), ".", "")
}
