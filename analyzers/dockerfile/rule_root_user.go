package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleRootUser = finding.Rule{
	ID:       "docker-root-user",
	Title:    "Container runs as root",
	Layer:    finding.Container,
	Severity: finding.High,
	Description: "The final build stage, which becomes the image, sets no USER or switches back to root, so " +
		"the container's process runs as uid 0. A compromise of that process, or a container " +
		"escape, then starts with root's privileges. Only the final stage matters: builder stages " +
		"may run as root, and a USER set in a stage the final stage builds on is inherited.",
	Remediation: "Create an unprivileged user and switch to it at the end of the final stage, for example `RUN useradd --uid 10001 app` and `USER 10001`.",
	References:  []string{"CIS-Docker-4.1", "CWE-250", "https://github.com/hadolint/hadolint/wiki/DL3002"},
}

func checkRootUser(df *dockerfile, r *report) {
	if len(df.stages) == 0 {
		return
	}
	final := df.stages[len(df.stages)-1]
	visited := map[*stage]bool{}
	for st := final; st != nil && !visited[st]; st = st.base {
		visited[st] = true
		if user := lastUser(st); user != nil {
			name, ok := userName(df, user)
			if ok && isRoot(name) {
				r.add(r.at(&ruleRootUser, user.args, 0, len(strings.TrimSpace(user.args.s)),
					fmt.Sprintf("the image runs as root: the last USER of the final stage is %q", name)))
			}
			return
		}
		if st.base == nil && !runsAsNonRootByDefault(st.image) {
			msg := "the final stage sets no USER, so the container runs as root"
			if st != final {
				msg = fmt.Sprintf("the final stage and the stage %q it builds on set no USER, so the container runs as root", st.name)
			}
			r.add(r.atKeyword(&ruleRootUser, final.from, msg))
		}
	}
}

// lastUser is a stage's last USER instruction, or nil.
func lastUser(st *stage) *instruction {
	for i := len(st.insts) - 1; i >= 0; i-- {
		if st.insts[i].keyword == "user" {
			return st.insts[i]
		}
	}
	return nil
}

// userName is the user part of a USER operand ("app" of "app:app"); false when it comes from a
// variable, whose value the rule cannot know.
func userName(df *dockerfile, inst *instruction) (string, bool) {
	words := splitWords(inst.args.s, df.escape)
	if len(words) == 0 || strings.Contains(words[0].value, "$") {
		return "", false
	}
	name, _, _ := strings.Cut(words[0].value, ":")
	return name, true
}

func isRoot(user string) bool {
	return user == "root" || strings.TrimLeft(user, "0") == "" && user != ""
}

// runsAsNonRootByDefault recognises base images published to run as an unprivileged user, such as
// distroless ":nonroot" tags, which need no USER of their own.
func runsAsNonRootByDefault(image string) bool {
	ref := parseImageRef(strings.ToLower(image))
	return strings.Contains(ref.tag, "nonroot")
}
