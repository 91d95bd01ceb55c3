package iac

import "github.com/fourcsec/fourc/shared/finding"

var iamWildcardAction = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-iam-wildcard-action",
		Title:       "IAM policy allows every action of a service",
		Severity:    finding.High,
		Description: "An identity policy statement allows \"*\" on specific resources, or a whole service (\"s3:*\", \"iam:*\"). Service-wide grants include the destructive and permission-changing actions of the service (s3:PutBucketPolicy, s3:DeleteBucket, kms:ScheduleKeyDeletion), which the workload almost never needs. Partial wildcards such as s3:Get* are not reported here. \"*\" on every resource is reported by aws-iam-full-admin instead.",
		Remediation: "List the actions the principal uses, for example s3:GetObject and s3:PutObject instead of s3:*.",
		References:  []string{"AWS-FSBP-IAM.21", "CWE-269"},
	}),
	types: []string{iamPolicy},
	run: func(rp *reporter, r *Resource) {
		for _, st := range statements(r.Attr("policy")) {
			if !st.allows() {
				continue
			}
			star := st.starResource() != nil
			anyResource := st.wildcardResource() != nil
			for _, a := range st.actions {
				s, ok := a.AsString()
				switch {
				case !ok:
				case isFullWildcardAction(s) && !star:
					rp.report(a, "policy "+s, "policy "+where(r)+" allows every action (\"*\") on its resources", nil)
				case isServiceWildcardAction(s):
					on := "its resources"
					if anyResource {
						on = "every resource"
					}
					rp.report(a, "policy "+s, "policy "+where(r)+" allows every action of a service, "+describe(a)+", on "+on, nil)
				}
			}
		}
	},
}
