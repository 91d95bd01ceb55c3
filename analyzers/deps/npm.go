package deps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/fourcsec/fourc/analyzers/deps/npm"
	"github.com/fourcsec/fourc/analyzers/deps/osv"
)

// maxLockfileSize bounds a lockfile read; the tree's usual 8 MB file limit is too small for the
// lockfiles of large monorepos, which the parser streams anyway.
const maxLockfileSize = 512 << 20

type npmFile struct {
	path string
	lock *npm.Lockfile
}

func isNPMLockfile(p string) bool {
	base := path.Base(p)
	return (base == "package-lock.json" || base == "npm-shrinkwrap.json") && !inSkippedDir(path.Dir(p))
}

// readNPM parses the lockfiles.
func (sc *scan) readNPM(ctx context.Context) []*npmFile {
	var out []*npmFile
	for _, f := range sc.req.Tree.Match(isNPMLockfile) {
		if ctx.Err() != nil {
			continue
		}
		lock, err := sc.parseLockfile(ctx, f.Path)
		sc.req.Progress.AddFiles(1)
		if err != nil {
			var se *npm.SyntaxError
			switch {
			case ctx.Err() != nil:
				return out
			case errors.As(err, &se):
				sc.diag(f.Path, se.Line, "not a valid npm lockfile, so its packages were not checked: %s", se.Msg)
			default:
				sc.diag(f.Path, 0, "its packages were not checked: %v", err)
			}
			continue
		}
		out = append(out, &npmFile{path: f.Path, lock: lock})
	}
	return out
}

// parseLockfile streams a lockfile from disk, refusing a path that became a link since the
// tree was listed.
func (sc *scan) parseLockfile(ctx context.Context, rel string) (*npm.Lockfile, error) {
	f, err := os.OpenFile(sc.req.Tree.Abs(rel), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", rel, err)
	}
	defer f.Close()
	limited := &io.LimitedReader{R: f, N: maxLockfileSize + 1}
	lock, err := npm.Parse(ctx, limited)
	if limited.N <= 0 {
		return nil, fmt.Errorf("larger than %d MB", maxLockfileSize>>20)
	}
	return lock, err
}

func (f *npmFile) queries() []osv.Query {
	out := make([]osv.Query, 0, len(f.lock.Packages))
	for _, p := range f.lock.Packages {
		out = append(out, osv.Query{Ecosystem: osv.NPM, Name: p.Name, Version: p.Version})
	}
	return out
}

// reportNPM reports each affected lockfile entry.
func (sc *scan) reportNPM(f *npmFile, ans answers) {
	if !sc.enabled(ruleNPM.ID) {
		return
	}
	for _, p := range f.lock.Packages {
		a, ok := ans[keyOf(osv.Query{Ecosystem: osv.NPM, Name: p.Name, Version: p.Version})]
		if !ok || a.Err != nil {
			continue
		}
		vulns := sc.match(osv.NPM, p.Name, p.Version, a)
		if len(vulns) == 0 {
			continue
		}
		plan := planFix(osv.NPM, p.Version, vulns)
		asIs := func(v string) string { return v }
		var b strings.Builder
		kind := ""
		if p.Dev {
			kind = ", a dev dependency"
		}
		fmt.Fprintf(&b, "%s %s (%s%s) has %s:", p.Name, p.Version, p.Path, kind,
			plural(len(vulns), "a known vulnerability", fmt.Sprintf("%d known vulnerabilities", len(vulns))))
		for _, v := range vulns {
			b.WriteString("\n- " + describe(osv.NPM, p.Version, v, asIs))
		}
		b.WriteString("\n" + plan.sentence("package", asIs))
		fd := ruleNPM.New(f.path, p.Line, p.Column, b.String())
		fd.EndColumn = p.Column + len(p.Path) + 2
		fd.Severity = advisorySeverity(vulns, ruleNPM.Severity)
		fd.Key = "npm:" + p.Path
		fd.References = append(references(vulns, osvPage), fd.References...)
		if plan.version != "" {
			fd.Remediation = fmt.Sprintf("Upgrade %s to %s or later (npm update, or an override in package.json for a transitive dependency) and commit the new lockfile.", p.Name, plan.version)
		} else {
			fd.Remediation = "No fixed version is known yet: remove the package or replace it."
		}
		sc.res.Findings = append(sc.res.Findings, fd)
	}
}
