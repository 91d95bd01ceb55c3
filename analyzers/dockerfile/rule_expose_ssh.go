package dockerfile

import (
	"strconv"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleExposeSSH = finding.Rule{
	ID:       "docker-expose-ssh",
	Title:    "SSH port exposed",
	Layer:    finding.Container,
	Severity: finding.Medium,
	Description: "EXPOSE 22 means the image runs an SSH server. Containers are reached with " +
		"`docker exec` or `kubectl exec`; an SSH daemon adds a network-facing service with its own " +
		"credentials, keys baked into the image, and a second process to patch.",
	Remediation: "Remove the SSH server and EXPOSE 22; use `docker exec` / `kubectl exec` or an ephemeral debug container.",
	References:  []string{"CIS-Docker-5.6"},
}

func checkExposeSSH(df *dockerfile, r *report) {
	for _, inst := range df.insts {
		if inst.keyword != "expose" {
			continue
		}
		words := splitWords(inst.args.s, df.escape)
		for i, w := range words {
			if !exposesSSH(w.value) {
				continue
			}
			f := r.at(&ruleExposeSSH, inst.args, w.off, len(w.raw), "EXPOSE "+w.value+" publishes the SSH port")
			f.Fix = removeExposedPortFix(df, inst, words, i)
			r.add(f)
		}
	}
}

// exposesSSH reports a port spec ("22", "22/tcp", "20-25") that covers TCP port 22.
func exposesSSH(spec string) bool {
	ports, proto, _ := strings.Cut(spec, "/")
	if proto != "" && !strings.EqualFold(proto, "tcp") {
		return false
	}
	lo, hi, isRange := strings.Cut(ports, "-")
	if !isRange {
		hi = lo
	}
	first, err1 := strconv.Atoi(lo)
	last, err2 := strconv.Atoi(hi)
	return err1 == nil && err2 == nil && first <= 22 && 22 <= last
}

// removeExposedPortFix drops port i from a one-line EXPOSE, or the whole line when it is the only
// port. Instructions spread over several lines are left to a person.
func removeExposedPortFix(df *dockerfile, inst *instruction, words []dword, i int) *finding.Fix {
	if inst.line != inst.endLine {
		return nil
	}
	if len(words) == 1 {
		return &finding.Fix{Description: "Remove EXPOSE 22", StartLine: inst.line, EndLine: inst.line, Replacement: ""}
	}
	line, col := inst.args.pos(words[i].off)
	src := df.line(line)
	start, end := col-1, col-1+len(words[i].raw)
	if end > len(src) || src[start:end] != words[i].raw {
		return nil
	}
	// take the blank after the port, or before it when it is the last one
	if end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	} else if start > 0 && (src[start-1] == ' ' || src[start-1] == '\t') {
		start--
	}
	return &finding.Fix{Description: "Stop exposing port 22", StartLine: line, EndLine: line, Replacement: src[:start] + src[end:]}
}
