package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleSecretBuildArg = finding.Rule{
	ID:       "docker-secret-build-arg",
	Title:    "Secret passed as a build argument",
	Layer:    finding.Container,
	Severity: finding.Medium,
	Description: "An ARG whose name says it holds a credential expects the secret from " +
		"`--build-arg`. Build arguments are recorded in the image history (`docker history`, " +
		"provenance attestations) and in CI logs, and RUN steps that use them bake the value into " +
		"the layer cache.",
	Remediation: "Use a BuildKit secret mount instead: `RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci`, built with `docker build --secret id=npm_token,env=NPM_TOKEN`.",
	References:  []string{"CIS-Docker-4.10", "CWE-214", "https://docs.docker.com/build/building/secrets/"},
}

func checkSecretBuildArg(df *dockerfile, r *report) {
	for _, inst := range df.insts {
		if inst.keyword != "arg" {
			continue
		}
		for _, v := range declaredVariables(df, inst) {
			if !isSecretName(v.name) {
				continue
			}
			if value := strings.TrimSpace(v.value); value != "" && !strings.Contains(value, "$") {
				continue // a literal default: docker-secret-in-image, or a switch like USE_TOKEN=false
			}
			r.add(r.at(&ruleSecretBuildArg, inst.args, v.off, len(v.name),
				fmt.Sprintf("ARG %s takes a secret as a build argument, which is recorded in the image history", v.name)))
		}
	}
}
