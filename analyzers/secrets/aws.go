package secrets

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var (
	ruleAWSAccessKeyID = finding.Rule{
		ID:       "secret-aws-access-key-id",
		Title:    "AWS access key id in source",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "An AWS access key id (AKIA… for a long-term IAM user key, ASIA… for temporary " +
			"credentials) is committed. The id alone cannot sign requests, but its secret is rarely far " +
			"away: in this file's history, in another file, or in a CI log.",
		Remediation: "Deactivate the key in IAM, look for its secret access key in the repository history, " +
			"and load credentials from the environment, an instance role or a secrets manager instead.",
		References: []string{"CWE-798", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"},
	}
	ruleAWSAccessKeyPair = finding.Rule{
		ID:       "secret-aws-access-key-pair",
		Title:    "AWS access key id with its secret access key",
		Layer:    finding.Code,
		Severity: finding.Critical,
		Description: "An AWS access key id and, within a few lines of it, a 40-character secret access " +
			"key are committed: together they sign AWS API requests with every permission of the IAM " +
			"user or role, from anywhere.",
		Remediation: "Deactivate and delete the key in IAM now, review CloudTrail for its use, remove it " +
			"from the repository history, and load credentials from the environment, an instance role " +
			"or a secrets manager instead.",
		References: []string{"CWE-798", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"},
	}
)

// awsKeyIDPrefixes are the four-byte prefixes of access key ids; A3T is followed by any capital
// or digit. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
var awsKeyIDPrefixes = []string{"AKIA", "ASIA", "ABIA", "ACCA"}

const (
	awsKeyIDLength = 20
	awsSecretLen   = 40
	// awsPairLines is how far, in lines either way, a secret access key is looked for: credential
	// files, .env files and code put the two on neighbouring lines.
	awsPairLines = 5
	// awsPairBytes bounds the window when the lines are long.
	awsPairBytes = 2048
	// awsSecretMinEntropy separates random keys (about 4.9 bits per byte for 40 base64 bytes)
	// from words and paths.
	awsSecretMinEntropy = 4.0
)

func awsDetector() *detector {
	return &detector{
		rules:   []*finding.Rule{&ruleAWSAccessKeyID, &ruleAWSAccessKeyPair},
		anchors: []anchor{{needle: "AKIA"}, {needle: "ASIA"}, {needle: "ABIA"}, {needle: "ACCA"}, {needle: "A3T"}},
		match:   matchAWS,
	}
}

// matchAWS checks an access key id: a known prefix and 16 base32 capitals, between word
// boundaries. AWS's documentation keys (AKIAIOSFODNN7EXAMPLE and other ids ending in EXAMPLE)
// are skipped: they are published, cannot authenticate, and fill SDKs and tutorials; gitleaks
// allowlists them for the same reason.
func matchAWS(f *fileScan, at int) {
	data := f.data
	if at+awsKeyIDLength > len(data) || isAlnum(byteAt(data, at-1)) || isAlnum(byteAt(data, at+awsKeyIDLength)) {
		return
	}
	id := data[at : at+awsKeyIDLength]
	switch {
	case bytes.HasPrefix(id, []byte("A3T")):
		if !isUpper(id[3]) && !isDigit(id[3]) {
			return
		}
	case !hasAnyPrefix(id, awsKeyIDPrefixes):
		return
	}
	for _, c := range id[4:] {
		if !isUpper(c) && !('2' <= c && c <= '7') {
			return
		}
	}
	if bytes.HasSuffix(id, []byte("EXAMPLE")) || looksLikePlaceholder(string(id[4:])) {
		return // AKIAXXXXXXXXXXXXXXXX and the like
	}
	keyID := string(id)
	end := at + awsKeyIDLength
	if secStart, ok := findAWSSecretKey(data, at, end); ok {
		secret := string(data[secStart : secStart+awsSecretLen])
		f.add(&ruleAWSAccessKeyPair, min(at, secStart), max(end, secStart+awsSecretLen), keyID+"\x00"+secret,
			fmt.Sprintf("AWS access key id %s is hard-coded with its secret access key %s %s",
				redact(keyID, 4), redact(secret, 4), relativeLine(data, at, secStart)))
		return
	}
	f.add(&ruleAWSAccessKeyID, at, end, keyID,
		fmt.Sprintf("AWS access key id %s is hard-coded", redact(keyID, 4)))
}

func hasAnyPrefix(b []byte, prefixes []string) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

// findAWSSecretKey looks within awsPairLines lines of the key id for a secret access key: exactly
// 40 bytes of base64 standing alone, random enough, with lower case, upper case and a digit (which
// rules out hex digests such as git commit ids). The candidate nearest the id wins.
func findAWSSecretKey(data []byte, idStart, idEnd int) (int, bool) {
	lo, hi := lineWindow(data, idStart, idEnd, awsPairLines, awsPairBytes)
	best, bestDistance := -1, 0
	for i := lo; i < hi; {
		if !isBase64Std(data[i]) {
			i++
			continue
		}
		j := i + runLength(data, i, len(data)-i, isBase64Std)
		if j-i == awsSecretLen && !isBase64Std(byteAt(data, i-1)) && byteAt(data, j) != '=' && isAWSSecretKey(string(data[i:j])) {
			distance := abs(i - idStart)
			if best < 0 || distance < bestDistance {
				best, bestDistance = i, distance
			}
		}
		i = j
	}
	return best, best >= 0
}

// lineWindow widens [start, end) to whole lines, and lines more either way, but never more than
// maxBytes either way.
func lineWindow(data []byte, start, end, lines, maxBytes int) (lo, hi int) {
	floor := max(0, start-maxBytes)
	lo = start
	for range lines + 1 {
		j := bytes.LastIndexByte(data[floor:lo], '\n')
		if j < 0 {
			lo = floor
			break
		}
		lo = floor + j
	}
	ceiling := min(len(data), end+maxBytes)
	hi = end
	for range lines + 1 {
		j := bytes.IndexByte(data[hi:ceiling], '\n')
		if j < 0 {
			hi = ceiling
			break
		}
		hi += j + 1
	}
	return lo, hi
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func isAWSSecretKey(s string) bool {
	return hasLowerUpperDigit(s) && !strings.HasSuffix(s, "EXAMPLEKEY") && entropy(s) >= awsSecretMinEntropy
}

// relativeLine describes where other is relative to at, for messages: "on the same line",
// "1 line below", "3 lines above".
func relativeLine(data []byte, at, other int) string {
	lo, hi := min(at, other), max(at, other)
	n := bytes.Count(data[lo:hi], []byte{'\n'})
	switch {
	case n == 0:
		return "on the same line"
	case n == 1 && other > at:
		return "1 line below"
	case n == 1:
		return "1 line above"
	case other > at:
		return fmt.Sprintf("%d lines below", n)
	}
	return fmt.Sprintf("%d lines above", n)
}
