package iac

// cfnSource is one CloudFormation resource, converted, for an adapter.
type cfnSource struct {
	typ   string
	name  string
	pos   Pos
	props *Value
}

func (s *cfnSource) prop(name string) *Value { return s.props.Field(name) }

func (s *cfnSource) resource(typ string) *Resource {
	r := newResource(typ, s.name, s.typ, s.pos)
	if s.props.Kind != Map {
		r.Attrs = unknownAt(s.pos) // Properties: !If [...] and the like
	}
	return r
}

// cloudFormationAdapters map CloudFormation (and SAM) types onto the normalised model.
var cloudFormationAdapters = map[string]func(s *cfnSource) []*Resource{
	"AWS::S3::Bucket":                       cfnS3Bucket,
	"AWS::S3::BucketPolicy":                 cfnPolicyHolder(s3BucketPolicy),
	"AWS::EC2::SecurityGroup":               cfnSecurityGroup,
	"AWS::EC2::SecurityGroupIngress":        cfnSecurityGroupIngress,
	"AWS::IAM::Policy":                      cfnPolicyHolder(iamPolicy),
	"AWS::IAM::ManagedPolicy":               cfnPolicyHolder(iamPolicy),
	"AWS::IAM::Role":                        cfnIAMPrincipal,
	"AWS::IAM::User":                        cfnIAMPrincipal,
	"AWS::IAM::Group":                       cfnIAMPrincipal,
	"AWS::RDS::DBInstance":                  cfnDBInstance,
	"AWS::RDS::DBCluster":                   cfnDBCluster,
	"AWS::EC2::Volume":                      cfnEBSVolume,
	"AWS::EC2::Instance":                    cfnInstance,
	"AWS::EC2::LaunchTemplate":              cfnLaunchTemplate,
	"AWS::EKS::Cluster":                     cfnEKSCluster,
	"AWS::CloudTrail::Trail":                cfnCloudTrail,
	"AWS::KMS::Key":                         cfnKMSKey,
	"AWS::Lambda::Url":                      cfnLambdaURL,
	"AWS::ElasticLoadBalancingV2::Listener": cfnLBListener,
	"AWS::Serverless::Function":             samFunction,
}

func cfnS3Bucket(s *cfnSource) []*Resource {
	r := s.resource(s3Bucket)
	r.Attrs.Set("bucket_name", s.prop("BucketName"))
	r.Attrs.Set("acl", s.prop("AccessControl"))
	r.Attrs.Set("public_access_block", renamed(s.prop("PublicAccessBlockConfiguration"),
		"block_public_acls", "BlockPublicAcls",
		"block_public_policy", "BlockPublicPolicy",
		"ignore_public_acls", "IgnorePublicAcls",
		"restrict_public_buckets", "RestrictPublicBuckets"))
	r.Attrs.Set("sse_algorithm", s.props.Dig("BucketEncryption", "ServerSideEncryptionConfiguration", "ServerSideEncryptionByDefault", "SSEAlgorithm"))
	return []*Resource{r}
}

// cfnPolicyHolder adapts resources whose PolicyDocument is a policy document.
func cfnPolicyHolder(typ string) func(s *cfnSource) []*Resource {
	return func(s *cfnSource) []*Resource {
		r := s.resource(typ)
		r.Attrs.Set("policy", policyDocument(s.prop("PolicyDocument")))
		return []*Resource{r}
	}
}

// cfnIAMPrincipal adapts the inline Policies and ManagedPolicyArns of roles, users and groups.
func cfnIAMPrincipal(s *cfnSource) []*Resource {
	var out []*Resource
	policies, _ := s.prop("Policies").Items()
	for _, p := range policies {
		r := newResource(iamPolicy, s.name, s.typ, p.Pos)
		r.Attrs.Set("policy", policyDocument(p.Field("PolicyDocument")))
		out = append(out, r)
	}
	arns, _ := s.prop("ManagedPolicyArns").Items()
	for _, arn := range arns {
		r := newResource(iamPolicyAttachment, s.name, s.typ, arn.Pos)
		r.Attrs.Set("policy_arn", arn)
		out = append(out, r)
	}
	return out
}

func cfnSecurityGroup(s *cfnSource) []*Resource {
	r := s.resource(securityGroup)
	r.Attrs.Set("ingress", mapItems(s.prop("SecurityGroupIngress"), cfnIngressRule))
	return []*Resource{r}
}

func cfnSecurityGroupIngress(s *cfnSource) []*Resource {
	r := s.resource(securityGroup)
	r.Partial = true
	if s.props.Kind == Map {
		r.Attrs.Set("ingress", newList(s.pos, cfnIngressRule(s.props)))
	}
	return []*Resource{r}
}

// cfnIngressRule maps an ingress rule onto Terraform's shape, CIDRs as lists.
func cfnIngressRule(rule *Value) *Value {
	out := renamed(rule, "protocol", "IpProtocol", "from_port", "FromPort", "to_port", "ToPort")
	if c := rule.Field("CidrIp"); c != nil {
		out.Set("cidr_blocks", newList(c.Pos, c))
	}
	if c := rule.Field("CidrIpv6"); c != nil {
		out.Set("ipv6_cidr_blocks", newList(c.Pos, c))
	}
	return out
}

func cfnDBInstance(s *cfnSource) []*Resource {
	r := s.resource(dbInstance)
	r.Attrs.Set("publicly_accessible", s.prop("PubliclyAccessible"))
	r.Attrs.Set("storage_encrypted", s.prop("StorageEncrypted"))
	r.Attrs.Set("kms_key_id", s.prop("KmsKeyId"))
	r.Attrs.Set("cluster_identifier", s.prop("DBClusterIdentifier"))
	r.Attrs.Set("source", firstPresent(s.prop("SourceDBInstanceIdentifier"), s.prop("DBSnapshotIdentifier"), s.prop("SourceDBClusterIdentifier")))
	return []*Resource{r}
}

func cfnDBCluster(s *cfnSource) []*Resource {
	r := s.resource(dbCluster)
	r.Attrs.Set("publicly_accessible", s.prop("PubliclyAccessible"))
	r.Attrs.Set("storage_encrypted", s.prop("StorageEncrypted"))
	r.Attrs.Set("kms_key_id", s.prop("KmsKeyId"))
	r.Attrs.Set("engine_mode", s.prop("EngineMode"))
	r.Attrs.Set("source", firstPresent(s.prop("SnapshotIdentifier"), s.prop("SourceDBClusterIdentifier"), s.prop("ReplicationSourceIdentifier"), s.prop("GlobalClusterIdentifier")))
	return []*Resource{r}
}

func cfnEBSVolume(s *cfnSource) []*Resource {
	r := s.resource(ebsVolume)
	r.Attrs.Set("encrypted", s.prop("Encrypted"))
	r.Attrs.Set("kms_key_id", s.prop("KmsKeyId"))
	r.Attrs.Set("source", s.prop("SnapshotId"))
	return []*Resource{r}
}

func cfnInstance(s *cfnSource) []*Resource {
	mappings := s.prop("BlockDeviceMappings")
	if s.props.Kind == Map && mappings == nil && s.prop("LaunchTemplate") == nil {
		// The root volume has the AMI snapshot's encryption, none for most public AMIs.
		r := newResource(ebsVolume, s.name, s.typ, s.pos)
		r.Attrs.Set("implicit_root", &Value{Kind: Bool, Pos: s.pos, Bool: true})
		return []*Resource{r}
	}
	return cfnBlockDevices(s, mappings)
}

func cfnLaunchTemplate(s *cfnSource) []*Resource {
	return cfnBlockDevices(s, s.prop("LaunchTemplateData").Field("BlockDeviceMappings"))
}

// cfnBlockDevices makes a volume of each EBS block device mapping.
func cfnBlockDevices(s *cfnSource, mappings *Value) []*Resource {
	var out []*Resource
	items, _ := mappings.Items()
	for _, m := range items {
		ebs := m.Field("Ebs")
		if ebs == nil {
			continue
		}
		r := newResource(ebsVolume, s.name, s.typ, ebs.Pos)
		if ebs.Kind != Map {
			r.Attrs = unknownAt(ebs.Pos)
		}
		r.Attrs.Set("encrypted", ebs.Field("Encrypted"))
		r.Attrs.Set("kms_key_id", ebs.Field("KmsKeyId"))
		r.Attrs.Set("source", ebs.Field("SnapshotId"))
		out = append(out, r)
	}
	return out
}

func cfnEKSCluster(s *cfnSource) []*Resource {
	r := s.resource(eksCluster)
	vpc := s.prop("ResourcesVpcConfig")
	r.Attrs.Set("vpc_config", vpc)
	r.Attrs.Set("endpoint_public_access", vpc.Field("EndpointPublicAccess"))
	r.Attrs.Set("public_access_cidrs", vpc.Field("PublicAccessCidrs"))
	types := s.props.Dig("Logging", "ClusterLogging", "EnabledTypes")
	r.Attrs.Set("enabled_cluster_log_types", mapItems(types, func(t *Value) *Value {
		if typ := t.Field("Type"); typ != nil {
			return typ
		}
		return unknownAt(t.Pos)
	}))
	return []*Resource{r}
}

func cfnCloudTrail(s *cfnSource) []*Resource {
	r := s.resource(cloudTrail)
	r.Attrs.Set("is_multi_region_trail", s.prop("IsMultiRegionTrail"))
	r.Attrs.Set("enable_log_file_validation", s.prop("EnableLogFileValidation"))
	return []*Resource{r}
}

func cfnKMSKey(s *cfnSource) []*Resource {
	r := s.resource(kmsKey)
	r.Attrs.Set("enable_key_rotation", s.prop("EnableKeyRotation"))
	r.Attrs.Set("key_spec", s.prop("KeySpec"))
	r.Attrs.Set("key_usage", s.prop("KeyUsage"))
	return []*Resource{r}
}

func cfnLambdaURL(s *cfnSource) []*Resource {
	r := s.resource(lambdaFunctionURL)
	r.Attrs.Set("authorization_type", s.prop("AuthType"))
	return []*Resource{r}
}

func cfnLBListener(s *cfnSource) []*Resource {
	r := s.resource(lbListener)
	r.Attrs.Set("protocol", s.prop("Protocol"))
	r.Attrs.Set("default_action", mapItems(s.prop("DefaultActions"), func(a *Value) *Value {
		out := renamed(a, "type", "Type")
		out.Set("redirect_protocol", a.Field("RedirectConfig").Field("Protocol"))
		return out
	}))
	return []*Resource{r}
}

// samFunction adapts a SAM function's Function URL and its Policies: inline statements become
// identity policies and managed policy names attachments; SAM policy templates
// (S3ReadPolicy: {…}) are scoped by construction and skipped.
func samFunction(s *cfnSource) []*Resource {
	var out []*Resource
	if cfg := s.prop("FunctionUrlConfig"); cfg != nil {
		r := newResource(lambdaFunctionURL, s.name, s.typ, cfg.Pos)
		if cfg.Kind != Map {
			r.Attrs = unknownAt(cfg.Pos)
		}
		r.Attrs.Set("authorization_type", cfg.Field("AuthType"))
		out = append(out, r)
	}
	policies := s.prop("Policies")
	if policies.Field("Statement") != nil && policies.Kind == Map {
		policies = newList(policies.Pos, policies) // a single document
	}
	items, _ := policies.Items()
	for _, p := range items {
		switch {
		case p.Kind == Map && p.Field("Statement") != nil:
			r := newResource(iamPolicy, s.name, s.typ, p.Pos)
			r.Attrs.Set("policy", p)
			out = append(out, r)
		case p.Kind == String:
			r := newResource(iamPolicyAttachment, s.name, s.typ, p.Pos)
			r.Attrs.Set("policy_arn", p)
			out = append(out, r)
		}
	}
	return out
}
