package taint

import (
	"bytes"
	"encoding/gob"
	"testing"
)

// TestSummaryGob checks that a Summary survives the gob encoding unitchecker uses for facts,
// and that positions, valid only in the process that made them, do not travel.
func TestSummaryGob(t *testing.T) {
	in := Summary{
		ResultParams:  []int{1},
		ResultSources: []SourceRef{{Desc: "r.URL", Class: Remote, File: "h.go", Line: 3, pos: 42}},
		Sinks:         []ParamSink{{Param: 2, Sink: SinkRef{Desc: "(*sql.DB).Query", File: "s.go", Line: 9, pos: 7}}},
		Writes:        []ParamWrite{{Param: 0, Field: 1, From: []int{2}}},
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&in); err != nil {
		t.Fatalf("encode: %v", err)
	}
	var out Summary
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	const want = "result←p1,r.URL (h.go:3); p2→(*sql.DB).Query (s.go:9); p0.field1←p2"
	if got := out.String(); got != want {
		t.Errorf("decoded summary = %q, want %q", got, want)
	}
	if out.ResultSources[0].pos != 0 || out.Sinks[0].Sink.pos != 0 {
		t.Errorf("positions were serialised")
	}
}
