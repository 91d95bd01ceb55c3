package iac

import (
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var sgPublicRemoteAdmin = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-sg-public-remote-admin",
		Title:       "Security group opens SSH or RDP to the internet",
		Severity:    finding.Critical,
		Description: "An ingress rule admits 0.0.0.0/0 or ::/0 to port 22 (SSH) or 3389 (RDP). Both are scanned and brute-forced continuously from the whole internet, and a weak or leaked credential becomes a shell on the instance. Rules opening every port are reported by aws-sg-public-all-ports instead.",
		Remediation: "Reach instances through AWS Systems Manager Session Manager or EC2 Instance Connect Endpoint, or restrict the rule to a known administration network or VPN range.",
		References:  []string{"CIS-AWS-5.2", "CIS-AWS-5.3", "AWS-FSBP-EC2.13", "AWS-FSBP-EC2.14", "AWS-FSBP-EC2.53", "AWS-FSBP-EC2.54", "CWE-284"},
	}),
	types: []string{securityGroup},
	run: func(rp *reporter, r *Resource) {
		for _, e := range publicIngress(r) {
			if e.allPorts {
				continue
			}
			if admin := e.remoteAdminPorts(); len(admin) > 0 {
				rp.report(e.cidr, "ingress "+e.ports(), "security group "+where(r)+" allows "+e.sources()+" to port "+strings.Join(admin, " and "), nil)
			}
		}
	},
}
