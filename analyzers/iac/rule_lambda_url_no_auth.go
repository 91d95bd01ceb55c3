package iac

import "github.com/fourcsec/fourc/shared/finding"

var lambdaURLNoAuth = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-lambda-url-no-auth",
		Title:       "Lambda function URL has no authentication",
		Severity:    finding.High,
		Description: "A function URL with authorization_type NONE (AuthType: NONE) lets anyone on the internet invoke the function, and pay for it. That is right only when the function authenticates every request itself, as a webhook receiver verifying an HMAC signature does; then suppress the finding with the reason.",
		Remediation: "Use AWS_IAM and sign requests with SigV4 (or put the function behind API Gateway or CloudFront with an authorizer); if the function authenticates requests itself, suppress with `fourc:ignore aws-lambda-url-no-auth -- how requests are verified`.",
		References:  []string{"CWE-306"},
	}),
	types: []string{lambdaFunctionURL},
	run: func(rp *reporter, r *Resource) {
		v := r.Attr("authorization_type")
		if v.StringIs("NONE") {
			rp.report(v, "authorization_type", "function URL "+where(r)+" accepts unauthenticated requests (authorization type NONE)", rp.replaceString(v, "AWS_IAM", "Require IAM authentication."))
		}
	},
}
