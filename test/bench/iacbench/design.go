package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The differences fourc makes on purpose, recognised from tfsec's message and the source it
// points at, so that the "in scope" recall is reproducible rather than a judgement call. Each
// reason is listed with its count in the report.

var (
	wildcardAction   = regexp.MustCompile(`uses wildcarded action '([^']*)'`)
	sensitiveOnStar  = regexp.MustCompile(`uses sensitive action '([^']*)' on wildcarded resource '([^']*)'`)
	readVerbWildcard = regexp.MustCompile(`(?i)^[a-z0-9-]+:(describe|list|get)[a-z]*\*$`)
	telemetryAction  = regexp.MustCompile(`(?i)^(logs:(createloggroup|createlogstream|putlogevents)|xray:put[a-z]*|cloudwatch:putmetricdata)$`)
	readAction       = regexp.MustCompile(`(?i)^[a-z0-9-]+:(describe|list)[a-z]*\*?$`)
)

// designReason says why fourc deliberately does not report a tfsec finding, or "".
func designReason(r tfsecResult, path string, src *sourceIndex) string {
	switch r.LongID {
	case "aws-iam-no-policy-wildcards":
		if m := wildcardAction.FindStringSubmatch(r.Description); m != nil && readVerbWildcard.MatchString(m[1]) {
			return "IAM: partial wildcard over read actions (ec2:Describe*): fourc reports \"*\" and whole-service wildcards only"
		}
		if m := sensitiveOnStar.FindStringSubmatch(r.Description); m != nil {
			switch {
			case readAction.MatchString(m[1]):
				return "IAM: read-only metadata action on \"*\" (Describe*, List*): not sensitive, and most support no narrower resource"
			case telemetryAction.MatchString(m[1]):
				return "IAM: CloudWatch Logs / X-Ray / metrics write on \"*\": the standard Lambda and agent grant"
			case m[2] != "*" && !strings.HasSuffix(m[2], ":*") && !strings.HasSuffix(m[2], "/*"):
				return "IAM: resource names one resource despite a wildcard in region or account (arn:aws:lambda:*:*:function:name)"
			}
		}
	case "aws-vpc-no-public-ingress-sgr", "aws-ec2-no-public-ingress-sgr":
		attrs := src.innermostAttributes(path, r.Location.StartLine)
		if attrs == nil {
			return ""
		}
		from, okFrom := intAttr(attrs, "from_port")
		to, okTo := intAttr(attrs, "to_port")
		cidrs, okCIDRs := stringsAttr(attrs, "cidr_blocks", "ipv6_cidr_blocks")
		proto, _ := stringAttr(attrs, "protocol")
		switch {
		case okCIDRs && !anyInternetWide(cidrs):
			return "SG: the sources are specific public ranges (a /16, a /25), not the internet"
		case proto != "-1" && proto != "all" && (!okFrom || !okTo):
			return "SG: ports unknown without a plan (variables without defaults, for_each values): unknown values are never reported"
		case from == to && (from == 80 || from == 443):
			return "SG: web port 80/443 open to the internet: what a public load balancer needs"
		}
	case "aws-rds-encrypt-cluster-storage-data":
		if strings.Contains(r.Description, "customer managed key") {
			return "RDS: encrypted with the AWS managed key; fourc checks encryption, not key ownership"
		}
		if attrs := src.innermostAttributes(path, r.Location.StartLine); attrs != nil {
			if mode, _ := stringAttr(attrs, "engine_mode"); mode == "serverless" {
				return "RDS: Aurora Serverless v1 is always encrypted"
			}
		}
	case "aws-kms-auto-rotate-keys":
		if attrs := src.innermostAttributes(path, r.Location.StartLine); attrs != nil {
			if spec, ok := stringAttr(attrs, "customer_master_key_spec"); ok && spec != "SYMMETRIC_DEFAULT" {
				return "KMS: asymmetric or HMAC key, which AWS cannot rotate (a tfsec false positive)"
			}
		}
	}
	return ""
}

// sourceIndex parses corpus files on demand.
type sourceIndex struct {
	root  string
	files map[string]*hclsyntax.Body
}

// innermostAttributes returns the attributes of the innermost block around line.
func (s *sourceIndex) innermostAttributes(path string, line int) hclsyntax.Attributes {
	body, ok := s.files[path]
	if !ok {
		if src, err := os.ReadFile(filepath.Join(s.root, filepath.FromSlash(path))); err == nil {
			if f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos); !diags.HasErrors() {
				body = f.Body.(*hclsyntax.Body)
			}
		}
		s.files[path] = body
	}
	var found hclsyntax.Attributes
	for body != nil {
		var next *hclsyntax.Body
		for _, b := range body.Blocks {
			if r := b.Range(); r.Start.Line <= line && line <= r.End.Line {
				found, next = b.Body.Attributes, b.Body
				break
			}
		}
		body = next
	}
	return found
}

func literal(attrs hclsyntax.Attributes, name string) (cty.Value, bool) {
	a, ok := attrs[name]
	if !ok {
		return cty.NilVal, false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return cty.NilVal, false
	}
	return v, true
}

func intAttr(attrs hclsyntax.Attributes, name string) (int64, bool) {
	v, ok := literal(attrs, name)
	if !ok || v.Type() != cty.Number {
		return 0, false
	}
	n, _ := v.AsBigFloat().Int64()
	return n, true
}

func stringAttr(attrs hclsyntax.Attributes, name string) (string, bool) {
	v, ok := literal(attrs, name)
	if !ok || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// stringsAttr collects literal string lists; ok is false when any list is not literal.
func stringsAttr(attrs hclsyntax.Attributes, names ...string) ([]string, bool) {
	var out []string
	for _, n := range names {
		if _, present := attrs[n]; !present {
			continue
		}
		v, ok := literal(attrs, n)
		if !ok || !(v.Type().IsTupleType() || v.Type().IsListType()) {
			return nil, false
		}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.Type() != cty.String {
				return nil, false
			}
			out = append(out, e.AsString())
		}
	}
	return out, len(out) > 0
}

// anyInternetWide mirrors fourc's rule: a /0, an IPv4 prefix shorter than /8, or an IPv6 prefix
// shorter than /16.
func anyInternetWide(cidrs []string) bool {
	for _, c := range cidrs {
		_, n, err := net.ParseCIDR(strings.TrimSpace(c))
		if err != nil {
			continue
		}
		ones, bits := n.Mask.Size()
		if ones == 0 || bits == 32 && ones < 8 || bits == 128 && ones < 16 {
			return true
		}
	}
	return false
}
