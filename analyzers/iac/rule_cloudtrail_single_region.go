package iac

import "github.com/fourcsec/fourc/shared/finding"

var cloudTrailSingleRegion = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-cloudtrail-single-region",
		Title:       "CloudTrail trail records one region only",
		Severity:    finding.Medium,
		Description: "is_multi_region_trail (IsMultiRegionTrail) is false or unset, which means false. Activity in every other region, where attackers like to start instances precisely because nobody looks, goes unrecorded by this trail.",
		Remediation: "Set is_multi_region_trail = true (IsMultiRegionTrail: true).",
		References:  []string{"CIS-AWS-3.1", "AWS-FSBP-CloudTrail.1", "CWE-778"},
	}),
	types: []string{cloudTrail},
	run: func(rp *reporter, r *Resource) {
		v := r.Attr("is_multi_region_trail")
		switch {
		case v.IsFalse():
			rp.report(v, "is_multi_region_trail", "trail "+where(r)+" sets is_multi_region_trail to "+describe(v), rp.replaceBool(v, true, "Record every region."))
		case v == nil && r.Attrs.Kind == Map:
			rp.report(nil, "is_multi_region_trail", "trail "+where(r)+" does not set is_multi_region_trail, which defaults to false", nil)
		}
	},
}
