package iac

import "github.com/fourcsec/fourc/shared/finding"

var sgPublicAllPorts = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-sg-public-all-ports",
		Title:       "Security group opens every port to the internet",
		Severity:    finding.High,
		Description: "An ingress rule admits 0.0.0.0/0 or ::/0 on every protocol (-1) or on the whole TCP or UDP port range, exposing every service on the attached instances, remote administration and databases included.",
		Remediation: "Allow only the ports the service needs, from the sources that need them; put public services behind a load balancer whose security group alone faces the internet.",
		References:  []string{"CIS-AWS-5.2", "CIS-AWS-5.3", "AWS-FSBP-EC2.18", "AWS-FSBP-EC2.19", "CWE-284"},
	}),
	types: []string{securityGroup},
	run: func(rp *reporter, r *Resource) {
		for _, e := range publicIngress(r) {
			if e.allPorts {
				rp.report(e.cidr, "ingress all", "security group "+where(r)+" allows "+e.sources()+" to all ports, SSH and RDP included", nil)
			}
		}
	},
}
