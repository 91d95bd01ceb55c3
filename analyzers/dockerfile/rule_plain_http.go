package dockerfile

import (
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/shell"
	"github.com/fourcsec/fourc/shared/finding"
)

var rulePlainHTTP = finding.Rule{
	ID:       "docker-plain-http-download",
	Title:    "Download or package source over plain HTTP",
	Layer:    finding.Container,
	Severity: finding.Medium,
	Description: "A RUN step fetches code over unencrypted HTTP: `curl`/`wget` of an http:// URL, a " +
		"pip/npm/gem/apk index or registry at http://, or an APT source line `deb http://…` " +
		"written by the build. Anyone on the network path can replace the download; for APT, " +
		"whose packages are signed, plain HTTP still allows replaying stale metadata that hides " +
		"security updates. Loopback addresses are not reported.",
	Remediation: "Use https:// URLs for downloads, package indexes and repositories, and verify checksums or signatures of what is downloaded.",
	References:  []string{"CIS-Docker-4.11", "CWE-319", "CWE-494"},
}

// packageManagers take index, registry or repository URLs among their arguments.
var packageManagers = map[string]bool{
	"pip": true, "pip3": true, "pipx": true, "uv": true, "poetry": true, "npm": true, "yarn": true,
	"pnpm": true, "gem": true, "bundle": true, "apk": true, "add-apt-repository": true,
	"composer": true, "go": true, "cargo": true, "conda": true, "mamba": true, "micromamba": true,
}

// aptSourceLine matches an APT source entry over HTTP, with or without [options].
var aptSourceLine = regexp.MustCompile(`(?i)\bdeb(-src)?\s+(\[[^\]]*\]\s+)?http://`)

func checkPlainHTTP(df *dockerfile, r *report) {
	for rc := range runCommands(df) {
		name, args := packageManager(rc.cmd)
		fetches := name == "curl" || name == "wget" || packageManagers[name]
		for w := range commandWords(rc.cmd) {
			i := httpURLIndex(w.Raw)
			if i < 0 {
				continue
			}
			switch {
			case aptSourceLine.MatchString(w.Value):
				t := rc.script.text
				r.add(r.at(&rulePlainHTTP, t, w.Offset+i, urlLength(w.Raw[i:]), "RUN adds an APT source over plain HTTP"))
			case fetches && isArg(args, w) && !isLoopback(w.Raw[i:]):
				t := rc.script.text
				r.add(r.at(&rulePlainHTTP, t, w.Offset+i, urlLength(w.Raw[i:]),
					fmt.Sprintf("%s fetches %s over plain HTTP", name, trimURL(w.Raw[i:]))))
			}
		}
	}
}

// commandWords visits a command's assignments, words and redirection targets.
func commandWords(c *shell.Command) iter.Seq[shell.Word] {
	return func(yield func(shell.Word) bool) {
		for _, group := range [][]shell.Word{c.Assignments, c.Words} {
			for _, w := range group {
				if !yield(w) {
					return
				}
			}
		}
		for _, r := range c.Redirects {
			if !yield(r.Target) {
				return
			}
		}
	}
}

// isArg reports whether w is one of args (by position in the script).
func isArg(args []shell.Word, w shell.Word) bool {
	for _, a := range args {
		if a.Offset == w.Offset {
			return true
		}
	}
	return false
}

// httpURLIndex finds "http://" in a word, in any letter case.
func httpURLIndex(raw string) int {
	const scheme = "http://"
	for i := 0; i+len(scheme) <= len(raw); i++ {
		if strings.EqualFold(raw[i:i+len(scheme)], scheme) {
			return i
		}
	}
	return -1
}

// urlLength is the length of the URL at the start of s, up to a quote or blank.
func urlLength(s string) int {
	if end := strings.IndexAny(s, "\"' \t"); end >= 0 {
		return end
	}
	return len(s)
}

func trimURL(s string) string { return s[:urlLength(s)] }

// isLoopback reports a URL to this machine (a health check, a local mirror in the build).
func isLoopback(raw string) bool {
	u, err := url.Parse(trimURL(raw))
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}
