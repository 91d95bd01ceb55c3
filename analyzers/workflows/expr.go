package workflows

import (
	"strings"
)

// span is a ${{ … }} expression in a string: [start, end) covers the delimiters, and inner is
// the expression between them.
type span struct {
	start, end int
	inner      string
}

// expressions finds the ${{ … }} expressions of a string. An expression that is never closed
// runs to the end of the string, as GitHub reports it as an error anyway.
func expressions(s string) []span {
	var out []span
	for i := 0; ; {
		j := strings.Index(s[i:], "${{")
		if j < 0 {
			return out
		}
		start := i + j
		end := len(s)
		inner := s[start+3:]
		if k := closingBraces(s, start+3); k >= 0 {
			end = k + 2
			inner = s[start+3 : k]
		}
		out = append(out, span{start: start, end: end, inner: inner})
		i = end
	}
}

// closingBraces finds the "}}" that ends an expression body starting at i, skipping string
// literals ('…', where a doubled quote stands for one), which may contain braces.
func closingBraces(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case '\'':
			i++
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						i += 2
						continue
					}
					break
				}
				i++
			}
		case '}':
			if i+1 < len(s) && s[i+1] == '}' {
				return i
			}
		}
		i++
	}
	return -1
}

// reference is a property path read by an expression, such as github.event.issue.title, with
// indexes and filters written as "*" (github.event.commits[0].message →
// github.event.commits.*.message).
type reference struct {
	path []string // lowercased, for matching: contexts and properties are case-insensitive
	// written is the path as the workflow spells it, for messages.
	written []string
	// safe is set when the value cannot carry attacker text into the output: an operand of a
	// comparison or of `!`, or an argument of contains/startsWith/endsWith, all of which yield
	// booleans.
	safe bool
}

func (r reference) String() string { return strings.Join(r.written, ".") }

// references lists the property paths an expression reads. It is a lexer-level reading of the
// expression language, enough to tell "the value of github.event.issue.title ends up in the
// text" from "it is compared with something".
func references(expr string) []reference {
	toks := lexExpr(expr)
	var out []reference
	// calls tracks open function calls: their names and whether they are boolean predicates.
	type call struct {
		boolean bool
		depth   int
	}
	var calls []call
	depth := 0
	inBooleanCall := func() bool {
		for _, c := range calls {
			if c.boolean {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == identTok && i+1 < len(toks) && toks[i+1].text == "(":
			calls = append(calls, call{boolean: booleanFunctions[strings.ToLower(t.text)], depth: depth})
		case t.text == "(":
			depth++
		case t.text == ")":
			depth--
			if n := len(calls); n > 0 && calls[n-1].depth == depth {
				calls = calls[:n-1]
			}
		case t.kind == identTok && (i == 0 || toks[i-1].text != "."):
			ref := reference{path: []string{strings.ToLower(t.text)}, written: []string{t.text}}
			start := i
			for i+1 < len(toks) {
				n := toks[i+1]
				if n.text == "." && i+2 < len(toks) && (toks[i+2].kind == identTok || toks[i+2].text == "*") {
					ref.path = append(ref.path, strings.ToLower(toks[i+2].text))
					ref.written = append(ref.written, toks[i+2].text)
					i += 2
					continue
				}
				if n.text == "[" {
					end := matchingBracket(toks, i+1)
					if end == i+3 && toks[i+2].kind == stringTok {
						ref.path = append(ref.path, strings.ToLower(toks[i+2].text))
						ref.written = append(ref.written, toks[i+2].text)
					} else {
						ref.path = append(ref.path, "*")
						ref.written = append(ref.written, "*")
					}
					i = end
					continue
				}
				break
			}
			before, after := "", ""
			if start > 0 {
				before = toks[start-1].text
			}
			if i+1 < len(toks) {
				after = toks[i+1].text
			}
			ref.safe = inBooleanCall() || comparisonOps[before] || comparisonOps[after] || before == "!"
			if !isLiteralKeyword(ref.path) {
				out = append(out, ref)
			}
		}
	}
	return out
}

// booleanFunctions return true or false whatever their arguments contain.
var booleanFunctions = map[string]bool{"contains": true, "startswith": true, "endswith": true}

var comparisonOps = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func isLiteralKeyword(path []string) bool {
	if len(path) != 1 {
		return false
	}
	switch path[0] {
	case "true", "false", "null", "nan", "infinity":
		return true
	}
	return false
}

// matchingBracket returns the index of the "]" closing the "[" at i, or the last token.
func matchingBracket(toks []exprToken, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].text {
		case "[":
			depth++
		case "]":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

type exprTokenKind int

const (
	identTok exprTokenKind = iota
	stringTok
	numberTok
	punctTok
)

type exprToken struct {
	kind exprTokenKind
	text string // a string literal's value, unquoted
}

// lexExpr splits a GitHub Actions expression into identifiers, literals and punctuation.
func lexExpr(s string) []exprToken {
	var out []exprToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			var b strings.Builder
			i++
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			out = append(out, exprToken{stringTok, b.String()})
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && (isIdentStart(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '-') {
				j++
			}
			out = append(out, exprToken{identTok, s[i:j]})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'x' || s[j] == 'e') {
				j++
			}
			out = append(out, exprToken{numberTok, s[i:j]})
			i = j
		default:
			for _, op := range []string{"==", "!=", "<=", ">=", "&&", "||"} {
				if strings.HasPrefix(s[i:], op) {
					out = append(out, exprToken{punctTok, op})
					i += len(op)
					goto next
				}
			}
			out = append(out, exprToken{punctTok, s[i : i+1]})
			i++
		next:
		}
	}
	return out
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// untrustedInputs are the github context properties an outsider controls: the titles, bodies
// and branch names of issues, pull requests, comments, reviews, discussions, commits and wiki
// pages. The list follows GitHub Security Lab's "untrusted input" research, actionlint's
// BuiltinUntrustedInputs and zizmor's template-injection audit; "*" matches any one segment.
var untrustedInputs = [][]string{
	split("github.event.issue.title"),
	split("github.event.issue.body"),
	split("github.event.pull_request.title"),
	split("github.event.pull_request.body"),
	split("github.event.pull_request.head.ref"),
	split("github.event.pull_request.head.label"),
	split("github.event.pull_request.head.repo.default_branch"),
	split("github.event.comment.body"),
	split("github.event.review.body"),
	split("github.event.review_comment.body"),
	split("github.event.discussion.title"),
	split("github.event.discussion.body"),
	split("github.event.pages.*.page_name"),
	split("github.event.commits.*.message"),
	split("github.event.commits.*.author.email"),
	split("github.event.commits.*.author.name"),
	split("github.event.head_commit.message"),
	split("github.event.head_commit.author.email"),
	split("github.event.head_commit.author.name"),
	split("github.event.head_commit.committer.email"),
	split("github.event.head_commit.committer.name"),
	split("github.event.workflow_run.head_branch"),
	split("github.event.workflow_run.display_title"),
	split("github.event.workflow_run.head_commit.message"),
	split("github.event.workflow_run.head_commit.author.email"),
	split("github.event.workflow_run.head_commit.author.name"),
	split("github.event.workflow_run.pull_requests.*.head.ref"),
	split("github.head_ref"),
}

func split(path string) []string { return strings.Split(path, ".") }

// isUntrusted reports whether a reference reads attacker-controlled text: one of
// untrustedInputs, a property below one, or an object that contains one
// (toJSON(github.event.issue) has the title in it). The contexts github and github.event on
// their own count too: toJSON(github.event) serialises every title and body of the event.
func isUntrusted(path []string) bool {
	for _, pattern := range untrustedInputs {
		n := min(len(path), len(pattern))
		if n < 2 {
			continue
		}
		match := true
		for i := 0; i < n; i++ {
			if path[i] != pattern[i] && path[i] != "*" && pattern[i] != "*" {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return len(path) == 1 && path[0] == "github"
}
