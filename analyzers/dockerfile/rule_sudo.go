package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/shell"
	"github.com/fourcsec/fourc/shared/finding"
)

var ruleSudo = finding.Rule{
	ID:       "docker-sudo",
	Title:    "sudo used in RUN",
	Layer:    finding.Container,
	Severity: finding.Medium,
	Description: "RUN commands already run as the current USER; sudo is only needed when the image " +
		"has switched to an unprivileged user and then climbs back to root. It usually means sudo " +
		"is installed and configured in the final image, where it lets any process of that user " +
		"become root, and its TTY and signal handling cause unpredictable builds.",
	Remediation: "Run privileged steps before the USER instruction, or switch with `USER root` … `USER app` around them, and do not install sudo in the image.",
	References:  []string{"CIS-Docker-4.1", "CWE-250", "https://github.com/hadolint/hadolint/wiki/DL3004"},
}

func checkSudo(df *dockerfile, r *report) {
	for rc := range runCommands(df) {
		for _, w := range rc.cmd.Words {
			name := shell.Name(w)
			if name == "sudo" || name == "doas" {
				r.add(r.atShellWord(&ruleSudo, rc, w, fmt.Sprintf("RUN uses %s to run a command as root", name)))
				break
			}
			if !isCommandPrefix(name) && !isAssignmentWord(w.Value) {
				break
			}
		}
	}
}

// isCommandPrefix reports programs that run the command after them (`env FOO=1 sudo …`), so the
// word after them is still in command position.
func isCommandPrefix(name string) bool {
	switch name {
	case "env", "exec", "nohup", "time", "command", "nice":
		return true
	}
	return false
}

// isAssignmentWord reports NAME=value, as env takes before the command it runs.
func isAssignmentWord(v string) bool {
	name, _, ok := strings.Cut(v, "=")
	return ok && name != "" && !strings.HasPrefix(name, "-")
}
