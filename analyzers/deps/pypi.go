package deps

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/pypi"
	"github.com/fourcsec/fourc/shared/finding"
)

type pypiFile struct {
	path       string
	file       *pypi.File
	lines      []string
	constraint bool // read through -c: pins are checked, missing pins are not a problem
}

// requirementsName matches the names pip projects give requirements files: requirements.txt,
// requirements-dev.txt, dev-requirements.txt, requirements/base.txt, constraints.txt.
var requirementsName = regexp.MustCompile(`(^|[-_.])(requirements|constraints)([-_.][^/]*)?\.txt$`)

func isRequirementsFile(p string) bool {
	if inSkippedDir(path.Dir(p)) {
		return false
	}
	base := path.Base(p)
	return requirementsName.MatchString(base) || path.Base(path.Dir(p)) == "requirements" && strings.HasSuffix(base, ".txt")
}

// readPyPI parses the requirements files and the files they include with -r and -c; files
// outside the tree are not followed.
func (sc *scan) readPyPI() []*pypiFile {
	tree := sc.req.Tree
	type pending struct {
		path       string
		constraint bool
	}
	var queue []pending
	for _, f := range tree.Match(isRequirementsFile) {
		queue = append(queue, pending{path: f.Path, constraint: strings.Contains(path.Base(f.Path), "constraints")})
	}
	seen := map[string]bool{}
	var out []*pypiFile
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p.path] {
			continue
		}
		seen[p.path] = true
		data, err := tree.ReadFile(p.path)
		if err != nil {
			sc.diag(p.path, 0, "its requirements were not checked: %v", err)
			continue
		}
		sc.req.Progress.AddFiles(1)
		parsed := pypi.Parse(data)
		for _, inc := range parsed.Includes {
			target := path.Clean(path.Join(path.Dir(p.path), inc.Path))
			if strings.HasPrefix(target, "../") || target == ".." || path.IsAbs(inc.Path) || !tree.Has(target) {
				sc.diag(p.path, inc.Line, "%s is not a file of the scanned tree; its requirements were not checked", inc.Path)
				continue
			}
			queue = append(queue, pending{path: target, constraint: inc.Constraint})
		}
		for _, pr := range parsed.Problems {
			sc.diag(p.path, pr.Line, "%s", pr.Msg)
		}
		out = append(out, &pypiFile{path: p.path, file: parsed, lines: splitLines(data), constraint: p.constraint})
	}
	return out
}

func (f *pypiFile) queries() []osv.Query {
	var out []osv.Query

	for _, r := range f.file.Requirements {
		if r.Version != "" {
			out = append(out, osv.Query{Ecosystem: osv.PyPI, Name: r.Name, Version: r.Version})
		}
	}
	return out
}

// reportUnpinned reports requirements without a single == pin.
func (sc *scan) reportUnpinned(f *pypiFile) {
	if f.constraint || !sc.enabled(rulePyPIUnpinned.ID) {
		return
	}
	for _, r := range f.file.Requirements {
		if r.Version != "" {
			continue
		}
		spec := "no version"
		if r.Specifier != "" {
			spec = r.Specifier
		}
		msg := fmt.Sprintf("%s is not pinned (%s): each install may resolve a different version, and which one runs cannot be checked for vulnerabilities.", r.Name, spec)
		fd := rulePyPIUnpinned.New(f.path, r.Line, r.Column, msg)
		fd.EndColumn = r.EndColumn
		fd.Key = "pypi-unpinned:" + osv.NormalizeName(osv.PyPI, r.Name)
		sc.res.Findings = append(sc.res.Findings, fd)
	}
}

// reportPyPI reports pinned requirements affected by advisories, with a fix that pins the fixed
// version when the line can be edited safely (on one line, without hashes to regenerate).
func (sc *scan) reportPyPI(f *pypiFile, ans answers) {
	if !sc.enabled(rulePyPI.ID) {
		return
	}
	asIs := func(v string) string { return v }
	for _, r := range f.file.Requirements {
		if r.Version == "" {
			continue
		}
		a, ok := ans[keyOf(osv.Query{Ecosystem: osv.PyPI, Name: r.Name, Version: r.Version})]
		if !ok || a.Err != nil {
			continue
		}
		vulns := sc.match(osv.PyPI, r.Name, r.Version, a)
		if len(vulns) == 0 {
			continue
		}
		plan := planFix(osv.PyPI, r.Version, vulns)
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s has %s:", r.Name, r.Version,
			plural(len(vulns), "a known vulnerability", fmt.Sprintf("%d known vulnerabilities", len(vulns))))
		for _, v := range vulns {
			b.WriteString("\n- " + describe(osv.PyPI, r.Version, v, asIs))
		}
		b.WriteString("\n" + plan.sentence("package", asIs))
		fd := rulePyPI.New(f.path, r.Line, r.Column, b.String())
		fd.EndColumn = r.EndColumn
		fd.Severity = advisorySeverity(vulns, rulePyPI.Severity)
		fd.Key = "pypi:" + osv.NormalizeName(osv.PyPI, r.Name)
		fd.References = append(references(vulns, osvPage), fd.References...)
		switch {
		case plan.version == "":
			fd.Remediation = "No fixed version is known yet: remove the package or replace it."
		case r.Hashes:
			fd.Remediation = fmt.Sprintf("Pin %s==%s and regenerate the hashes (pip-compile --generate-hashes).", r.Name, plan.version)
		default:
			fd.Remediation = fmt.Sprintf("Pin %s==%s.", r.Name, plan.version)
		}
		if plan.version != "" && !r.Hashes && r.VersionColumn > 0 && r.Line == r.EndLine {
			if text, ok := lineText(f.lines, r.Line); ok && r.VersionColumn-1+len(r.Version) <= len(text) {
				at := r.VersionColumn - 1
				fd.Fix = &finding.Fix{
					Description: fmt.Sprintf("Pin %s %s", r.Name, plan.version),
					StartLine:   r.Line, EndLine: r.Line,
					Replacement: text[:at] + plan.version + text[at+len(r.Version):],
				}
			}
		}
		sc.res.Findings = append(sc.res.Findings, fd)
	}
}
