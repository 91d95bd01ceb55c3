package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var (
	rulePrivateKey = finding.Rule{
		ID:       "secret-private-key",
		Title:    "Private key in source",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "An unencrypted private key (PEM RSA, EC, DSA, PKCS #8, OpenSSH or a PGP private key " +
			"block) is committed. Whoever reads the repository can impersonate its owner: sign, decrypt, " +
			"log in over SSH or serve TLS as you.",
		Remediation: "Treat the key as compromised: revoke or replace it (new key pair, new certificate, " +
			"remove it from authorized_keys), remove the file from the repository history, and keep keys " +
			"in a secret store or generate them at deploy time.",
		References: []string{"CWE-798", "CWE-321"},
	}
	ruleEncryptedPrivateKey = finding.Rule{
		ID:       "secret-encrypted-private-key",
		Title:    "Passphrase-protected private key in source",
		Layer:    finding.Code,
		Severity: finding.Medium,
		Description: "A private key protected by a passphrase (PKCS #8 ENCRYPTED PRIVATE KEY, a PEM block " +
			"with Proc-Type 4,ENCRYPTED, or an OpenSSH key with a cipher) is committed. It is useless " +
			"without the passphrase, but anyone can now try passphrases offline, as fast as they like.",
		Remediation: "Replace the key if its passphrase is weak or stored anywhere near the repository, and " +
			"keep keys out of source control.",
		References: []string{"CWE-321", "CWE-522"},
	}
)

const (
	pemBegin = "-----BEGIN "
	pemEnd   = "-----END"
	// pemMaxBlock bounds the search for the footer; PGP key blocks with many subkeys are the largest.
	pemMaxBlock = 64 << 10
	// A real key's body is hundreds of base64 bytes of about six bits of entropy each; a
	// placeholder such as "MIIE...\n..." or "<your key here>" is short or repetitive.
	pemMinBody       = 64
	pemMinEntropy    = 4.5
	opensshMagic     = "openssh-key-v1\x00"
	opensshHeadBytes = 96 // enough base64 to read the magic and the cipher name
)

func privateKeyDetector() *detector {
	return &detector{
		rules:   []*finding.Rule{&rulePrivateKey, &ruleEncryptedPrivateKey},
		anchors: []anchor{{needle: "PRIVATE KEY"}},
		match:   matchPrivateKey,
	}
}

// matchPrivateKey is called at PRIVATE KEY and looks back on the line for -----BEGIN, so that
// certificates and public keys, far more common, cost nothing.
func matchPrivateKey(f *fileScan, at int) {
	data := f.data
	if !hasPrefixAt(data, at, "PRIVATE KEY") {
		return
	}
	lineStart := bytes.LastIndexByte(data[:at], '\n') + 1
	begin := bytes.LastIndex(data[max(lineStart, at-40):at], []byte(pemBegin))
	if begin < 0 {
		return
	}
	begin += max(lineStart, at-40)
	label := strings.TrimSpace(string(data[begin+len(pemBegin) : at]))
	if strings.IndexFunc(label, func(r rune) bool { return !('A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == ' ') }) >= 0 {
		return
	}
	headerEnd := at + len("PRIVATE KEY")
	switch {
	case hasPrefixAt(data, headerEnd, "-----"):
		headerEnd += 5
	case hasPrefixAt(data, headerEnd, " BLOCK-----"):
		headerEnd += len(" BLOCK-----")
	default:
		return
	}
	// The footer must be the next run of dashes: stopping there keeps the work linear in the
	// file however many headers it holds, and a block cut short is not a key.
	window := data[headerEnd:min(len(data), headerEnd+pemMaxBlock)]
	footer := bytes.Index(window, []byte("-----"))
	if footer < 0 || !bytes.HasPrefix(window[footer:], []byte(pemEnd)) {
		return
	}
	body := window[:footer]
	footer += headerEnd
	end := footer + len(pemEnd)
	if i := bytes.Index(data[end:min(len(data), end+64)], []byte("-----")); i >= 0 {
		end += i + 5
	}
	normalized, ok := pemBody(body)
	if !ok {
		return
	}
	what := keyLabel(label)
	lines := bytes.Count(data[begin:end], []byte{'\n'}) + 1
	rule := &rulePrivateKey
	state := "unencrypted "
	if label == "ENCRYPTED" || bytes.Contains(body, []byte("Proc-Type: 4,ENCRYPTED")) ||
		label == "OPENSSH" && opensshCipher(normalized) != "none" {
		rule, state = &ruleEncryptedPrivateKey, "passphrase-protected "
	}
	if label == "PGP" {
		state = "" // the protection of a PGP key is inside its packets
	}
	f.add(rule, begin, end, normalized,
		fmt.Sprintf("%s%s is committed (%d-line block, %d base64 bytes)", state, what, lines, len(normalized)))
}

func keyLabel(label string) string {
	switch label {
	case "":
		return "PKCS #8 private key"
	case "ENCRYPTED":
		return "PKCS #8 private key"
	case "PGP":
		return "PGP private key block"
	case "OPENSSH":
		return "OpenSSH private key"
	}
	return label + " private key"
}

// pemBody keeps the base64 bytes of a PEM body, dropping line breaks, indentation, the quotes and
// \n escapes of a key pasted into a string literal, and PEM headers such as DEK-Info. It reports
// whether the body looks like real key material.
func pemBody(body []byte) (string, bool) {
	var b strings.Builder
	b.Grow(len(body))
	for _, line := range bytes.Split(body, []byte{'\n'}) {
		if bytes.IndexByte(line, ':') >= 0 {
			continue // Proc-Type:, DEK-Info:, Version:, Comment:
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '\\' && i+1 < len(line) {
				i++ // an escape such as \n inside a string literal
				continue
			}
			if isBase64Std(c) || c == '=' {
				b.WriteByte(c)
			}
		}
	}
	s := b.String()
	return s, len(s) >= pemMinBody && entropy(s) >= pemMinEntropy
}

// opensshCipher reads the cipher name from the start of an OpenSSH private key: "none" when the
// key is not encrypted, "" when the body is not an OpenSSH key.
func opensshCipher(body string) string {
	head := body[:min(len(body), opensshHeadBytes)]
	head = head[:len(head)/4*4]
	raw, err := base64.StdEncoding.DecodeString(head)
	if err != nil || !bytes.HasPrefix(raw, []byte(opensshMagic)) {
		return ""
	}
	rest := raw[len(opensshMagic):]
	if len(rest) < 4 {
		return ""
	}
	n := binary.BigEndian.Uint32(rest)
	if uint64(n) > uint64(len(rest)-4) {
		return ""
	}
	return string(rest[4 : 4+n])
}
