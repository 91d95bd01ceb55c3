package secrets

import (
	"fmt"
	"hash/crc32"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleGitHubToken = finding.Rule{
	ID:       "secret-github-token",
	Title:    "GitHub token in source",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "A GitHub token (personal access token ghp_ or github_pat_, OAuth token gho_, " +
		"user-to-server ghu_, server-to-server ghs_ or refresh token ghr_) is committed. It acts " +
		"as its owner on GitHub: reading private repositories, pushing code, changing settings.",
	Remediation: "Revoke the token in GitHub's developer settings (or the app's settings), remove it " +
		"from the repository history, and pass it to the program through a secret store or an " +
		"environment variable.",
	References: []string{"CWE-798", "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation"},
}

// githubTokenKinds are the prefixes of GitHub's token format of 2021: the prefix, 30 random
// base62 bytes and a 6-byte checksum.
// https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
var githubTokenKinds = []struct {
	prefix, kind string
}{
	{"ghp_", "personal access token"},
	{"gho_", "OAuth access token"},
	{"ghu_", "user-to-server token"},
	{"ghs_", "server-to-server token"},
	{"ghr_", "refresh token"},
}

const (
	githubTokenBody = 36 // 30 random bytes and the checksum
	githubRandomLen = 30
	// A fine-grained token is github_pat_, 22 base62 bytes, an underscore and 59 base62 bytes.
	githubPATPrefix = "github_pat_"
	githubPATFirst  = 22
	githubPATSecond = 59
)

func githubDetector() *detector {
	return &detector{
		rules:   []*finding.Rule{&ruleGitHubToken},
		anchors: []anchor{{needle: "gh"}, {needle: githubPATPrefix}}, // gh covers ghp_, gho_, ghu_, ghs_ and ghr_
		match:   matchGitHub,
	}
}

func matchGitHub(f *fileScan, at int) {
	data := f.data
	if isAlnum(byteAt(data, at-1)) {
		return
	}
	if hasPrefixAt(data, at, githubPATPrefix) {
		matchGitHubFineGrained(f, at)
		return
	}
	for _, k := range githubTokenKinds {
		if !hasPrefixAt(data, at, k.prefix) {
			continue
		}
		start, end := at, at+len(k.prefix)+githubTokenBody
		if runLength(data, at+len(k.prefix), githubTokenBody+1, isAlnum) != githubTokenBody {
			return
		}
		token := string(data[start:end])
		// Classic tokens carry a CRC32 of their random part: a failed check means a made-up
		// string such as ghp_1234567890abcdefghijklmnopqrstuvwxyz, never a real token. The
		// checksum is only documented for ghp_ tokens, so the other kinds are judged by their
		// randomness alone.
		if k.prefix == "ghp_" && !githubChecksumValid(token[len(k.prefix):]) {
			return
		}
		if !looksRandom(token[len(k.prefix):]) {
			return
		}
		f.add(&ruleGitHubToken, start, end, token,
			fmt.Sprintf("GitHub %s %s is hard-coded", k.kind, redact(token, len(k.prefix))))
		return
	}
}

func matchGitHubFineGrained(f *fileScan, at int) {
	data := f.data
	first := at + len(githubPATPrefix)
	if runLength(data, first, githubPATFirst+1, isAlnum) != githubPATFirst || byteAt(data, first+githubPATFirst) != '_' {
		return
	}
	second := first + githubPATFirst + 1
	if runLength(data, second, githubPATSecond+1, isAlnum) != githubPATSecond {
		return
	}
	end := second + githubPATSecond
	token := string(data[at:end])
	if !looksRandom(token[len(githubPATPrefix):]) {
		return
	}
	f.add(&ruleGitHubToken, at, end, token,
		fmt.Sprintf("GitHub fine-grained personal access token %s is hard-coded", redact(token, len(githubPATPrefix))))
}

func hasPrefixAt(data []byte, at int, prefix string) bool {
	return at+len(prefix) <= len(data) && string(data[at:at+len(prefix)]) == prefix
}

// base62Digits is the alphabet of GitHub's checksum, digits first, then upper and lower case.
const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// githubChecksumValid checks the last 6 bytes of a token body against the CRC32 (IEEE) of its
// first 30, written in base62 and padded with zeros on the left.
func githubChecksumValid(body string) bool {
	if len(body) != githubTokenBody {
		return false
	}
	return body[githubRandomLen:] == githubChecksum(body[:githubRandomLen])
}

// githubChecksum is the 6-byte base62 checksum GitHub appends to 30 random bytes.
func githubChecksum(random string) string {
	n := crc32.ChecksumIEEE([]byte(random))
	var out [6]byte
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = base62Digits[n%62]
		n /= 62
	}
	return string(out[:])
}
