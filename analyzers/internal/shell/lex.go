package shell

import "strings"

type tokenKind int

const (
	wordToken tokenKind = iota
	opToken
)

type token struct {
	kind tokenKind
	op   string // for opToken; "\n" for a newline
	word Word   // for wordToken
	end  int    // offset just after the token
}

// lex splits a script into words and operators. Comments are dropped, and the bodies of
// here-documents are skipped (they are data, not commands).
func lex(s string) []token {
	l := lexer{s: s}
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			l.i++
		case c == '\\' && l.i+1 < len(s) && s[l.i+1] == '\n':
			l.i += 2 // line continuation
		case c == '\\' && l.i+2 < len(s) && s[l.i+1] == '\r' && s[l.i+2] == '\n':
			l.i += 3
		case c == '#':
			for l.i < len(s) && s[l.i] != '\n' {
				l.i++
			}
		case c == '\n':
			l.emitOp("\n", 1)
			l.skipHeredocBodies()
		case c == '<' && l.peek(1) == '(', c == '>' && l.peek(1) == '(':
			l.word() // process substitution, a word of its own
		case strings.IndexByte("|&;()<>", c) >= 0:
			l.operator()
		default:
			l.word()
		}
	}
	return l.toks
}

type lexer struct {
	s    string
	i    int
	toks []token
	// heredocs waiting for the end of the current line: their delimiters, and whether leading
	// tabs are stripped (<<-).
	heredocs []heredoc
}

type heredoc struct {
	delim     string
	stripTabs bool
}

func (l *lexer) peekAt(i int) byte {
	if i < len(l.s) {
		return l.s[i]
	}
	return 0
}

func (l *lexer) peek(n int) byte {
	if l.i+n < len(l.s) {
		return l.s[l.i+n]
	}
	return 0
}

func (l *lexer) emitOp(op string, n int) {
	l.toks = append(l.toks, token{kind: opToken, op: op, end: l.i + n})
	l.i += n
}

// operators lists the control and redirection operators, longest first.
var operators = []string{
	"&>>", "<<-", "<<<", "&&", "||", "|&", ";;", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
	"|", "&", ";", "(", ")", "<", ">",
}

func (l *lexer) operator() {
	rest := l.s[l.i:]
	for _, op := range operators {
		if !strings.HasPrefix(rest, op) {
			continue
		}
		// "2>&1": a file descriptor number written against the operator belongs to it.
		if isRedirectOp(op) && len(l.toks) > 0 {
			prev := &l.toks[len(l.toks)-1]
			if prev.kind == wordToken && prev.end == l.i && isDigits(prev.word.Raw) {
				fd := prev.word.Raw
				l.toks = l.toks[:len(l.toks)-1]
				l.emitOp(fd+op, len(op))
				l.afterRedirect(op)
				return
			}
		}
		l.emitOp(op, len(op))
		l.afterRedirect(op)
		return
	}
	l.i++ // unreachable: every byte operator() is called on starts an operator
}

// afterRedirect remembers a here-document so its body is skipped after the line ends.
func (l *lexer) afterRedirect(op string) {
	if op != "<<" && op != "<<-" {
		return
	}
	for l.i < len(l.s) && (l.s[l.i] == ' ' || l.s[l.i] == '\t') {
		l.i++
	}
	if l.i >= len(l.s) || strings.IndexByte("\n|&;()<>", l.s[l.i]) >= 0 {
		return
	}
	w := l.word()
	if w.Value != "" {
		l.heredocs = append(l.heredocs, heredoc{delim: w.Value, stripTabs: op == "<<-"})
	}
}

// skipHeredocBodies skips, after a newline, the bodies of the here-documents opened on the line.
func (l *lexer) skipHeredocBodies() {
	for _, h := range l.heredocs {
		for l.i < len(l.s) {
			end := strings.IndexByte(l.s[l.i:], '\n')
			line := l.s[l.i:]
			if end >= 0 {
				line = l.s[l.i : l.i+end]
				l.i += end + 1
			} else {
				l.i = len(l.s)
			}
			line = strings.TrimSuffix(line, "\r")
			if h.stripTabs {
				line = strings.TrimLeft(line, "\t")
			}
			if line == h.delim {
				break
			}
		}
	}
	l.heredocs = l.heredocs[:0]
}

// plainWordEnd returns the end of a word starting at i that has no quotes, escapes,
// expansions or substitutions, or -1 when the word has any of them.
func plainWordEnd(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', ';', '&', '|', '(', ')', '<', '>':
			return i
		case '\\', '\'', '"', '$', '`':
			return -1
		}
	}
	return i
}

// word scans one word starting at l.i and emits it.
func (l *lexer) word() Word {
	s := l.s
	start := l.i
	// Most words are plain (apt-get, install, -y, /usr/bin): their value is their text.
	if end := plainWordEnd(s, start); end > start && !(end < len(s) && (s[end] == '<' || s[end] == '>') && l.peekAt(end+1) == '(') {
		l.i = end
		w := Word{Raw: s[start:end], Value: s[start:end], Offset: start}
		l.toks = append(l.toks, token{kind: wordToken, word: w, end: end})
		return w
	}
	var val strings.Builder
	w := Word{Offset: start}
loop:
	for l.i < len(s) {
		c := s[l.i]
		switch c {
		case ' ', '\t', '\n', '\r', ';', '&', '|', '(', ')':
			break loop
		case '<', '>':
			if l.peek(1) != '(' {
				break loop
			}
			end, bodyEnd := balanced(s, l.i+2, ')')
			w.Substitutions = append(w.Substitutions, Span{l.i + 2, bodyEnd})
			val.WriteString(s[l.i:end])
			l.i = end
		case '\\':
			w.Quoted = true
			if l.i+1 < len(s) {
				if s[l.i+1] != '\n' {
					val.WriteByte(s[l.i+1])
				}
				l.i += 2
			} else {
				l.i++
			}
		case '\'':
			w.Quoted = true
			end := strings.IndexByte(s[l.i+1:], '\'')
			if end < 0 {
				val.WriteString(s[l.i+1:])
				l.i = len(s)
			} else {
				val.WriteString(s[l.i+1 : l.i+1+end])
				l.i += end + 2
			}
		case '"':
			w.Quoted = true
			l.i++
			for l.i < len(s) && s[l.i] != '"' {
				switch {
				case s[l.i] == '\\' && l.i+1 < len(s):
					if strings.IndexByte("$`\"\\\n", s[l.i+1]) >= 0 {
						if s[l.i+1] != '\n' {
							val.WriteByte(s[l.i+1])
						}
					} else {
						val.WriteString(s[l.i : l.i+2])
					}
					l.i += 2
				case s[l.i] == '$' || s[l.i] == '`':
					l.dollarOrBacktick(&w, &val)
				default:
					val.WriteByte(s[l.i])
					l.i++
				}
			}
			if l.i < len(s) {
				l.i++ // closing quote
			}
		case '$', '`':
			l.dollarOrBacktick(&w, &val)
		default:
			val.WriteByte(c)
			l.i++
		}
	}
	w.Raw = s[start:l.i]
	w.Value = val.String()
	if l.i == start { // cannot happen, but never loop without progress
		l.i++
		return w
	}
	l.toks = append(l.toks, token{kind: wordToken, word: w, end: l.i})
	return w
}

// dollarOrBacktick copies a parameter expansion, arithmetic or command substitution starting at
// l.i into val verbatim, recording command substitutions on w.
func (l *lexer) dollarOrBacktick(w *Word, val *strings.Builder) {
	s := l.s
	start := l.i
	switch {
	case s[l.i] == '`':
		end := l.i + 1
		for end < len(s) && s[end] != '`' {
			if s[end] == '\\' {
				end++
			}
			end++
		}
		bodyEnd := min(end, len(s))
		w.Substitutions = append(w.Substitutions, Span{l.i + 1, bodyEnd})
		l.i = min(end+1, len(s))
	case l.peek(1) == '(' && l.peek(2) == '(':
		l.i, _ = balanced(s, l.i+2, ')') // $(( arithmetic )): the outer paren closes it
	case l.peek(1) == '(':
		end, bodyEnd := balanced(s, l.i+2, ')')
		w.Substitutions = append(w.Substitutions, Span{l.i + 2, bodyEnd})
		l.i = end
	case l.peek(1) == '{':
		l.i, _ = balanced(s, l.i+2, '}')
	default:
		l.i++
	}
	val.WriteString(s[start:l.i])
}

// balanced finds the close byte that ends a group opened just before i, skipping nested groups
// and quoted text. It returns the offset just after the group and the offset where the group's
// body ends; both are len(s) when the group is never closed.
func balanced(s string, i int, close byte) (end, bodyEnd int) {
	open := byte('(')
	if close == '}' {
		open = '{'
	}
	depth := 1
	for i < len(s) {
		switch c := s[i]; c {
		case '\\':
			i += 2
			continue
		case '\'':
			if close == ')' { // inside ${…} a single quote is usually literal text
				q := strings.IndexByte(s[i+1:], '\'')
				if q < 0 {
					return len(s), len(s)
				}
				i += q + 2
				continue
			}
		case '"':
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + 1, i
			}
		}
		i++
	}
	return len(s), len(s)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
