package iac

import (
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var s3PublicACL = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-s3-public-acl",
		Title:       "S3 bucket ACL grants access to everyone",
		Severity:    finding.High,
		Description: "A canned ACL of public-read, public-read-write or authenticated-read (PublicRead, PublicReadWrite, AuthenticatedRead in CloudFormation) lets anyone on the internet, or any AWS account, list and read the bucket's objects; public-read-write also lets them write. A bucket whose public access block sets ignore_public_acls is not reported, as S3 then ignores the grant.",
		Remediation: "Use the private ACL (or none, with object ownership BucketOwnerEnforced) and grant access through bucket policies scoped to known principals.",
		References:  []string{"AWS-FSBP-S3.2", "AWS-FSBP-S3.3", "AWS-FSBP-S3.12", "CWE-732"},
	}),
	types: []string{s3Bucket},
	run: func(rp *reporter, r *Resource) {
		acl := r.Attr("acl")
		s, ok := acl.AsString()
		if !ok {
			return
		}
		switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "-", "")) {
		case "publicread", "publicreadwrite", "authenticatedread":
		default:
			return
		}
		if r.Attr("public_access_block").Field("ignore_public_acls").IsTrue() {
			return // S3 ignores public ACLs on this bucket
		}
		// Terraform spells canned ACLs "public-read", CloudFormation "PublicRead".
		private := "private"
		if !strings.Contains(s, "-") && s != strings.ToLower(s) {
			private = "Private"
		}
		rp.report(acl, "acl", "S3 bucket "+where(r)+" has the canned ACL "+describe(acl)+", which grants access to everyone", rp.replaceString(acl, private, "Make the bucket ACL private."))
	},
}
