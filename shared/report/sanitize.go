package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

func itoa(n int) string { return strconv.Itoa(n) }

// plural writes "1 file" or "2 files".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

// isUnsafeRune reports runes that must not reach a terminal or a rendered page verbatim: control
// characters (an escape sequence in a hostile file could rewrite the terminal) and the Unicode
// bidirectional controls that make code read differently from how it runs ("Trojan Source").
func isUnsafeRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// replacementRune stands in for an unsafe rune; it is one column wide, so carets stay aligned.
const replacementRune = '\uFFFD'

// safeLine makes a single line of repository text printable: tabs become spaces and every
// other unsafe rune (newlines included) becomes U+FFFD.
func safeLine(s string) string {
	if isSafe(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString(tabWidth)
		case isUnsafeRune(r):
			b.WriteRune(replacementRune)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// safeText is safeLine for text that may span lines: newlines are kept.
func safeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = safeLine(l)
	}
	return strings.Join(lines, "\n")
}

// isSafe reports whether s needs no cleaning; tabs count as unsafe unless allowTab.
func isSafe(s string, allowTab bool) bool {
	for _, r := range s {
		if r == '\t' && allowTab {
			continue
		}
		if isUnsafeRune(r) {
			return false
		}
	}
	return true
}

// oneLine folds text onto a single line for places that cannot hold a newline (a table cell,
// a title).
func oneLine(s string) string {
	return strings.Join(strings.Fields(safeText(s)), " ")
}

// truncatedMarker ends any text cut to fit a limit, so readers know something is missing.
const truncatedMarker = "…(truncated)"

// truncateBytes cuts s to at most limit bytes, on a rune boundary, ending with truncatedMarker.
// Limits are counted in bytes because a byte count never undercounts characters or UTF-16 code
// units, whichever one GitHub means by "characters".
func truncateBytes(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	keep := limit - len(truncatedMarker)
	if keep <= 0 {
		// Not even the marker fits; cut the marker instead of exceeding the limit.
		return cutAtRune(truncatedMarker, limit)
	}
	return cutAtRune(s, keep) + truncatedMarker
}

// cutAtRune returns the longest prefix of s of at most n bytes that does not split a rune.
func cutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// markdownEscaper backslash-escapes every character that could start Markdown or HTML syntax
// in GitHub-flavoured Markdown — emphasis, code, links and images, headings, lists, table cells,
// HTML, entities, autolinks ("www.", "https:", e-mail), @mentions and $math$ — so that text from
// a repository (a file name, a suppression reason) renders as text.
var markdownEscaper = func() *strings.Replacer {
	var pairs []string
	for _, c := range "\\`*_[]()#+-.!|<>~&:@$" {
		pairs = append(pairs, string(c), "\\"+string(c))
	}
	return strings.NewReplacer(pairs...)
}()

// markdownText renders repository text as a single Markdown line.
func markdownText(s string) string {
	return markdownEscaper.Replace(oneLine(s))
}

// markdownCode renders s as inline code, choosing a fence longer than any backtick run inside.
func markdownCode(s string) string {
	s = oneLine(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// tableCode is markdownCode for a table cell: GitHub splits cells at "|" even inside code, unless
// the bar is escaped, and renders the escaped bar without its backslash.
func tableCode(s string) string {
	return strings.ReplaceAll(markdownCode(s), "|", `\|`)
}

// pascalCase turns a rule title into the SARIF rule name code scanning shows: every word
// capitalised, everything but letters and digits removed ("SQL query built from input" →
// "SQLQueryBuiltFromInput").
func pascalCase(s string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r, size := utf8.DecodeRuneInString(word)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(word[size:])
	}
	return b.String()
}
