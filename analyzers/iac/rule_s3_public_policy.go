package iac

import "github.com/fourcsec/fourc/shared/finding"

var s3PublicPolicy = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-s3-public-policy",
		Title:       "S3 bucket policy allows anyone",
		Severity:    finding.High,
		Description: "A bucket policy statement with Effect Allow, Principal \"*\" (or {\"AWS\": \"*\"}) and no Condition grants its actions to anyone on the internet. Statements with a Condition (a source VPC endpoint, an organisation id) are not reported, as the condition may restrict them.",
		Remediation: "Name the principals that need access, or restrict the statement with a Condition such as aws:SourceVpce or aws:PrincipalOrgID; serve public content through CloudFront with origin access control instead.",
		References:  []string{"AWS-FSBP-S3.2", "AWS-FSBP-S3.3", "CWE-732"},
	}),
	types: []string{s3BucketPolicy},
	run: func(rp *reporter, r *Resource) {
		for _, st := range statements(r.Attr("policy")) {
			if !st.allows() || st.condition != nil {
				continue
			}
			if p, ok := isPublicPrincipal(st.principal); ok {
				rp.report(p, "policy", "bucket policy "+where(r)+" allows Principal \"*\" without a Condition: anyone on the internet gets its actions", nil)
			}
		}
	},
}
