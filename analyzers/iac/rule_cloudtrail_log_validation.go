package iac

import "github.com/fourcsec/fourc/shared/finding"

var cloudTrailLogValidation = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-cloudtrail-log-validation",
		Title:       "CloudTrail log file validation is off",
		Severity:    finding.Medium,
		Description: "enable_log_file_validation (EnableLogFileValidation) is false or unset, which means false. Without the signed digest files, nobody can prove that log files were not modified or deleted after delivery, which is what an intruder covering their tracks does.",
		Remediation: "Set enable_log_file_validation = true (EnableLogFileValidation: true).",
		References:  []string{"CIS-AWS-3.2", "AWS-FSBP-CloudTrail.4", "CWE-354"},
	}),
	types: []string{cloudTrail},
	run: func(rp *reporter, r *Resource) {
		v := r.Attr("enable_log_file_validation")
		switch {
		case v.IsFalse():
			rp.report(v, "enable_log_file_validation", "trail "+where(r)+" sets enable_log_file_validation to "+describe(v), rp.replaceBool(v, true, "Turn log file validation on."))
		case v == nil && r.Attrs.Kind == Map:
			rp.report(nil, "enable_log_file_validation", "trail "+where(r)+" does not set enable_log_file_validation, which defaults to false", nil)
		}
	},
}
