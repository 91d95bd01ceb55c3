package iac

import "strings"

// tfSource is one Terraform resource block, converted, for an adapter.
type tfSource struct {
	module  *tfModule
	typ     string
	address string
	pos     Pos
	attrs   *Value
}

func (s *tfSource) attr(name string) *Value { return s.attrs.Field(name) }

func (s *tfSource) resource(typ string) *Resource {
	r := newResource(typ, s.address, s.typ, s.pos)
	if s.attrs.Kind == Unknown {
		r.Attrs = s.attrs
	}
	return r
}

// fragment is a resource that configures a bucket defined by another block; linkTerraform
// moves its attributes onto that bucket.
func (s *tfSource) fragment(typ string) *Resource {
	r := s.resource(typ)
	r.Partial = true
	r.link = s.attr("bucket")
	return r
}

// terraformAdapters map Terraform resource types onto the normalised model.
var terraformAdapters = map[string]func(s *tfSource) []*Resource{
	"aws_s3_bucket":                                      tfS3Bucket,
	"aws_s3_bucket_acl":                                  tfS3BucketACL,
	"aws_s3_bucket_public_access_block":                  tfS3PublicAccessBlock,
	"aws_s3_bucket_server_side_encryption_configuration": tfS3Encryption,
	"aws_s3_bucket_policy":                               tfPolicyHolder(s3BucketPolicy),
	"aws_security_group":                                 tfSecurityGroup,
	"aws_security_group_rule":                            tfSecurityGroupRule,
	"aws_vpc_security_group_ingress_rule":                tfVPCIngressRule,
	"aws_iam_policy":                                     tfPolicyHolder(iamPolicy),
	"aws_iam_role_policy":                                tfPolicyHolder(iamPolicy),
	"aws_iam_user_policy":                                tfPolicyHolder(iamPolicy),
	"aws_iam_group_policy":                               tfPolicyHolder(iamPolicy),
	"aws_iam_role":                                       tfIAMRole,
	"aws_iam_role_policy_attachment":                     tfPolicyAttachment,
	"aws_iam_user_policy_attachment":                     tfPolicyAttachment,
	"aws_iam_group_policy_attachment":                    tfPolicyAttachment,
	"aws_iam_policy_attachment":                          tfPolicyAttachment,
	"aws_db_instance":                                    tfDBInstance,
	"aws_rds_cluster_instance":                           tfDBClusterInstance,
	"aws_rds_cluster":                                    tfDBCluster,
	"aws_ebs_volume":                                     tfEBSVolume,
	"aws_instance":                                       tfBlockDevices,
	"aws_launch_configuration":                           tfBlockDevices,
	"aws_launch_template":                                tfLaunchTemplate,
	"aws_ebs_encryption_by_default":                      tfEBSDefault,
	"aws_eks_cluster":                                    tfEKSCluster,
	"aws_cloudtrail":                                     tfCloudTrail,
	"aws_kms_key":                                        tfKMSKey,
	"aws_lambda_function_url":                            tfLambdaURL,
	"aws_lb_listener":                                    tfLBListener,
	"aws_alb_listener":                                   tfLBListener,
}

func tfS3Bucket(s *tfSource) []*Resource {
	r := s.resource(s3Bucket)
	r.Attrs.Set("bucket_name", s.attr("bucket"))
	r.Attrs.Set("acl", s.attr("acl"))
	r.Attrs.Set("sse_algorithm", s.attrs.Dig("server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default", "sse_algorithm"))
	out := []*Resource{r}
	if p := s.attr("policy"); p != nil { // the inline policy of provider versions before 4
		pr := s.resource(s3BucketPolicy)
		pr.Attrs.Set("policy", policyDocument(p))
		out = append(out, pr)
	}
	return out
}

func tfS3BucketACL(s *tfSource) []*Resource {
	r := s.fragment(s3Bucket)
	r.Attrs.Set("acl", s.attr("acl"))
	return []*Resource{r}
}

func tfS3PublicAccessBlock(s *tfSource) []*Resource {
	r := s.fragment(s3Bucket)
	r.Attrs.Set("public_access_block", renamed(s.attrs,
		"block_public_acls", "block_public_acls",
		"block_public_policy", "block_public_policy",
		"ignore_public_acls", "ignore_public_acls",
		"restrict_public_buckets", "restrict_public_buckets"))
	return []*Resource{r}
}

func tfS3Encryption(s *tfSource) []*Resource {
	r := s.fragment(s3Bucket)
	r.Attrs.Set("sse_algorithm", s.attrs.Dig("rule", "apply_server_side_encryption_by_default", "sse_algorithm"))
	return []*Resource{r}
}

// tfPolicyHolder adapts resources whose `policy` is a policy document.
func tfPolicyHolder(typ string) func(s *tfSource) []*Resource {
	return func(s *tfSource) []*Resource {
		r := s.resource(typ)
		r.Attrs.Set("policy", policyDocument(s.attr("policy")))
		return []*Resource{r}
	}
}

func tfIAMRole(s *tfSource) []*Resource {
	var out []*Resource
	inline, _ := s.attr("inline_policy").Items()
	for _, p := range inline {
		r := newResource(iamPolicy, s.address+".inline_policy", s.typ, p.Pos)
		r.Attrs.Set("policy", policyDocument(p.Field("policy")))
		out = append(out, r)
	}
	arns, _ := s.attr("managed_policy_arns").Items()
	for _, arn := range arns {
		r := newResource(iamPolicyAttachment, s.address, s.typ, arn.Pos)
		r.Attrs.Set("policy_arn", arn)
		out = append(out, r)
	}
	return out
}

func tfPolicyAttachment(s *tfSource) []*Resource {
	r := s.resource(iamPolicyAttachment)
	r.Attrs.Set("policy_arn", s.attr("policy_arn"))
	return []*Resource{r}
}

func tfSecurityGroup(s *tfSource) []*Resource {
	r := s.resource(securityGroup)
	r.Attrs.Set("ingress", s.attr("ingress")) // Terraform's names are the normalised ones
	return []*Resource{r}
}

func tfSecurityGroupRule(s *tfSource) []*Resource {
	if !s.attr("type").StringIs("ingress") {
		return nil
	}
	r := s.resource(securityGroup)
	r.Partial = true
	r.Attrs.Set("ingress", newList(s.pos, s.attrs))
	return []*Resource{r}
}

func tfVPCIngressRule(s *tfSource) []*Resource {
	r := s.resource(securityGroup)
	r.Partial = true
	rule := renamed(s.attrs, "protocol", "ip_protocol", "from_port", "from_port", "to_port", "to_port")
	if c := s.attr("cidr_ipv4"); c != nil {
		rule.Set("cidr_blocks", newList(c.Pos, c))
	}
	if c := s.attr("cidr_ipv6"); c != nil {
		rule.Set("ipv6_cidr_blocks", newList(c.Pos, c))
	}
	r.Attrs.Set("ingress", newList(s.pos, rule))
	return []*Resource{r}
}

func tfDBInstance(s *tfSource) []*Resource {
	r := s.resource(dbInstance)
	r.Attrs.Set("publicly_accessible", s.attr("publicly_accessible"))
	r.Attrs.Set("storage_encrypted", s.attr("storage_encrypted"))
	r.Attrs.Set("kms_key_id", s.attr("kms_key_id"))
	r.Attrs.Set("source", firstPresent(s.attr("replicate_source_db"), s.attr("snapshot_identifier"), s.attr("restore_to_point_in_time")))
	return []*Resource{r}
}

func tfDBClusterInstance(s *tfSource) []*Resource {
	r := s.resource(dbInstance)
	r.Attrs.Set("publicly_accessible", s.attr("publicly_accessible"))
	cluster := s.attr("cluster_identifier")
	if cluster == nil {
		cluster = unknownAt(s.pos) // required: encryption is the cluster's business
	}
	r.Attrs.Set("cluster_identifier", cluster)
	return []*Resource{r}
}

func tfDBCluster(s *tfSource) []*Resource {
	r := s.resource(dbCluster)
	r.Attrs.Set("storage_encrypted", s.attr("storage_encrypted"))
	r.Attrs.Set("kms_key_id", s.attr("kms_key_id"))
	r.Attrs.Set("engine_mode", s.attr("engine_mode"))
	r.Attrs.Set("source", firstPresent(s.attr("snapshot_identifier"), s.attr("replication_source_identifier"), s.attr("restore_to_point_in_time"), s.attr("global_cluster_identifier")))
	return []*Resource{r}
}

func tfEBSVolume(s *tfSource) []*Resource {
	r := s.resource(ebsVolume)
	r.Attrs.Set("encrypted", s.attr("encrypted"))
	r.Attrs.Set("kms_key_id", s.attr("kms_key_id"))
	r.Attrs.Set("source", s.attr("snapshot_id"))
	return []*Resource{r}
}

// tfBlockDevices makes a volume of each root_block_device and ebs_block_device block of an
// instance or launch configuration. Without a root_block_device block the root volume takes the
// encryption of the AMI's snapshot, which is none for most public AMIs: it becomes an implicit
// volume, unless a launch template (which may configure it) is used.
func tfBlockDevices(s *tfSource) []*Resource {
	var out []*Resource
	if s.attrs.Kind == Map && s.attr("root_block_device") == nil && s.attr("launch_template") == nil {
		r := newResource(ebsVolume, s.address, s.typ, s.pos)
		r.Attrs.Set("implicit_root", &Value{Kind: Bool, Pos: s.pos, Bool: true})
		out = append(out, r)
	}
	for _, kind := range []string{"root_block_device", "ebs_block_device"} {
		devices, _ := s.attr(kind).Items()
		for _, d := range devices {
			r := newResource(ebsVolume, s.address+"."+kind, s.typ, d.Pos)
			if d.Kind == Unknown {
				r.Attrs = d
			}
			r.Attrs.Set("encrypted", d.Field("encrypted"))
			r.Attrs.Set("kms_key_id", d.Field("kms_key_id"))
			r.Attrs.Set("source", d.Field("snapshot_id"))
			out = append(out, r)
		}
	}
	return out
}

func tfLaunchTemplate(s *tfSource) []*Resource {
	var out []*Resource
	mappings, _ := s.attr("block_device_mappings").Items()
	for _, m := range mappings {
		ebs := m.Field("ebs")
		if ebs == nil {
			continue // instance store, or no_device
		}
		ebs = ebs.First()
		r := newResource(ebsVolume, s.address+".block_device_mappings", s.typ, ebs.Pos)
		if ebs.Kind == Unknown {
			r.Attrs = ebs
		}
		r.Attrs.Set("encrypted", ebs.Field("encrypted"))
		r.Attrs.Set("kms_key_id", ebs.Field("kms_key_id"))
		r.Attrs.Set("source", ebs.Field("snapshot_id"))
		out = append(out, r)
	}
	return out
}

func tfEBSDefault(s *tfSource) []*Resource {
	r := s.resource(ebsEncryptionByDefault)
	r.Attrs.Set("enabled", s.attr("enabled"))
	return []*Resource{r}
}

func tfEKSCluster(s *tfSource) []*Resource {
	r := s.resource(eksCluster)
	vpc := s.attr("vpc_config").First()
	r.Attrs.Set("vpc_config", vpc)
	r.Attrs.Set("endpoint_public_access", vpc.Field("endpoint_public_access"))
	r.Attrs.Set("public_access_cidrs", vpc.Field("public_access_cidrs"))
	r.Attrs.Set("enabled_cluster_log_types", s.attr("enabled_cluster_log_types"))
	return []*Resource{r}
}

func tfCloudTrail(s *tfSource) []*Resource {
	r := s.resource(cloudTrail)
	r.Attrs.Set("is_multi_region_trail", s.attr("is_multi_region_trail"))
	r.Attrs.Set("enable_log_file_validation", s.attr("enable_log_file_validation"))
	return []*Resource{r}
}

func tfKMSKey(s *tfSource) []*Resource {
	r := s.resource(kmsKey)
	r.Attrs.Set("enable_key_rotation", s.attr("enable_key_rotation"))
	r.Attrs.Set("key_spec", firstPresent(s.attr("customer_master_key_spec"), s.attr("key_spec")))
	r.Attrs.Set("key_usage", s.attr("key_usage"))
	return []*Resource{r}
}

func tfLambdaURL(s *tfSource) []*Resource {
	r := s.resource(lambdaFunctionURL)
	r.Attrs.Set("authorization_type", s.attr("authorization_type"))
	return []*Resource{r}
}

func tfLBListener(s *tfSource) []*Resource {
	r := s.resource(lbListener)
	r.Attrs.Set("protocol", s.attr("protocol"))
	if s.attr("protocol") == nil && s.attr("certificate_arn") == nil {
		// The protocol defaults to HTTP on an application load balancer; other kinds have
		// none or require one. Only a load balancer of the module says which kind it is.
		lb := s.attr("load_balancer_arn")
		if lb.IsUnknown() && (strings.HasPrefix(lb.Ref, "aws_lb.") || strings.HasPrefix(lb.Ref, "aws_alb.")) {
			if typ, found := s.module.attribute(lb.Ref, "load_balancer_type"); found && (typ == nil || typ.StringIs("application")) {
				r.Attrs.Set("default_protocol", stringAt(s.pos, "HTTP", false))
			}
		}
	}
	r.Attrs.Set("default_action", mapItems(s.attr("default_action"), func(a *Value) *Value {
		out := renamed(a, "type", "type")
		out.Set("redirect_protocol", a.Dig("redirect", "protocol"))
		return out
	}))
	return []*Resource{r}
}

func firstPresent(vs ...*Value) *Value {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// linkTerraform moves the settings of split-out bucket resources (aws_s3_bucket_acl, _public_
// access_block, _server_side_encryption_configuration) onto the bucket their `bucket` refers
// to, by reference (aws_s3_bucket.b.id) or by literal name. A setting whose bucket cannot be
// identified could belong to any bucket of the module, so buckets lacking it get an unknown
// value instead of a "missing" finding. An account-wide public access block, and an account-wide
// EBS default encryption, cover every bucket or volume of the module the same way.
func linkTerraform(m *tfModule, rs []*Resource) []*Resource {
	byAddress := map[string][]*Resource{}
	byName := map[string][]*Resource{}
	var volumes []*Resource
	var ebsDefault *Resource
	for _, r := range rs {
		switch {
		case r.Type == s3Bucket && !r.Partial:
			byAddress[r.Name] = append(byAddress[r.Name], r)
			if name, ok := r.Attr("bucket_name").AsString(); ok {
				byName[name] = append(byName[name], r)
			}
		case r.Type == ebsVolume:
			volumes = append(volumes, r)
		case r.Type == ebsEncryptionByDefault:
			ebsDefault = r
		}
	}
	unresolved := map[string]bool{}
	for _, b := range m.resources {
		if b.typ == "aws_s3_account_public_access_block" {
			unresolved["public_access_block"] = true
		}
	}
	out := rs[:0:0]
	for _, r := range rs {
		if r.link == nil {
			out = append(out, r)
			continue
		}
		var targets []*Resource
		ref := r.link.Ref
		if r.link.Kind == Unknown && strings.HasPrefix(ref, "aws_s3_bucket.") {
			targets = byAddress[ref]
		} else if name, ok := r.link.AsString(); ok {
			targets = byName[name]
		}
		if len(targets) == 0 || r.Attrs.Kind != Map {
			// A reference to a bucket resource that is not in the module (Terraform would
			// refuse it) or to a data source (an existing bucket) cannot mean one of the
			// module's buckets; anything else (a variable, a module output, each.key) may.
			couldBeOurs := r.link.Kind == Unknown && !strings.HasPrefix(ref, "aws_s3_bucket.") && !strings.HasPrefix(ref, "data.")
			for _, k := range r.Attrs.Keys {
				unresolved[k] = unresolved[k] || couldBeOurs
			}
			out = append(out, r)
			continue
		}
		clash := false
		for _, t := range targets {
			for _, k := range r.Attrs.Keys {
				if t.Attr(k) == nil {
					t.Attrs.Set(k, r.Attrs.Fields[k])
				} else {
					clash = true
				}
			}
		}
		if clash {
			// Two resources configure the same setting of a bucket (an inline acl and an
			// aws_s3_bucket_acl): keep this one as a fragment, so that both are checked.
			out = append(out, r)
		}
	}
	for _, list := range byAddress {
		for _, b := range list {
			for k, maybe := range unresolved {
				if maybe && b.Attr(k) == nil {
					b.Attrs.Set(k, unknownAt(b.Pos))
				}
			}
		}
	}
	if ebsDefault != nil {
		enabled := ebsDefault.Attr("enabled")
		if enabled == nil {
			enabled = &Value{Kind: Bool, Pos: ebsDefault.Pos, Bool: true} // the resource's default
		}
		for _, v := range volumes {
			v.Attrs.Set("default_encryption", enabled)
		}
	}
	return out
}
