package iac

import (
	"strconv"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var iamWildcardResource = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-iam-wildcard-resource",
		Title:       "IAM policy allows sensitive actions on every resource",
		Severity:    finding.High,
		Description: "An identity policy statement allows, on Resource \"*\" (or an ARN naming every resource of a type in every account and region, such as arn:aws:iam::*:role/*), actions that change resources or read data (iam:PassRole, s3:GetObject, secretsmanager:GetSecretValue, kms:Decrypt, s3:Get*, ...). Read-only metadata actions (Describe*, List*, most Get*) and the telemetry writes that only work on \"*\" (CloudWatch Logs, X-Ray, Lambda VPC network interfaces) are not reported; nor are whole-service wildcards, which aws-iam-wildcard-action reports.",
		Remediation: "Scope Resource to the ARNs the principal needs (the bucket, the secret, the key), or add a Condition that narrows it.",
		References:  []string{"AWS-FSBP-IAM.21", "CWE-269"},
	}),
	types: []string{iamPolicy},
	run: func(rp *reporter, r *Resource) {
		for _, st := range statements(r.Attr("policy")) {
			star := st.wildcardResource()
			if !st.allows() || star == nil {
				continue
			}
			var sensitive []string
			for _, a := range st.actions {
				s, ok := a.AsString()
				if ok && isFullWildcardAction(s) {
					sensitive = nil // aws-iam-full-admin says it all
					break
				}
				if !ok || isServiceWildcardAction(s) {
					continue // unknown, or reported by aws-iam-full-admin / aws-iam-wildcard-action
				}
				if sensitiveAction(s) {
					sensitive = append(sensitive, strconv.Quote(strings.TrimSpace(s)))
				}
			}
			if len(sensitive) == 0 {
				continue
			}
			list := strings.Join(sensitive[:min(len(sensitive), 3)], ", ")
			if len(sensitive) > 3 {
				list += ", and " + strconv.Itoa(len(sensitive)-3) + " more"
			}
			rp.report(star, "policy "+list, "policy "+where(r)+" allows "+list+" on every resource ("+describe(star)+")", nil)
		}
	},
}
