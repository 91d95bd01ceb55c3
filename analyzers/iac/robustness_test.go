package iac_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/analyzers/iac"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scan runs the scanner over files written to a temporary directory.
func scan(t *testing.T, files map[string]string) *engine.Result {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := iac.New().Scan(context.Background(), &engine.Request{Tree: tree, Progress: &engine.Progress{}})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return res
}

type found struct {
	Path string
	Line int
	Rule string
}

func findings(res *engine.Result) []found {
	var out []found
	for _, f := range res.Findings {
		out = append(out, found{f.Path, f.StartLine, f.RuleID})
	}
	return out
}

type diag struct {
	Path    string
	Line    int
	Message string // a distinctive part of the message
}

// checkDiagnostics compares diagnostics by path, line and a part of the message.
func checkDiagnostics(t *testing.T, got []engine.Diagnostic, want []diag) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("diagnostics: got %d %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Path != w.Path || g.Line != w.Line || !strings.Contains(g.Message, w.Message) {
			t.Errorf("diagnostic %d: got %s:%d %q, want %s:%d containing %q", i, g.Path, g.Line, g.Message, w.Path, w.Line, w.Message)
		}
	}
}

const publicDB = `resource "aws_db_instance" "db" {
  storage_encrypted   = true
  publicly_accessible = true
}
`

func TestParseErrorIsOneDiagnosticAndTheRestIsScanned(t *testing.T) {
	res := scan(t, map[string]string{
		"infra/broken.tf": "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n  oops = \n}\n",
		"infra/db.tf":     publicDB,
		"cfn/broken.yaml": "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n   Properties: [\n",
		"cfn/good.yaml":   "Resources:\n  Url:\n    Type: AWS::Lambda::Url\n    Properties:\n      AuthType: NONE\n",
		// Not a template, and not valid YAML: none of this scanner's business.
		"k8s/broken.yaml": "kind: ConfigMap\ndata: {AWS::S3::Bucket: [\n",
	})
	want := []found{
		{"cfn/good.yaml", 5, "aws-lambda-url-no-auth"},
		{"infra/db.tf", 3, "aws-rds-public"},
	}
	if diff := cmp.Diff(want, findings(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	checkDiagnostics(t, sortDiags(res.Diagnostics), []diag{
		{"cfn/broken.yaml", 0, "CloudFormation template: not valid YAML"},
		{"infra/broken.tf", 3, "not valid HCL"},
	})
}

func sortDiags(ds []engine.Diagnostic) []engine.Diagnostic {
	out := append([]engine.Diagnostic(nil), ds...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Path < out[i].Path {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestDeepNestingIsBoundedAndReported(t *testing.T) {
	const depth = 5000
	deepHCL := "locals {\n  x = " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n}\n"
	deepObject := "locals {\n  y = " + strings.Repeat("{a = ", depth) + "1" + strings.Repeat("}", depth) + "\n}\n"
	deepJSON := `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": ` +
		strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}}}}`
	start := time.Now()
	res := scan(t, map[string]string{
		"deep/list.tf":    deepHCL,
		"deep/object.tf":  deepObject,
		"deep/db.tf":      publicDB,
		"deep/tmpl.json":  deepJSON,
		"deep/other.json": `{"Resources": {"K": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": false}}}}`,
	})
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("scan of deeply nested files took %s", elapsed)
	}
	want := []found{
		{"deep/db.tf", 3, "aws-rds-public"},
		{"deep/other.json", 1, "aws-kms-rotation"},
		// The deep template is parsed (YAML's own limit is 10,000 levels) and the bucket is
		// still checked; the nesting beyond the converter's limit is unknown.
		{"deep/tmpl.json", 1, "aws-s3-default-encryption"},
		{"deep/tmpl.json", 1, "aws-s3-public-access-block"},
	}
	if diff := cmp.Diff(want, findings(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	checkDiagnostics(t, sortDiags(res.Diagnostics), []diag{
		{"deep/list.tf", 0, "levels deep (limit 256)"},
		{"deep/object.tf", 0, "levels deep (limit 256)"},
	})
}

func TestBillionLaughs(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\n")
	sb.WriteString("Metadata:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		sb.WriteString("  " + name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", ") + "]\n")
		prev = name
	}
	sb.WriteString("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *i\n")
	start := time.Now()
	res := scan(t, map[string]string{"laughs.yaml": sb.String(), "db.tf": publicDB})
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("billion laughs took %s", elapsed)
	}
	if diff := cmp.Diff([]found{{"db.tf", 3, "aws-rds-public"}}, findings(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	checkDiagnostics(t, res.Diagnostics, []diag{{"laughs.yaml", 0, "YAML aliases"}})
}

func TestBinaryFileNamedTF(t *testing.T) {
	binary := string([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0xff, 0xfe, '{', '{', '['})
	res := scan(t, map[string]string{
		"mod/program.tf": binary,
		"mod/latin1.tf":  "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"caf\xe9\"\n}\n",
		"mod/db.tf":      publicDB,
	})
	if diff := cmp.Diff([]found{{"mod/db.tf", 3, "aws-rds-public"}}, findings(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	checkDiagnostics(t, sortDiags(res.Diagnostics), []diag{
		{"mod/latin1.tf", 0, "not UTF-8"},
		{"mod/program.tf", 0, "binary file"},
	})
}

// TestPositions pins exact positions: inside an indented heredoc with interpolation, inside
// jsonencode, in CloudFormation JSON, and on a value that came from a variable's default.
func TestPositions(t *testing.T) {
	res := scan(t, map[string]string{
		"main.tf": `resource "aws_iam_role_policy" "p" {
  role   = "r"
  policy = <<-EOT
    {
      "Statement": [{
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "${aws_s3_bucket.b.arn}"
      }]
    }
  EOT
}

resource "aws_iam_policy" "q" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["iam:PassRole"], Resource = "*" }]
  })
}

resource "aws_kms_key" "k" {
  enable_key_rotation = var.rotate
}

variable "rotate" {
  default = false
}
`,
		"t.json": "{\"Resources\": {\"R\": {\"Type\": \"AWS::Lambda::Url\",\n  \"Properties\": {\"AuthType\": \"NONE\"}}}}",
	})
	type pos struct {
		Rule                 string
		Line, Col            int
		EndLine, EndCol      int
		Message, Replacement string
	}
	var got []pos
	for _, f := range res.Findings {
		p := pos{f.RuleID, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.Message, ""}
		if f.Fix != nil {
			p.Replacement = f.Fix.Replacement
		}
		got = append(got, p)
	}
	want := []pos{
		{"aws-iam-wildcard-action", 7, 19, 7, 25, `policy aws_iam_role_policy.p allows every action of a service, "s3:*", on its resources`, ""},
		{"aws-iam-wildcard-resource", 16, 76, 16, 79, `policy aws_iam_policy.q allows "iam:PassRole" on every resource ("*")`, ""},
		// The default is configuration: the finding is on the use, and no fix rewrites it.
		{"aws-kms-rotation", 21, 25, 21, 35, `KMS key aws_kms_key.k sets enable_key_rotation to "false" (value from var.rotate)`, ""},
		{"aws-lambda-url-no-auth", 2, 30, 2, 36, `function URL R (AWS::Lambda::Url) accepts unauthenticated requests (authorization type NONE)`, `  "Properties": {"AuthType": "AWS_IAM"}}}}`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

// TestFixes checks the mechanical fixes on both front ends.
func TestFixes(t *testing.T) {
	res := scan(t, map[string]string{
		"main.tf": "resource \"aws_db_instance\" \"db\" {\n  storage_encrypted = false\n  publicly_accessible = true # keep this comment\n}\n" +
			"resource \"aws_s3_bucket_acl\" \"a\" {\n  bucket = \"x\"\n  acl = \"public-read\"\n}\n",
		"t.yaml": "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsMultiRegionTrail: 'false'\n      EnableLogFileValidation: false\n" +
			"  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n      BucketEncryption: {}\n      PublicAccessBlockConfiguration: {BlockPublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: true}\n",
	})
	var got []finding.Fix
	for _, f := range res.Findings {
		if f.Fix != nil {
			got = append(got, *f.Fix)
		}
	}
	want := []finding.Fix{
		{Description: "Encrypt the storage.", StartLine: 2, EndLine: 2, Replacement: "  storage_encrypted = true"},
		{Description: "Make the database private.", StartLine: 3, EndLine: 3, Replacement: "  publicly_accessible = false # keep this comment"},
		{Description: "Make the bucket ACL private.", StartLine: 7, EndLine: 7, Replacement: `  acl = "private"`},
		{Description: "Record every region.", StartLine: 5, EndLine: 5, Replacement: "      IsMultiRegionTrail: 'true'"},
		{Description: "Turn log file validation on.", StartLine: 6, EndLine: 6, Replacement: "      EnableLogFileValidation: true"},
		{Description: "Make the bucket ACL private.", StartLine: 10, EndLine: 10, Replacement: "      AccessControl: Private"},
		{Description: "Turn the setting on.", StartLine: 12, EndLine: 12, Replacement: "      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fixes (-want +got):\n%s", diff)
	}
}

func TestDisabledRulesAreNotRun(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "db.tf"), []byte(publicDB), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := iac.New().Scan(context.Background(), &engine.Request{Tree: tree, Enabled: func(id string) bool { return id != "aws-rds-public" }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("disabled rule reported: %+v", res.Findings)
	}
}

func TestCancelledScanReturnsTheContextError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "db.tf"), []byte(publicDB), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, _, err := engine.OpenTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := iac.New().Scan(ctx, &engine.Request{Tree: tree}); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("got %v, want a context error", err)
	}
}

// TestExponentialLocals: locals that use each other twice double at every step; the scan must
// stay fast and small, and the values are treated as unknown once they get too big.
func TestExponentialLocals(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("locals {\n  s0 = \"0.0.0.0/0\"\n  l0 = [\"0.0.0.0/0\"]\n")
	for i := 1; i <= 64; i++ {
		fmt.Fprintf(&sb, "  s%d = \"${local.s%d}${local.s%d}\"\n", i, i-1, i-1)
		fmt.Fprintf(&sb, "  l%d = concat(local.l%d, local.l%d)\n", i, i-1, i-1)
		fmt.Fprintf(&sb, "  j%d = jsonencode([local.l%d, local.l%d])\n", i, i-1, i-1)
	}
	sb.WriteString("}\n")
	sb.WriteString(`resource "aws_security_group" "g" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = local.l64
    description = "${local.s64}${local.j64}"
  }
}
`)
	start := time.Now()
	res := scan(t, map[string]string{"main.tf": sb.String()})
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("took %s", elapsed)
	}
	if len(res.Findings) != 0 || len(res.Diagnostics) != 0 {
		t.Errorf("got findings %+v, diagnostics %+v; want none (the list is too large to know)", findings(res), res.Diagnostics)
	}
}
