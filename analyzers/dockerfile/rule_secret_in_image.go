package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleSecretInImage = finding.Rule{
	ID:       "docker-secret-in-image",
	Title:    "Secret written into ENV or ARG",
	Layer:    finding.Container,
	Severity: finding.High,
	Description: "An ENV or ARG whose name says it holds a credential (PASSWORD, SECRET, TOKEN, " +
		"API_KEY, PRIVATE_KEY, AWS_SECRET_ACCESS_KEY, …) is given a literal value in the " +
		"Dockerfile. ENV values are stored in the image configuration and ARG defaults in its " +
		"history: anyone who can pull the image, or read the repository, has the secret.",
	Remediation: "Remove the value and rotate the secret; pass secrets to RUN with `RUN --mount=type=secret,id=…` and to containers at run time from a secret store.",
	References:  []string{"CIS-Docker-4.10", "CWE-798", "CWE-538"},
}

func checkSecretInImage(df *dockerfile, r *report) {
	for _, inst := range df.insts {
		if inst.keyword != "env" && inst.keyword != "arg" {
			continue
		}
		for _, v := range declaredVariables(df, inst) {
			if !v.hasValue || !isSecretName(v.name) || !isLiteralSecret(v.value) {
				continue
			}
			r.add(r.at(&ruleSecretInImage, inst.args, v.off, len(v.name),
				fmt.Sprintf("%s sets %s to a literal value, which is stored in the image", strings.ToUpper(inst.keyword), v.name)))
		}
	}
}
