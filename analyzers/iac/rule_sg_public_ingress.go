package iac

import "github.com/fourcsec/fourc/shared/finding"

var sgPublicIngress = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-sg-public-ingress",
		Title:       "Security group opens a non-web port to the internet",
		Severity:    finding.Medium,
		Description: "An ingress rule admits 0.0.0.0/0 or ::/0 to a port other than 80 and 443. Web ports alone are not reported, since a public load balancer needs them; any other port open to the internet (a database, a cache, an admin console, a debug endpoint) usually is not meant to be. SSH, RDP and all-port rules are reported by their own, more severe rules.",
		Remediation: "Restrict the rule to the networks or security groups that need the port, or serve the service through a load balancer on 443.",
		References:  []string{"AWS-FSBP-EC2.18", "AWS-FSBP-EC2.19", "CWE-284"},
	}),
	types: []string{securityGroup},
	run: func(rp *reporter, r *Resource) {
		for _, e := range publicIngress(r) {
			if e.allPorts || len(e.remoteAdminPorts()) > 0 {
				continue
			}
			if e.from == e.to && (e.from == 80 || e.from == 443) {
				continue
			}
			rp.report(e.cidr, "ingress "+e.ports(), "security group "+where(r)+" allows "+e.sources()+" to "+e.ports(), nil)
		}
	},
}
