package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleAddLocal = finding.Rule{
	ID:       "docker-add-local-file",
	Title:    "ADD used to copy local files",
	Layer:    finding.Container,
	Severity: finding.Low,
	Description: "ADD copies like COPY but also unpacks local tar archives and fetches URLs. Used " +
		"for plain files it hides that magic from reviewers: a file that later becomes an " +
		"archive is silently extracted into the image. COPY does only what it says. ADD of a " +
		"local .tar/.tar.gz/.tgz/.tar.bz2/.tar.xz archive, which is what ADD is for, is not reported.",
	Remediation: "Use COPY for files and directories from the build context; keep ADD for archives that must be extracted.",
	References:  []string{"CIS-Docker-4.9", "https://github.com/hadolint/hadolint/wiki/DL3020"},
}

// addOnlyFlags are ADD flags COPY does not accept; the fix would break the build if it kept them.
var addOnlyFlags = []string{"checksum", "keep-git-dir", "unpack"}

func checkAddLocal(df *dockerfile, r *report) {
	for _, inst := range df.insts {
		if inst.keyword != "add" {
			continue
		}
		var local []string
		for _, src := range addSources(df, inst) {
			if isURL(src.value) || isGitSource(src.value) || isArchive(src.value) || strings.Contains(src.value, "$") {
				continue // a URL (docker-add-url), an archive ADD exists for, or unknown
			}
			local = append(local, src.value)
		}
		if len(local) == 0 {
			continue
		}
		f := r.atKeyword(&ruleAddLocal, inst, fmt.Sprintf("ADD copies %s from the build context; COPY does the same without ADD's archive and URL handling", strings.Join(local, ", ")))
		if fix := addToCopyFix(df, inst); fix != nil {
			f.Fix = fix
		}
		r.add(f)
	}
}

// addToCopyFix replaces the ADD keyword with COPY on the instruction's first line.
func addToCopyFix(df *dockerfile, inst *instruction) *finding.Fix {
	for _, flag := range addOnlyFlags {
		if hasFlag(inst, flag) {
			return nil
		}
	}
	line, col := inst.full.pos(inst.keywordOff)
	src := df.line(line)
	start := col - 1
	if start+3 > len(src) || !strings.EqualFold(src[start:start+3], "add") {
		return nil
	}
	keyword := "COPY"
	if src[start:start+3] == "add" {
		keyword = "copy"
	}
	return &finding.Fix{
		Description: "Replace ADD with COPY",
		StartLine:   line,
		EndLine:     line,
		Replacement: src[:start] + keyword + src[start+3:],
	}
}

// archiveSuffixes are the local archives ADD extracts (tar, optionally gzip, bzip2, xz or zstd).
var archiveSuffixes = []string{
	".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst",
}

func isArchive(p string) bool {
	p = strings.ToLower(p)
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(p, s) {
			return true
		}
	}
	return false
}
