package iac

import "github.com/fourcsec/fourc/shared/finding"

var kmsRotation = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-kms-rotation",
		Title:       "KMS key rotation is off",
		Severity:    finding.Medium,
		Description: "A symmetric encryption key does not set enable_key_rotation (EnableKeyRotation) to true; it defaults to false. Automatic rotation replaces the key material yearly (old material still decrypts), limiting how much data one key version protects. Asymmetric and HMAC keys cannot rotate and are not reported.",
		Remediation: "Set enable_key_rotation = true (EnableKeyRotation: true).",
		References:  []string{"CIS-AWS-3.6", "AWS-FSBP-KMS.4", "CWE-324"},
	}),
	types: []string{kmsKey},
	run: func(rp *reporter, r *Resource) {
		if r.Attrs.Kind != Map {
			return
		}
		if spec := r.Attr("key_spec"); spec != nil && !spec.StringIs("SYMMETRIC_DEFAULT") {
			return // asymmetric, HMAC, or unknown
		}
		if usage := r.Attr("key_usage"); usage != nil && !usage.StringIs("ENCRYPT_DECRYPT") {
			return
		}
		v := r.Attr("enable_key_rotation")
		switch {
		case v.IsFalse():
			rp.report(v, "enable_key_rotation", "KMS key "+where(r)+" sets enable_key_rotation to "+describe(v), rp.replaceBool(v, true, "Rotate the key yearly."))
		case v == nil:
			rp.report(nil, "enable_key_rotation", "KMS key "+where(r)+" does not set enable_key_rotation, which defaults to false", nil)
		}
	},
}
