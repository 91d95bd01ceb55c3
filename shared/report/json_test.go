package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, sampleReport(t), sampleCatalogue(t), JSONOptions{ToolVersion: testVersion}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.json.golden", buf.Bytes())

	buf.Reset()
	if err := JSON(&buf, cleanReport(), nil, JSONOptions{ToolVersion: testVersion}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report_clean.json.golden", buf.Bytes())
}

// TestJSONIsDeterministic checks that the order findings arrive in does not change a byte.
func TestJSONIsDeterministic(t *testing.T) {
	cat := sampleCatalogue(t)
	var want bytes.Buffer
	if err := JSON(&want, sampleReport(t), cat, JSONOptions{ToolVersion: testVersion}); err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(5) {
		rep := sampleReport(t)
		r := rand.New(rand.NewPCG(seed, seed))
		r.Shuffle(len(rep.Items), func(i, j int) { rep.Items[i], rep.Items[j] = rep.Items[j], rep.Items[i] })
		var got bytes.Buffer
		if err := JSON(&got, rep, cat, JSONOptions{ToolVersion: testVersion}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Fatalf("shuffle %d changed the output (-want +got):\n%s", seed, diff)
		}
	}
}

func TestJSONDoesNotLeakTheRoot(t *testing.T) {
	rep := sampleReport(t)
	var buf bytes.Buffer
	if err := JSON(&buf, rep, nil, JSONOptions{Timings: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), rep.Root) {
		t.Errorf("JSON output contains the absolute root %q", rep.Root)
	}
}

func TestJSONTimingsOnlyOnRequest(t *testing.T) {
	for _, timings := range []bool{false, true} {
		var buf bytes.Buffer
		if err := JSON(&buf, sampleReport(t), nil, JSONOptions{Timings: timings}); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Scan struct {
				DurationMS *int64 `json:"duration_ms"`
				Scanners   []struct {
					DurationMS *int64 `json:"duration_ms"`
				} `json:"scanners"`
			} `json:"scan"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if got := doc.Scan.DurationMS != nil; got != timings {
			t.Errorf("Timings=%v: scan.duration_ms present = %v", timings, got)
		}
		if timings && (*doc.Scan.DurationMS != 3400 || *doc.Scan.Scanners[1].DurationMS != 5000) {
			t.Errorf("durations = %d, %d ms; want 3400 and 5000", *doc.Scan.DurationMS, *doc.Scan.Scanners[1].DurationMS)
		}
	}
}

// TestJSONDocumentation keeps JSON.md true: every field the output can contain is documented.
func TestJSONDocumentation(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, sampleReport(t), sampleCatalogue(t), JSONOptions{Timings: true}); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	collectKeys(doc, "", keys)
	md, err := os.ReadFile("JSON.md")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for k := range keys {
		if !strings.Contains(string(md), "`"+k+"`") {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("JSON.md does not document %s", strings.Join(missing, ", "))
	}
}

// collectKeys gathers object keys as dotted paths ("scan.fail_on"); the keys of the count maps
// are values, not fields, so they are left out.
func collectKeys(v any, prefix string, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			keys[path] = true
			if k == "by_severity" || k == "by_layer" {
				continue
			}
			collectKeys(child, path, keys)
		}
	case []any:
		for _, child := range v {
			collectKeys(child, prefix+"[]", keys)
		}
	}
}
