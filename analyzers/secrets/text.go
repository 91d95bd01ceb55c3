package secrets

import (
	"bytes"
	"fmt"
	"math"
	"strings"
)

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// randomEnough compares the entropy of s with what a random string of its length over its
// alphabet would have. Entropy depends on length — 16 random base62 bytes have about 3.8 bits per
// byte, 40 have 4.8 — so one fixed threshold either misses short keys or passes long words. A
// random base62 or base64 string stays above 0.8 of log2(min(length, alphabet)) in 99% of cases
// (measured by simulation from 8 to 64 bytes); hex-like alphabets, with few symbols, repeat more
// and get 0.65, which 99% of random hex strings of 16 bytes or more pass.
func randomEnough(s string) bool {
	alphabet := alphabetSize(s)
	factor := 0.8
	if alphabet <= 10+6+6+1 { // hex, either case, and maybe one separator as in a UUID
		factor = 0.65
	}
	return entropy(s) >= factor*math.Log2(min(float64(len(s)), float64(alphabet)))
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isDigit(c) && !('a' <= c && c <= 'f') && !('A' <= c && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// alphabetSize guesses the alphabet s was drawn from: the classes of bytes it uses (digits,
// lower case, upper case — only a-f when it looks like hex) plus each other byte it contains.
func alphabetSize(s string) int {
	var digit, lower, upper, beyondHex bool
	var others [256]bool
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digit = true
		case isLower(c):
			lower = true
			beyondHex = beyondHex || c > 'f'
		case isUpper(c):
			upper = true
			beyondHex = beyondHex || c > 'F'
		case !others[c]:
			others[c] = true
			n++
		}
	}
	letters := 6
	if beyondHex {
		letters = 26
	}
	if digit {
		n += 10
	}
	if lower {
		n += letters
	}
	if upper {
		n += letters
	}
	return max(n, 2)
}

// redact shows the first show bytes of a secret and its length, never more than a quarter of it,
// so that a short secret is not half printed.
func redact(secret string, show int) string {
	show = min(show, len(secret)/4)
	return fmt.Sprintf("%s…(%d chars)", secret[:show], len(secret))
}

// redactPublicPrefix shows the first public bytes of s, which the caller knows to be a fixed,
// non-secret part such as a URL's host, and the length of the whole.
func redactPublicPrefix(s string, public int) string {
	return fmt.Sprintf("%s…(%d chars)", s[:min(public, len(s))], len(s))
}

// positioner turns byte offsets into 1-based lines and byte columns. Offsets are usually asked
// for in increasing order, so it walks forward from the last answer.
type positioner struct {
	data      []byte
	off       int // the last offset asked for
	line      int // its line
	lineStart int // offset of its line's first byte
}

func newPositioner(data []byte) *positioner { return &positioner{data: data, line: 1} }

func (p *positioner) position(off int) (line, col int) {
	off = min(max(off, 0), len(p.data))
	if off < p.off {
		p.off, p.line, p.lineStart = 0, 1, 0
	}
	between := p.data[p.off:off]
	if n := bytes.Count(between, []byte{'\n'}); n > 0 {
		p.line += n
		p.lineStart = p.off + bytes.LastIndexByte(between, '\n') + 1
	}
	p.off = off
	return p.line, off - p.lineStart + 1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) || isLower(c) }

// isBase64URL reports the alphabet of base64url, JWT segments and many token bodies.
func isBase64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// isBase64Std reports the alphabet of standard base64 without padding.
func isBase64Std(c byte) bool { return isAlnum(c) || c == '+' || c == '/' }

// byteAt is data[i], or 0 outside data, so that boundary checks need no bounds tests.
func byteAt(data []byte, i int) byte {
	if i < 0 || i >= len(data) {
		return 0
	}
	return data[i]
}

// runLength counts the bytes from data[from] on that satisfy in, up to limit.
func runLength(data []byte, from, limit int, in func(byte) bool) int {
	n := 0
	for from+n < len(data) && n < limit && in(data[from+n]) {
		n++
	}
	return n
}

// hasLowerUpperDigit reports whether s mixes all three, as random base62 and base64 secrets of
// some length almost always do and hex digests, words and paths do not.
func hasLowerUpperDigit(s string) bool {
	var lower, upper, digit bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		lower = lower || isLower(c)
		upper = upper || isUpper(c)
		digit = digit || isDigit(c)
	}
	return lower && upper && digit
}

// charClasses counts which of lower case, upper case, digits and other bytes occur in s.
func charClasses(s string) int {
	var lower, upper, digit, other int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isLower(c):
			lower = 1
		case isUpper(c):
			upper = 1
		case isDigit(c):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// placeholderWords mark values that a person wrote to stand for a secret, not a secret: real
// credentials are random and do not spell these words. They are five bytes or more, or hold bytes
// no token alphabet has, so that a random 40-character token contains one by chance with a
// probability below 1e-4.
var placeholderWords = []string{
	"example", "sample", "dummy", "placeholder", "changeme", "change_me", "change-me", "replace",
	"redacted", "insert", "notreal", "not_real", "foobar", "fixme", "xxxxx", "00000", "12345",
	"abcdef", "qwerty", "letmein", "***", "...", "…",
}

// weakPlaceholderWords are shorter stand-ins. They would reject too many real tokens of a known
// format, so only the generic assignment rule, which guesses from a name and a value alone,
// uses them.
var weakPlaceholderWords = []string{
	"test", "fake", "mock", "your", "todo", "xxx", "secret", "password", "passwd", "token",
	"null", "none", "undefined", "invalid",
}

// looksLikePlaceholder reports values such as `changeme`, `${DB_PASSWORD}`, `{{ .Values.x }}`,
// `<password>`, `xxxxx`, `****`, `%s` and `$TOKEN`: templates, references and stand-ins.
func looksLikePlaceholder(value string) bool {
	if value == "" {
		return true
	}
	switch value[0] {
	case '$', '%', '<', '{', '#', '@', '[', '(':
		return true // ${VAR}, $VAR, %VAR%, %s, <password>, {{ x }}, #{x}, @VAR@, [REDACTED], (hidden)
	}
	if strings.Contains(value, "{{") || strings.Contains(value, "${") || strings.Contains(value, "#{") ||
		strings.Contains(value, "%s") || strings.Contains(value, "%(") {
		return true
	}
	return allSameByte(value) || containsAnyFold(value, placeholderWords)
}

// containsAnyFold reports whether s contains one of the lowercase words, ignoring ASCII case.
func containsAnyFold(s string, words []string) bool {
	lower := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

func allSameByte(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// looksRandom is the test for a token body whose format is already known (`ghp_…`, `sk_live_…`):
// it only has to reject stand-ins like `ghp_xxxxxxxx…` or `sk_live_your_key_here`.
func looksRandom(body string) bool {
	return !looksLikePlaceholder(body) && randomEnough(body)
}
