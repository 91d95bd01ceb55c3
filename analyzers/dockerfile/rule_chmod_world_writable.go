package dockerfile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleChmodWorldWritable = finding.Rule{
	ID:       "docker-chmod-world-writable",
	Title:    "chmod makes files world-writable",
	Layer:    finding.Container,
	Severity: finding.Medium,
	Description: "`chmod 777`, `chmod -R 0666`, `chmod a+rwx` or `o+w` lets every user in the container " +
		"modify the files: an unprivileged process that is compromised can then replace binaries, " +
		"scripts or configuration that a more privileged one runs. Directories with the sticky bit " +
		"(`chmod 1777 /tmp`) are the standard exception and are not reported.",
	Remediation: "Grant write access only to the user that needs it: `chown app:app /data && chmod 755 /data` (or 750, 644), or COPY --chown/--chmod.",
	References:  []string{"CWE-732"},
}

func checkChmodWorldWritable(df *dockerfile, r *report) {
	for rc := range runCommands(df) {
		name, _, args := rc.cmd.Program()
		if name != "chmod" {
			continue
		}
		for _, a := range args {
			v := a.Value
			if isChmodOption(v) {
				continue
			}
			if worldWritableMode(v) {
				r.add(r.atShellWord(&ruleChmodWorldWritable, rc, a, fmt.Sprintf("chmod %s makes files writable by every user", v)))
			}
			break // the first operand is the mode; the rest are files
		}
	}
}

// isChmodOption tells chmod's options from modes such as "-w" that also start with a dash.
func isChmodOption(v string) bool {
	if strings.HasPrefix(v, "--") {
		return true
	}
	return len(v) > 1 && v[0] == '-' && strings.Trim(v[1:], "cfvRH") == ""
}

// worldWritableMode reports an octal mode with the others-write bit and no sticky bit, or a
// symbolic mode that gives write to o or a without t.
func worldWritableMode(mode string) bool {
	if n, err := strconv.ParseUint(mode, 8, 32); err == nil {
		return n&0o002 != 0 && n&0o1000 == 0
	}
	for _, clause := range strings.Split(mode, ",") {
		change := strings.TrimLeft(clause, "ugoa") // "+rwx" of "a+rwx"
		who := clause[:len(clause)-len(change)]
		if !strings.ContainsAny(who, "oa") {
			continue // "+w" alone is filtered by the umask; u and g do not reach others
		}
		if strings.ContainsAny(change, "+=") && strings.Contains(change, "w") && !strings.Contains(change, "t") {
			return true
		}
	}
	return false
}
