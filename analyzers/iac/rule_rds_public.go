package iac

import "github.com/fourcsec/fourc/shared/finding"

var rdsPublic = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-rds-public",
		Title:       "RDS database is publicly accessible",
		Severity:    finding.High,
		Description: "publicly_accessible = true (PubliclyAccessible: true) gives the database a public DNS name resolving to a public address; with a permissive security group it is reachable, and brute-forceable, from the internet.",
		Remediation: "Set publicly_accessible to false and reach the database from inside the VPC (an application subnet, a bastion through Session Manager, or RDS Proxy).",
		References:  []string{"CIS-AWS-2.3.3", "AWS-FSBP-RDS.2", "CWE-284"},
	}),
	types: []string{dbInstance, dbCluster},
	run: func(rp *reporter, r *Resource) {
		v := r.Attr("publicly_accessible")
		if v.IsTrue() {
			rp.report(v, "publicly_accessible", "database "+where(r)+" is publicly accessible", rp.replaceBool(v, false, "Make the database private."))
		}
	},
}
