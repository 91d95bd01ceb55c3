package iac

import "github.com/fourcsec/fourc/shared/finding"

var iamFullAdmin = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-iam-full-admin",
		Title:       "IAM policy grants full administrator access",
		Severity:    finding.Critical,
		Description: "An identity policy statement allows Action \"*\" on Resource \"*\", or the AWS managed AdministratorAccess policy is attached. Whoever holds it (a role assumed by a Lambda function, a CI job, a user) can do anything in the account, including creating new credentials for themselves, so one compromised workload becomes a compromised account.",
		Remediation: "Grant only the actions and resources the principal needs (IAM Access Analyzer can generate a policy from CloudTrail activity); keep administrator access for break-glass roles that people assume with MFA.",
		References:  []string{"CIS-AWS-1.16", "AWS-FSBP-IAM.1", "CWE-269"},
	}),
	types: []string{iamPolicy, iamPolicyAttachment},
	run: func(rp *reporter, r *Resource) {
		if r.Type == iamPolicyAttachment {
			arn := r.Attr("policy_arn")
			if s, ok := arn.AsString(); ok && isAdministratorAccess(s) {
				rp.report(arn, "attachment", "the AWS managed AdministratorAccess policy is attached by "+where(r), nil)
			}
			return
		}
		for _, st := range statements(r.Attr("policy")) {
			if !st.allows() || st.starResource() == nil {
				continue
			}
			for _, a := range st.actions {
				if s, ok := a.AsString(); ok && isFullWildcardAction(s) {
					rp.report(a, "policy", "policy "+where(r)+" allows every action on every resource", nil)
					break
				}
			}
		}
	},
}
