package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/shell"
	"github.com/fourcsec/fourc/shared/finding"
)

var rulePipeToShell = finding.Rule{
	ID:       "docker-curl-pipe-shell",
	Title:    "Downloaded script piped into a shell",
	Layer:    finding.Container,
	Severity: finding.High,
	Description: "`curl … | sh` (also wget -O-, `bash <(curl …)` and `sh -c \"$(curl …)\"`) runs " +
		"whatever the server returns at build time, with no review and no integrity check. A " +
		"compromised host, a hijacked domain or a man-in-the-middle gets code execution in the " +
		"build and a backdoor in the image, and the server can tell a piped download from a saved " +
		"one and serve the malicious version only then.",
	Remediation: "Download to a file, verify its checksum or signature, then run it: `curl -fsSLo install.sh URL && echo \"SHA256  install.sh\" | sha256sum -c - && sh install.sh`; prefer a distribution package.",
	References:  []string{"CIS-Docker-4.11", "CWE-494", "CWE-829"},
}

// interpreters run a program read from standard input when given no script.
var interpreters = map[string]bool{
	"python": true, "python2": true, "python3": true, "perl": true, "ruby": true, "node": true, "php": true,
}

func checkPipeToShell(df *dockerfile, r *report) {
	for rc := range runCommands(df) {
		if name, ok := downloadsToStdout(rc.cmd); ok {
			for _, later := range rc.pipeline.Commands[rc.index+1:] {
				// The finding is on the program that runs the download: where code execution
				// starts, and on the right line when the pipe is on a continuation line.
				if runner, runnerWord, ok := runsStdin(&later); ok {
					r.add(r.atShellWord(&rulePipeToShell, rc, runnerWord, fmt.Sprintf("RUN pipes a download from %s into %s", name, runner)))
					break
				}
			}
		}
		// bash <(curl …) and sh -c "$(curl …)": the download is the script itself.
		if name, nameWord, args := rc.cmd.Program(); shell.IsShell(name) || interpreters[name] {
			for _, a := range args {
				for _, sub := range a.Substitutions {
					if rc.script.text.approximate {
						continue
					}
					body := rc.script.text.s[min(sub.Start, len(rc.script.text.s)):min(sub.End, len(rc.script.text.s))]
					for _, p := range shell.Parse(body) {
						if len(p.Commands) == 0 {
							continue
						}
						if dl, ok := downloadsToStdout(&p.Commands[0]); ok {
							r.add(r.atShellWord(&rulePipeToShell, rc, nameWord, fmt.Sprintf("RUN runs a script downloaded by %s with %s", dl, name)))
						}
					}
				}
			}
		}
	}
}

// curlOptionsWithValue are curl's short options that take a value, so "-o file" is not read as
// flags; the same set serves wget closely enough for -O and -q.
const curlOptionsWithValue = "odHuXAebcFmrTwxyYzCEKPQtU"

// downloadsToStdout reports a curl or wget command that writes the download to standard output.
func downloadsToStdout(c *shell.Command) (string, bool) {
	name, _, args := c.Program()
	switch name {
	case "curl":
		if shell.HasFlag(args, 'o', curlOptionsWithValue, "--output") || shell.HasFlag(args, 'O', curlOptionsWithValue, "--remote-name", "--remote-name-all") {
			return "", false
		}
		return name, true
	case "wget":
		return name, wgetToStdout(args)
	}
	return "", false
}

// wgetToStdout recognises -O-, -qO-, -O - and --output-document=- (or /dev/stdout).
func wgetToStdout(args []shell.Word) bool {
	isStdout := func(v string) bool { return v == "-" || v == "/dev/stdout" }
	for i, a := range args {
		v := a.Value
		if strings.HasPrefix(v, "--output-document") {
			if _, val, ok := strings.Cut(v, "="); ok {
				return isStdout(val)
			}
			return i+1 < len(args) && isStdout(args[i+1].Value)
		}
		if len(v) >= 2 && v[0] == '-' && v[1] != '-' {
			if o := strings.IndexByte(v, 'O'); o >= 0 {
				if o+1 < len(v) {
					return isStdout(v[o+1:])
				}
				return i+1 < len(args) && isStdout(args[i+1].Value)
			}
		}
	}
	return false
}

// runsStdin reports a shell or interpreter that executes what it reads on standard input: no
// -c/-e script and no script file operand, or an explicit "-"/"-s".
func runsStdin(c *shell.Command) (string, shell.Word, bool) {
	name, nameWord, args := c.Program()
	if !shell.IsShell(name) && !interpreters[name] {
		return "", nameWord, false
	}
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "-" || v == "-s" || v == "--":
			return name, nameWord, true
		case v == "-o" || v == "+o":
			i++
		case strings.HasPrefix(v, "--"), strings.HasPrefix(v, "+"):
		case strings.HasPrefix(v, "-"):
			// The program comes from an option: sh -c SCRIPT, python -c CODE or -m MODULE,
			// perl/ruby/node -e CODE. (For shells -e is errexit and still reads stdin.)
			codeFlags := "cem"
			if shell.IsShell(name) {
				codeFlags = "c"
			}
			if strings.ContainsAny(v[1:], codeFlags) {
				return "", nameWord, false
			}
		default:
			return "", nameWord, false // a script file
		}
	}
	return name, nameWord, true
}
