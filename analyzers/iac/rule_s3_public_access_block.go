package iac

import "github.com/fourcsec/fourc/shared/finding"

var s3PublicAccessBlock = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-s3-public-access-block",
		Title:       "S3 bucket does not block public access",
		Severity:    finding.Medium,
		Description: "S3 Block Public Access is the guard rail that keeps a mistaken ACL or bucket policy from exposing a bucket. A bucket is reported when no aws_s3_bucket_public_access_block in the same module refers to it (no PublicAccessBlockConfiguration in CloudFormation), and each of the four settings that is false or left unset (unset means false) is reported. Buckets created since April 2023 block public access by default, but only until a template or a console click turns it off, and older buckets never did: declare it.",
		Remediation: "Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to true (BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets in CloudFormation).",
		References:  []string{"CIS-AWS-2.1.4", "AWS-FSBP-S3.8", "CWE-732"},
	}),
	types: []string{s3Bucket},
	run: func(rp *reporter, r *Resource) {
		block := r.Attr("public_access_block")
		if block == nil {
			if !r.Partial {
				rp.report(nil, "public_access_block", "S3 bucket "+where(r)+" has no public access block", nil)
			}
			return
		}
		if block.Kind != Map {
			return
		}
		for _, name := range [...]string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			v := block.Field(name)
			switch {
			case v == nil:
				rp.report(block, name, "public access block of "+where(r)+" leaves "+name+" unset, which means false", nil)
			case v.IsFalse():
				rp.report(v, name, "public access block of "+where(r)+" sets "+name+" to "+describe(v), rp.replaceBool(v, true, "Turn the setting on."))
			}
		}
	},
}
