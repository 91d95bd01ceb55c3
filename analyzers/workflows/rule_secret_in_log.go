package workflows

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/shell"
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var ruleSecretInLog = finding.Rule{
	ID:       "gha-secret-in-log",
	Title:    "Secret printed to the workflow log",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "A `run:` step echoes a secret — `echo ${{ secrets.X }}`, or `echo \"$TOKEN\"` where " +
		"TOKEN comes from secrets — or turns on `set -x`, which prints every command with its " +
		"variables expanded, in a step that uses a secret. The runner masks registered secret " +
		"values, but masking misses transformed values (base64, URL-encoded, split across lines, " +
		"fields of a JSON secret), and logs of public repositories are readable by anyone. Output " +
		"that goes to a file, $GITHUB_ENV or another command's input is not reported.",
	Remediation: "Do not print secrets; pass them to the commands that need them through environment variables or standard input, and drop `set -x` (or turn it off with `set +x` around the lines that use secrets).",
	References:  []string{"CWE-532", "CWE-200"},
}

func checkSecretInLog(f *file, r *report) {
	if f.kind != workflowFile {
		return // composite actions have no secrets context
	}
	for _, js := range f.allSteps() {
		run := js.step.run
		script, ok := yamldoc.String(run)
		if !ok || !f.runsPOSIXShell(js) {
			continue
		}
		secretEnv := secretEnvNames(f.stepEnv(js))
		if len(secretEnv) == 0 && !strings.Contains(script, "secrets.") {
			continue // nothing secret reaches this step; most steps end here, unparsed
		}
		pipes := shell.ParseAll(script)
		for _, p := range pipes {
			if p.Substituted {
				continue // output captured by the enclosing command: `gpg --import <(printf "$KEY")`
			}
			for ci := range p.Commands {
				c := &p.Commands[ci]
				name, nameWord, args := c.Program()
				switch {
				case name == "set" && enablesXtrace(args):
					if secret, ok := usesSecretAfter(script, nameWord.Offset, secretEnv); ok {
						r.add(r.atScalarPart(&ruleSecretInLog, run, nameWord.Offset, nameWord.Raw, len(nameWord.Raw),
							fmt.Sprintf("set -x prints every command with its values expanded, and the script uses %s", secret)))
					}
				case (name == "echo" || name == "printf") && printsToLog(&p, ci):
					for _, a := range args {
						if strings.HasPrefix(a.Value, "::add-mask::") {
							continue // registers a value for masking: the safe way to handle derived secrets
						}
						if off, n, secret, ok := secretInWord(a, secretEnv); ok {
							r.add(r.atScalarPart(&ruleSecretInLog, run, a.Offset+off, a.Raw[off:off+n], n,
								fmt.Sprintf("%s prints %s to the workflow log", name, secret)))
						}
					}
				}
			}
		}
	}
}

// runsPOSIXShell reports whether a step's script is run by bash or sh: the default on Linux and
// macOS runners, unless shell: (on the step or in defaults.run) says otherwise.
func (f *file) runsPOSIXShell(js jobStep) bool {
	sh := js.step.shell
	if sh == nil && js.job != nil {
		sh = yamldoc.Path(js.job.node, "defaults", "run", "shell")
	}
	if sh == nil {
		sh = yamldoc.Path(f.root, "defaults", "run", "shell")
	}
	v, ok := yamldoc.String(sh)
	if !ok {
		return true
	}
	fields := strings.Fields(v)
	return len(fields) > 0 && shell.IsShell(fields[0])
}

// secretEnvNames maps the environment variables whose value comes from secrets to the secret.
func secretEnvNames(env map[string]envVar) map[string]string {
	out := map[string]string{}
	for name, e := range env {
		value, ok := yamldoc.String(e.value)
		if !ok {
			continue
		}
		if secret, ok := secretReference(value); ok {
			out[name] = secret
		}
	}
	return out
}

// secretReference finds a secrets.X read in the ${{ }} expressions of a string.
func secretReference(s string) (string, bool) {
	for _, sp := range expressions(s) {
		for _, ref := range references(sp.inner) {
			if len(ref.path) >= 1 && ref.path[0] == "secrets" && !ref.safe {
				return ref.String(), true
			}
		}
	}
	return "", false
}

// enablesXtrace recognises set -x, set -ex, set -euxo pipefail and set -o xtrace.
func enablesXtrace(args []shell.Word) bool {
	for i, a := range args {
		v := a.Value
		if v == "-o" && i+1 < len(args) && args[i+1].Value == "xtrace" {
			return true
		}
		if len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.ContainsRune(v[1:], 'x') {
			return true
		}
	}
	return false
}

// usesSecretAfter reports a secret used in the script after offset from: a secrets expression or
// an environment variable holding one.
func usesSecretAfter(script string, from int, secretEnv map[string]string) (string, bool) {
	rest := script[from:]
	if secret, ok := secretReference(rest); ok {
		return secret, true
	}
	for _, ref := range envReferences(rest) {
		if secret, ok := secretEnv[ref.name]; ok {
			return fmt.Sprintf("$%s (%s)", ref.name, secret), true
		}
	}
	return "", false
}

// printsToLog reports whether command ci of a pipeline writes to the job log: it is the last
// command (or feeds tee), and its standard output is not redirected to a file.
func printsToLog(p *shell.Pipeline, ci int) bool {
	if ci+1 < len(p.Commands) {
		next, _, _ := p.Commands[ci+1].Program()
		if next != "tee" {
			return false
		}
	}
	for _, r := range p.Commands[ci].Redirects {
		op := strings.TrimLeft(r.Op, "0123456789")
		fd := r.Op[:len(r.Op)-len(op)]
		if fd != "" && fd != "1" || !strings.HasPrefix(op, ">") && !strings.HasPrefix(op, "&>") {
			continue // input, or another descriptor
		}
		target := r.Target.Value
		if op == ">&" && (target == "2" || target == "1") || target == "/dev/stderr" || target == "/dev/stdout" {
			continue // still the log
		}
		return false
	}
	return true
}

// secretInWord finds a secret a word expands: a ${{ secrets.X }} expression or a $NAME of a
// secret-bearing variable outside single quotes. It returns the offset and length in the word's
// raw text.
func secretInWord(w shell.Word, secretEnv map[string]string) (off, n int, secret string, ok bool) {
	for _, sp := range expressions(w.Raw) {
		if s, found := secretReference(w.Raw[sp.start:sp.end]); found {
			return sp.start, sp.end - sp.start, s, true
		}
	}
	for _, ref := range envReferences(w.Raw) {
		if s, found := secretEnv[ref.name]; found {
			return ref.off, ref.length, fmt.Sprintf("$%s (%s)", ref.name, s), true
		}
	}
	return 0, 0, "", false
}

// envRef is a $NAME or ${NAME…} in shell text.
type envRef struct {
	name        string
	off, length int
}

// envReferences lists the variable expansions of shell text, skipping single-quoted parts
// (which the shell does not expand) and ${{ }} expressions.
func envReferences(s string) []envRef {
	var out []envRef
	inSingle, inDouble := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' && !inDouble:
			inSingle = !inSingle
		case c == '"' && !inSingle:
			inDouble = !inDouble
		case c == '\\':
			i++
		case c == '$' && !inSingle && i+1 < len(s):
			start := i
			j := i + 1
			braced := s[j] == '{'
			if braced {
				if j+1 < len(s) && s[j+1] == '{' {
					continue // ${{ expression }}
				}
				j++
			}
			k := j
			for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || k > j && s[k] >= '0' && s[k] <= '9') {
				k++
			}
			if k == j {
				continue
			}
			end := k
			if braced {
				if close := strings.IndexByte(s[k:], '}'); close >= 0 {
					end = k + close + 1
				}
			}
			out = append(out, envRef{name: s[j:k], off: start, length: end - start})
			i = end - 1
		}
	}
	return out
}
