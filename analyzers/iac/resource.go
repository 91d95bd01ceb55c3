package iac

// Normalised resource types. Both front ends map their resources onto these, with the
// attribute names listed beside each (Terraform's names, so the Terraform adapter is mostly a
// copy), so that every rule is written once.
const (
	// s3Bucket: bucket_name, acl, public_access_block{block_public_acls, block_public_policy,
	// ignore_public_acls, restrict_public_buckets}, sse_algorithm (the default encryption).
	s3Bucket = "s3_bucket"
	// s3BucketPolicy: policy (a policy document).
	s3BucketPolicy = "s3_bucket_policy"
	// securityGroup: ingress (list of {protocol, from_port, to_port, cidr_blocks, ipv6_cidr_blocks}).
	securityGroup = "security_group"
	// iamPolicy: policy (an identity policy document).
	iamPolicy = "iam_policy"
	// iamPolicyAttachment: policy_arn (a managed policy attached to a principal).
	iamPolicyAttachment = "iam_policy_attachment"
	// dbInstance: publicly_accessible, storage_encrypted, kms_key_id, cluster_identifier, source.
	dbInstance = "db_instance"
	// dbCluster: publicly_accessible, storage_encrypted, kms_key_id, engine_mode, source.
	dbCluster = "db_cluster"
	// ebsVolume: encrypted, kms_key_id, source (a snapshot the volume inherits encryption from),
	// default_encryption (the `enabled` of an account-wide default in the same module),
	// implicit_root (true for an instance's root volume that no block device configures).
	ebsVolume = "ebs_volume"
	// ebsEncryptionByDefault: enabled.
	ebsEncryptionByDefault = "ebs_encryption_by_default"
	// eksCluster: vpc_config, endpoint_public_access, public_access_cidrs, enabled_cluster_log_types.
	eksCluster = "eks_cluster"
	// cloudTrail: is_multi_region_trail, enable_log_file_validation.
	cloudTrail = "cloudtrail"
	// kmsKey: enable_key_rotation, key_spec, key_usage.
	kmsKey = "kms_key"
	// lambdaFunctionURL: authorization_type.
	lambdaFunctionURL = "lambda_function_url"
	// lbListener: protocol, default_protocol (HTTP when unset on an application load balancer),
	// default_action (list of {type, redirect_protocol}).
	lbListener = "lb_listener"
)

// Resource is one resource of the normalised model.
type Resource struct {
	// Type is the normalised type, one of the constants above.
	Type string
	// Name is the resource's address in its source: "aws_s3_bucket.logs" or a logical id.
	Name string
	// Source is the type as written: "aws_s3_bucket_acl", "AWS::S3::Bucket".
	Source string
	// Pos is the resource's header: `resource "aws_s3_bucket" "logs" {` or the logical id.
	Pos Pos
	// Attrs is a Map of the normalised attributes, or Unknown when the whole body is (an
	// `!If` around CloudFormation Properties).
	Attrs *Value
	// Partial marks a fragment of a resource defined elsewhere (a standalone security group
	// rule, a bucket ACL whose bucket could not be identified): rules about settings that are
	// missing skip fragments, as the rest of the resource is not in view.
	Partial bool
	// link names the resource a fragment configures (the `bucket` of aws_s3_bucket_acl).
	link *Value
}

// Attr returns a normalised attribute, nil when absent.
func (r *Resource) Attr(name string) *Value { return r.Attrs.Field(name) }

// newResource makes a resource with an empty attribute map.
func newResource(typ, name, source string, pos Pos) *Resource {
	return &Resource{Type: typ, Name: name, Source: source, Pos: pos, Attrs: newMap(pos)}
}
