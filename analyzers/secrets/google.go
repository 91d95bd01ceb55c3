package secrets

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleGoogleAPIKey = finding.Rule{
	ID:       "secret-google-api-key",
	Title:    "Google API key in source",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "A Google Cloud API key (AIza…) is committed. Unless it is restricted to some APIs and " +
		"to your apps' referrers or addresses, anyone can spend your quota and budget with it — on the " +
		"Gemini API among others — and read data the APIs expose to key holders.",
	Remediation: "Restrict the key to the APIs and applications that need it, or delete it and create a " +
		"new one in the Google Cloud console, and load it from configuration rather than source.",
	References: []string{"CWE-798", "https://cloud.google.com/docs/authentication/api-keys"},
}

// A Google API key is AIza and 35 base64url bytes.
const (
	googleKeyPrefix = "AIza"
	googleKeyBody   = 35
)

func googleDetector() *detector {
	return &detector{
		rules:   []*finding.Rule{&ruleGoogleAPIKey},
		anchors: []anchor{{needle: googleKeyPrefix}},
		match:   matchGoogle,
	}
}

func matchGoogle(f *fileScan, at int) {
	data := f.data
	if !hasPrefixAt(data, at, googleKeyPrefix) || isBase64URL(byteAt(data, at-1)) {
		return
	}
	bodyStart := at + len(googleKeyPrefix)
	if runLength(data, bodyStart, googleKeyBody+1, isBase64URL) != googleKeyBody {
		return
	}
	end := bodyStart + googleKeyBody
	key := string(data[at:end])
	if !looksRandom(key[len(googleKeyPrefix):]) {
		return
	}
	f.add(&ruleGoogleAPIKey, at, end, key, fmt.Sprintf("Google API key %s is hard-coded", redact(key, len(googleKeyPrefix))))
}
