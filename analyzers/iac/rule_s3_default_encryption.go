package iac

import "github.com/fourcsec/fourc/shared/finding"

var s3DefaultEncryption = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-s3-default-encryption",
		Title:       "S3 bucket declares no default encryption",
		Severity:    finding.Low,
		Description: "The bucket has no server-side encryption configuration with a default algorithm. Since 5 January 2023 S3 encrypts every new object with SSE-S3 (AES-256, keys managed by S3) when nothing else is configured, so the data is not stored in the clear; this is low severity and only says that the template does not choose. Choose SSE-KMS when key access must be audited in CloudTrail or revocable, or when a compliance regime asks for a customer-managed key.",
		Remediation: "Declare the encryption explicitly: an aws_s3_bucket_server_side_encryption_configuration (BucketEncryption in CloudFormation) with sse_algorithm aws:kms and a customer-managed key, or AES256 to record the choice of SSE-S3.",
		References:  []string{"CWE-311", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html"},
	}),
	types: []string{s3Bucket},
	run: func(rp *reporter, r *Resource) {
		if r.Partial || r.Attr("sse_algorithm") != nil {
			return
		}
		rp.report(nil, "encryption", "S3 bucket "+where(r)+" declares no default encryption (S3 applies SSE-S3 since January 2023)", nil)
	},
}
