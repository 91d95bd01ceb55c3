package report

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// sarifSchemaFile is the SARIF 2.1.0 JSON schema as Microsoft's SARIF SDK ships it in the npm
// package @microsoft/sarif-multitool-linux 5.7.0 (file sarif-2.1.0.json); see
// testdata/sarif-schema-2.1.0.SOURCE.
const sarifSchemaFile = "testdata/sarif-schema-2.1.0.json"

var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat() // "uri", "uri-reference" and "date-time" are checked, not just annotated
	return c.Compile(sarifSchemaFile)
})

func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	schema, err := sarifSchema()
	if err != nil {
		t.Fatalf("compile SARIF schema: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("SARIF output does not match the 2.1.0 schema: %v", err)
	}
}

func TestSARIFGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		rep    func(t *testing.T) *engine.Report
		opts   SARIFOptions
	}{
		{"report.sarif.golden", sampleReport, SARIFOptions{ToolVersion: "v" + testVersion}},
		{"report_clean.sarif.golden", func(*testing.T) *engine.Report { return cleanReport() }, SARIFOptions{ToolVersion: "dev"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := SARIF(&buf, tc.rep(t), sampleCatalogue(t), tc.opts); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, buf.Bytes())
			checkGolden(t, tc.golden, buf.Bytes())
		})
	}
}

func TestSARIFAllRulesIsValid(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, sampleReport(t), sampleCatalogue(t), SARIFOptions{AllRules: true}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	log := decodeSARIF(t, buf.Bytes())
	if got, want := len(log.Runs[0].Tool.Driver.Rules), len(sampleRules())+len(engine.Rules()); got != want {
		t.Errorf("AllRules listed %d rules, want %d", got, want)
	}
	checkRuleIndexes(t, log)
}

// TestSARIFForCodeScanning checks what GitHub code scanning relies on beyond the schema.
func TestSARIFForCodeScanning(t *testing.T) {
	rep := sampleReport(t)
	var buf bytes.Buffer
	if err := SARIF(&buf, rep, sampleCatalogue(t), SARIFOptions{ToolVersion: "v1.2.3"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), rep.Root) {
		t.Errorf("SARIF contains the absolute root %q", rep.Root)
	}
	log := decodeSARIF(t, buf.Bytes())
	if len(log.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.SemanticVersion != "1.2.3" {
		t.Errorf("semanticVersion = %q, want 1.2.3", run.Tool.Driver.SemanticVersion)
	}
	checkRuleIndexes(t, log)
	for _, r := range run.Tool.Driver.Rules {
		score, err := strconv.ParseFloat(r.Properties.SecuritySeverity, 64)
		if err != nil || score <= 0 || score > 10 {
			t.Errorf("rule %s: security-severity %q is not a score in (0, 10]", r.ID, r.Properties.SecuritySeverity)
		}
	}
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful {
		t.Errorf("a partial scan must have one invocation with executionSuccessful false, got %+v", run.Invocations)
	}

	type seen struct {
		Level, URI     string
		Line, Col, End int
		Suppressed     bool
		Fingerprint    string
	}
	got := map[string]seen{}
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		got[r.RuleID+" "+loc.ArtifactLocation.URI+":"+strconv.Itoa(loc.Region.StartLine)] = seen{
			Level: r.Level, URI: loc.ArtifactLocation.URI, Line: loc.Region.StartLine, Col: loc.Region.StartColumn,
			End: loc.Region.EndColumn, Suppressed: len(r.Suppressions) > 0, Fingerprint: r.PartialFingerprints[fingerprintKey],
		}
	}
	want := map[string]seen{
		// "héllo wörld" precedes the token: byte column 37 is UTF-16 column 35.
		"secrets-generic-token app/config.go:4": {Level: "error", URI: "app/config.go", Line: 4, Col: 35, End: 65, Fingerprint: "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d03"},
		"go-sql-injection app/db.go:15":         {Level: "error", URI: "app/db.go", Line: 15, Col: 9, End: 50, Suppressed: true, Fingerprint: "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d05"},
		// A point on one line leaves endColumn out: the rest of the line.
		"docker-no-healthcheck Dockerfile:1": {Level: "note", URI: "Dockerfile", Line: 1, Col: 1, End: 0, Fingerprint: "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d02"},
	}
	for key, w := range want {
		if diff := cmp.Diff(w, got[key]); diff != "" {
			t.Errorf("result %s (-want +got):\n%s", key, diff)
		}
	}
}

func TestSARIFCleanScanSucceeded(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, cleanReport(), nil, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	log := decodeSARIF(t, buf.Bytes())
	run := log.Runs[0]
	if !run.Invocations[0].ExecutionSuccessful || len(run.Results) != 0 || run.Results == nil {
		t.Errorf("clean scan: executionSuccessful=%v, results=%v; want true and an empty array",
			run.Invocations[0].ExecutionSuccessful, run.Results)
	}
}

func TestSARIFRuleWithoutCatalogueEntry(t *testing.T) {
	rule := finding.Rule{ID: "custom-rule", Title: "Custom rule: weird, isn't it", Layer: finding.Code, Severity: finding.Medium,
		References: []string{"cwe-20", "CWE-20"}}
	f := rule.New("dir with space/a:b.go", 3, 2, "message")
	rep := &engine.Report{FailOn: finding.High, Mode: engine.All, Items: []engine.Item{{Finding: f, Status: engine.StatusNew}}}
	var buf bytes.Buffer
	if err := SARIF(&buf, rep, nil, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	log := decodeSARIF(t, buf.Bytes())
	r := log.Runs[0].Tool.Driver.Rules[0]
	if r.ID != "custom-rule" || r.Name != "CustomRuleWeirdIsnTIt" {
		t.Errorf("rule id, name = %q, %q", r.ID, r.Name)
	}
	if diff := cmp.Diff([]string{"code", "security", "external/cwe/cwe-20"}, r.Properties.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if got := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "dir%20with%20space/a:b.go" {
		t.Errorf("uri = %q", got)
	}
}

func TestUTF16Column(t *testing.T) {
	for _, tc := range []struct {
		line    string
		byteCol int
		want    int
	}{
		{"abc", 2, 2},
		{"héllo x", 8, 7}, // é is two bytes, one unit
		{"😀 x", 6, 4},     // the emoji is four bytes, two units
		{"abc", 10, 10},   // past the end counts bytes
		{"", 5, 5},        // unreadable line: bytes
		{"abc", 0, 1},     // clamped
		{"a\xffb", 3, 3},  // an invalid byte is one unit
		{"héllo", 3, 3},   // inside é (a scanner bug): its first byte counts as one unit
	} {
		if got := utf16Column(tc.line, tc.byteCol); got != tc.want {
			t.Errorf("utf16Column(%q, %d) = %d, want %d", tc.line, tc.byteCol, got, tc.want)
		}
	}
}

func TestPascalCase(t *testing.T) {
	for in, want := range map[string]string{
		"SQL query built from request data": "SQLQueryBuiltFromRequestData",
		"go-sql-injection":                  "GoSqlInjection",
		"S3 bucket is readable by anyone":   "S3BucketIsReadableByAnyone",
		"Image has no HEALTHCHECK":          "ImageHasNoHEALTHCHECK",
		"":                                  "",
	} {
		if got := pascalCase(in); got != want {
			t.Errorf("pascalCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// sarifLogForTest is the part of a SARIF log the tests read.
type sarifLogForTest struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				SemanticVersion string `json:"semanticVersion"`
				Rules           []struct {
					ID         string `json:"id"`
					Name       string `json:"name"`
					Properties struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
		} `json:"invocations"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			RuleIndex           int               `json:"ruleIndex"`
			Level               string            `json:"level"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []any             `json:"suppressions"`
			Locations           []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
						EndColumn   int `json:"endColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, data []byte) *sarifLogForTest {
	t.Helper()
	var log sarifLogForTest
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("decode SARIF: %v", err)
	}
	return &log
}

func checkRuleIndexes(t *testing.T, log *sarifLogForTest) {
	t.Helper()
	rules := log.Runs[0].Tool.Driver.Rules
	for _, r := range log.Runs[0].Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result of %s has ruleIndex %d, which is not its rule", r.RuleID, r.RuleIndex)
		}
	}
}
