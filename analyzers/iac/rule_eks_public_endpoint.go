package iac

import "github.com/fourcsec/fourc/shared/finding"

var eksPublicEndpoint = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-eks-public-endpoint",
		Title:       "EKS API endpoint is open to the internet",
		Severity:    finding.High,
		Description: "The cluster's Kubernetes API endpoint is public (endpoint_public_access is true, its default) and public_access_cidrs is unset or contains 0.0.0.0/0 (or another internet-wide range), so anyone can reach the API server and try credentials or unauthenticated exploits against it.",
		Remediation: "Set endpoint_public_access = false and endpoint_private_access = true, reaching the API from the VPC; or restrict public_access_cidrs to the networks that administer the cluster.",
		References:  []string{"AWS-FSBP-EKS.1", "CWE-284"},
	}),
	types: []string{eksCluster},
	run: func(rp *reporter, r *Resource) {
		public := r.Attr("endpoint_public_access")
		if public != nil && !public.IsTrue() {
			return // private, or unknown
		}
		cidrs := r.Attr("public_access_cidrs")
		at := public
		if at == nil {
			at = r.Attr("vpc_config") // the default applies: point at the block that could change it
		}
		if cidrs == nil {
			if r.Attrs.Kind == Map && (at == nil || at.Kind != Unknown) {
				rp.report(at, "endpoint", "EKS cluster "+where(r)+" has a public API endpoint open to 0.0.0.0/0 (public_access_cidrs is unset)", nil)
			}
			return
		}
		items, _ := cidrs.Items()
		for _, c := range items {
			if s, ok := c.AsString(); ok && isInternet(s) {
				rp.report(c, "endpoint", "EKS cluster "+where(r)+" has a public API endpoint open to "+s, nil)
				return
			}
		}
	},
}
