package dockerfile

import (
	"strings"
)

// addOperand is a source or the destination of an ADD or COPY.
type addOperand struct {
	value string
	off   int // in the instruction's args text
}

// addSources lists an ADD instruction's sources (every operand but the destination), from the
// shell form or the exec (JSON) form. Here-document sources (`ADD <<EOF /x`) are left out.
func addSources(df *dockerfile, inst *instruction) []addOperand {
	var ops []addOperand
	if args := execArgs(inst); args != nil {
		from := 0
		for _, a := range args {
			op := addOperand{value: a}
			if j := strings.Index(inst.args.s[from:], `"`+a+`"`); j >= 0 {
				op.off = from + j + 1
				from = op.off + len(a)
			}
			ops = append(ops, op)
		}
	} else {
		for _, w := range splitWords(inst.args.s, df.escape) {
			ops = append(ops, addOperand{value: w.value, off: w.off})
		}
	}
	if len(ops) < 2 {
		return nil
	}
	var srcs []addOperand
	for _, op := range ops[:len(ops)-1] {
		if !strings.HasPrefix(op.value, "<<") {
			srcs = append(srcs, op)
		}
	}
	return srcs
}

// hasFlag reports whether an instruction carries a builder flag such as --checksum.
func hasFlag(inst *instruction, name string) bool {
	for _, f := range inst.node.Flags {
		if f == "--"+name || strings.HasPrefix(f, "--"+name+"=") {
			return true
		}
	}
	return false
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// isGitSource recognises the Git sources ADD accepts: git@host:repo, and URLs of repositories
// ending in .git, optionally with a #ref.
func isGitSource(s string) bool {
	base, _, _ := strings.Cut(s, "#")
	return strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "git://") || strings.HasSuffix(base, ".git")
}

// gitRefIsCommit reports a Git source pinned to a full commit id ("…repo.git#<40 hex>").
func gitRefIsCommit(s string) bool {
	_, ref, ok := strings.Cut(s, "#")
	if !ok {
		return false
	}
	ref, _, _ = strings.Cut(ref, ":") // "#ref:subdir"
	return isHex(ref, 40)
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// gitRefIsVariable reports a Git source whose ref comes from a variable ("…repo.git#$VERSION").
func gitRefIsVariable(s string) bool {
	_, ref, _ := strings.Cut(s, "#")
	return strings.Contains(ref, "$")
}
