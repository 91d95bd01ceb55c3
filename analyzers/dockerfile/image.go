package dockerfile

import (
	"strings"
)

// imageRef is a FROM operand split into its parts: registry/name, tag and digest.
type imageRef struct {
	name, tag, digest string
}

// parseImageRef splits "registry:5000/team/app:1.2@sha256:…". The tag is what follows the last
// colon after the last slash, so a registry port is not mistaken for a tag.
func parseImageRef(ref string) imageRef {
	var r imageRef
	ref, r.digest, _ = strings.Cut(ref, "@")
	r.name = ref
	if colon := strings.LastIndexByte(ref, ':'); colon > strings.LastIndexByte(ref, '/') {
		r.name, r.tag = ref[:colon], ref[colon+1:]
	}
	return r
}

// expandArgs substitutes $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:+alt} and
// ${NAME+alt} the way the Dockerfile frontend does for FROM, with the defaults of the ARGs
// declared before the first FROM. It reports false when a value depends on a build argument
// with no default (only `--build-arg` would tell) or on a form it does not model; the rules then
// stay silent rather than guess.
func expandArgs(s string, args map[string]argDefault) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		var name, op, word string
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", false
			}
			expr := s[i+2 : i+2+end]
			i += 2 + end
			n := 0
			for n < len(expr) && isNameByte(expr[n], n) {
				n++
			}
			name, op = expr[:n], expr[n:]
			for _, o := range []string{":-", ":+", "-", "+"} {
				if strings.HasPrefix(op, o) {
					op, word = o, op[len(o):]
					break
				}
			}
			if op != "" && op != ":-" && op != ":+" && op != "-" && op != "+" {
				return "", false // ${NAME%suffix}, ${NAME:?err}: not modelled
			}
		} else {
			n := i + 1
			for n < len(s) && isNameByte(s[n], n-i-1) {
				n++
			}
			name = s[i+1 : n]
			i = n - 1
		}
		if name == "" {
			return "", false
		}
		arg, declared := args[name]
		set := declared && arg.hasDefault
		switch op {
		case "":
			if !set {
				return "", false
			}
			b.WriteString(arg.value)
		case ":-":
			if set && arg.value != "" {
				b.WriteString(arg.value)
			} else if set || !declared {
				b.WriteString(word)
			} else {
				return "", false // declared without default: the build argument decides
			}
		case "-":
			if set {
				b.WriteString(arg.value)
			} else if !declared {
				b.WriteString(word)
			} else {
				return "", false
			}
		case ":+", "+":
			if !set {
				return "", false
			}
			if arg.value != "" || op == "+" {
				b.WriteString(word)
			}
		}
	}
	return b.String(), true
}

func isNameByte(c byte, i int) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
}
