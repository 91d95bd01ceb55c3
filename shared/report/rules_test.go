package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

func TestRulesGolden(t *testing.T) {
	rules := append(sampleRules(), engine.Rules()...)
	for _, tc := range []struct{ format, golden string }{
		{"text", "rules.golden"},
		{"", "rules.golden"},
		{"json", "rules.json.golden"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Rules(&buf, rules, tc.format); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, buf.Bytes())
		})
	}
}

func TestRulesJSONRoundTrips(t *testing.T) {
	rules := sampleRules()
	var buf bytes.Buffer
	if err := Rules(&buf, rules, "json"); err != nil {
		t.Fatal(err)
	}
	var got []finding.Rule
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	cat, err := finding.NewCatalogue(rules)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cat.Rules(), got); diff != "" {
		t.Errorf("rules read back (-want +got):\n%s", diff)
	}
}

func TestRulesUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := Rules(&buf, sampleRules(), "yaml"); err == nil {
		t.Error("Rules accepted format yaml")
	}
	if buf.Len() != 0 {
		t.Errorf("Rules wrote %q before failing", buf.String())
	}
}
