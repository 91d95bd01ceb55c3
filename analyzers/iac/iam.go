package iac

import "strings"

// readVerbs start the names of actions that read metadata: harmless on every resource, unless
// listed in dataReads.
var readVerbs = []string{"describe", "list", "get"}

// dataReads are read actions that return data or secrets rather than metadata, by lowercase
// name or name prefix ("s3:getobject" covers s3:GetObjectVersion).
var dataReads = []string{
	"s3:getobject",
	"secretsmanager:getsecretvalue",
	"ssm:getparameter",
	"dynamodb:getitem",
	"dynamodb:batchgetitem",
	"kinesis:getrecords",
	"lambda:getfunction",
	"ec2:getpassworddata",
	"codecommit:get",
	"sts:getfederationtoken",
}

// needsAnyResource are write actions that AWS only grants on "*" and that write telemetry or
// plumbing (Lambda logs, X-Ray traces, VPC network interfaces, Session Manager channels).
var needsAnyResource = map[string]bool{
	"logs:createloggroup":                true,
	"logs:createlogstream":               true,
	"logs:putlogevents":                  true,
	"xray:puttracesegments":              true,
	"xray:puttelemetryrecords":           true,
	"cloudwatch:putmetricdata":           true,
	"ec2:createnetworkinterface":         true,
	"ec2:deletenetworkinterface":         true,
	"ec2:assignprivateipaddresses":       true,
	"ec2:unassignprivateipaddresses":     true,
	"ssm:updateinstanceinformation":      true,
	"ssmmessages:createcontrolchannel":   true,
	"ssmmessages:createdatachannel":      true,
	"ssmmessages:opencontrolchannel":     true,
	"ssmmessages:opendatachannel":        true,
	"ec2messages:acknowledgemessage":     true,
	"ec2messages:deletemessage":          true,
	"ec2messages:failmessage":            true,
	"ec2messages:getendpoint":            true,
	"ec2messages:getmessages":            true,
	"ec2messages:sendreply":              true,
	"ecr:getauthorizationtoken":          true,
	"sts:getcalleridentity":              true,
	"cloudwatch:getmetricdata":           true,
	"logs:describeloggroups":             true,
	"xray:getsamplingrules":              true,
	"xray:getsamplingtargets":            true,
	"xray:getsamplingstatisticsummaries": true,
}

// sensitiveAction reports whether granting an action (which may end in a wildcard) on every
// resource lets its holder change something or read data, as opposed to reading metadata or
// writing telemetry.
func sensitiveAction(action string) bool {
	a := strings.ToLower(strings.TrimSpace(action))
	if needsAnyResource[a] {
		return false
	}
	svc, verb, ok := strings.Cut(a, ":")
	if !ok || svc == "" {
		return a == "*"
	}
	prefix, wildcard := strings.CutSuffix(verb, "*")
	if strings.ContainsAny(prefix, "*?") {
		return true // s3:*Object: too many possibilities to reason about
	}
	for _, d := range dataReads {
		ds, dv, _ := strings.Cut(d, ":")
		if ds != svc {
			continue
		}
		if strings.HasPrefix(prefix, dv) || wildcard && strings.HasPrefix(dv, prefix) {
			return true
		}
	}
	for _, r := range readVerbs {
		if strings.HasPrefix(prefix, r) {
			return false
		}
	}
	return true
}

// isAdministratorAccess recognises the AWS managed AdministratorAccess policy, by ARN in any
// partition or by name as SAM's Policies accepts it.
func isAdministratorAccess(arn string) bool {
	arn = strings.TrimSpace(arn)
	return arn == "AdministratorAccess" ||
		strings.HasPrefix(arn, "arn:aws") && strings.HasSuffix(arn, ":iam::aws:policy/AdministratorAccess")
}
