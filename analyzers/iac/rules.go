package iac

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

// check is one rule: its metadata, the normalised types it reads, and the code.
type check struct {
	rule  finding.Rule
	types []string
	run   func(rp *reporter, r *Resource)
}

func (c *check) applies(r *Resource) bool {
	for _, t := range c.types {
		if r.Type == t {
			return true
		}
	}
	return false
}

// checks is the scanner's rule list, one rule per file.
var checks = []*check{
	s3PublicACL,
	s3PublicPolicy,
	s3PublicAccessBlock,
	s3DefaultEncryption,
	sgPublicRemoteAdmin,
	sgPublicAllPorts,
	sgPublicIngress,
	iamFullAdmin,
	iamWildcardAction,
	iamWildcardResource,
	rdsPublic,
	rdsUnencrypted,
	ebsUnencrypted,
	eksPublicEndpoint,
	eksControlPlaneLogging,
	cloudTrailSingleRegion,
	cloudTrailLogValidation,
	kmsRotation,
	lambdaURLNoAuth,
	lbHTTPListener,
}

// awsRule fills the fields every rule of the family shares.
func awsRule(r finding.Rule) finding.Rule {
	r.Layer = finding.Cloud
	return r
}

// reporter makes findings of one rule on one resource.
type reporter struct {
	rule  *finding.Rule
	res   *Resource
	lines *lineIndex
	out   *[]finding.Finding
}

// report adds a finding on v, or on the resource's header when v is nil (a missing setting).
// key distinguishes findings of the rule within the resource, for the fingerprint.
func (rp *reporter) report(v *Value, key, message string, fix *finding.Fix) {
	pos := rp.res.Pos
	if v != nil && v.Pos.Line > 0 {
		pos = v.Pos
	}
	if v != nil && v.Via != "" {
		message += " (value from " + v.Via + ")"
	}
	f := rp.rule.New(pos.Path, pos.Line, pos.Column, message)
	if pos.EndLine > pos.Line || pos.EndLine == pos.Line && pos.EndColumn > pos.Column {
		f.EndLine, f.EndColumn = pos.EndLine, pos.EndColumn
	}
	f.Key = rp.res.Name + "|" + key
	f.Fix = fix
	*rp.out = append(*rp.out, f)
}

// replace suggests writing text in place of v, when v is a literal on one line.
func (rp *reporter) replace(v *Value, text, description string) *finding.Fix {
	if v == nil || !v.Literal || v.Pos.Line != v.Pos.EndLine || v.Pos.EndColumn <= v.Pos.Column {
		return nil
	}
	line, ok := rp.lines.line(v.Pos.Path, v.Pos.Line)
	if !ok || v.Pos.EndColumn-1 > len(line) {
		return nil
	}
	return &finding.Fix{
		Description: description,
		StartLine:   v.Pos.Line,
		EndLine:     v.Pos.Line,
		Replacement: line[:v.Pos.Column-1] + text + line[v.Pos.EndColumn-1:],
	}
}

// replaceBool suggests flipping a literal boolean (or a quoted "true"/"false", kept quoted).
func (rp *reporter) replaceBool(v *Value, to bool, description string) *finding.Fix {
	text := strconv.FormatBool(to)
	if v != nil && v.Kind == String {
		return rp.replaceString(v, text, description)
	}
	return rp.replace(v, text, description)
}

// replaceString suggests writing s in place of v, quoted as the original is: Terraform strings
// always are, YAML scalars may not be.
func (rp *reporter) replaceString(v *Value, s, description string) *finding.Fix {
	if v == nil {
		return nil
	}
	line, ok := rp.lines.line(v.Pos.Path, v.Pos.Line)
	if !ok || v.Pos.Column-1 >= len(line) {
		return nil
	}
	switch line[v.Pos.Column-1] {
	case '"':
		s = strconv.Quote(s)
	case '\'':
		s = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return rp.replace(v, s, description)
}

// lineIndex serves lines of the scanned sources for fixes.
type lineIndex struct {
	sources map[string][]byte
}

func (li *lineIndex) line(path string, n int) (string, bool) {
	src, ok := li.sources[path]
	if !ok || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		nl := bytes.IndexByte(src, '\n')
		if nl < 0 {
			return "", false
		}
		src = src[nl+1:]
	}
	if nl := bytes.IndexByte(src, '\n'); nl >= 0 {
		src = src[:nl]
	}
	return strings.TrimSuffix(string(src), "\r"), true
}

// where names a resource in messages: "aws_s3_bucket.logs" or "MyBucket (AWS::S3::Bucket)".
func where(r *Resource) string {
	if strings.Contains(r.Source, "::") {
		return r.Name + " (" + r.Source + ")"
	}
	return r.Name
}
