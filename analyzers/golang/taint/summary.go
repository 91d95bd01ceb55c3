package taint

import (
	"fmt"
	"go/token"
	"slices"
	"sort"
	"strings"
)

// SourceRef describes a source for messages and facts. File is the base name of the file.
type SourceRef struct {
	Desc  string
	Class Class
	File  string
	Line  int

	pos token.Pos // valid only for sources in the analysed package; never serialised
}

func (s SourceRef) String() string {
	if s.File == "" {
		return s.Desc
	}
	return fmt.Sprintf("%s (%s:%d)", s.Desc, s.File, s.Line)
}

// SinkRef describes a sink for messages and facts.
type SinkRef struct {
	Desc string
	Kind string
	File string
	Line int
	// Via names the function called from the analysed package through which data reaches the
	// sink, when the sink is in another package ("store.FindUser").
	Via string

	pos token.Pos // valid only for sinks in the analysed package; never serialised
}

func (s SinkRef) String() string {
	var b strings.Builder
	b.WriteString(s.Desc)
	if s.File != "" {
		fmt.Fprintf(&b, " (%s:%d)", s.File, s.Line)
	}
	if s.Via != "" {
		b.WriteString(" via ")
		b.WriteString(s.Via)
	}
	return b.String()
}

// Summary is what a function does with untrusted data, as seen by its callers. It is the
// payload of each analyzer's fact type. Parameter indexes count the receiver first, as
// go/ssa's Function.Params do.
type Summary struct {
	// ResultParams are the parameters whose data reaches the results.
	ResultParams []int
	// ResultSources are sources, inside the function or its callees, whose data reaches the results.
	ResultSources []SourceRef
	// Sinks are the parameters whose data reaches a sink.
	Sinks []ParamSink
	// Writes are the parameters whose memory the function fills (json.Unmarshal-like helpers).
	Writes []ParamWrite
}

// ParamSink is parameter Param reaching Sink.
type ParamSink struct {
	Param int
	Sink  SinkRef
}

// ParamWrite is the memory behind parameter Param receiving the data of parameters From and
// of Sources: the whole object, or only the field with index Field (≥ 0) of the struct it
// points to, and whatever hangs off that field.
type ParamWrite struct {
	Param   int
	Field   int
	From    []int
	Sources []SourceRef
}

// IsEmpty reports whether the summary says nothing: no flow from parameters or sources at all.
func (s *Summary) IsEmpty() bool {
	return len(s.ResultParams) == 0 && len(s.ResultSources) == 0 && len(s.Sinks) == 0 && len(s.Writes) == 0
}

// String is a compact, deterministic rendering used by fact tests and debugging, e.g.
// "result←p1; p1→(*sql.DB).Query (store.go:12)".
func (s *Summary) String() string {
	var parts []string
	if len(s.ResultParams) > 0 || len(s.ResultSources) > 0 {
		var from []string
		for _, p := range s.ResultParams {
			from = append(from, fmt.Sprintf("p%d", p))
		}
		for _, src := range s.ResultSources {
			from = append(from, src.String())
		}
		parts = append(parts, "result←"+strings.Join(from, ","))
	}
	for _, ps := range s.Sinks {
		parts = append(parts, fmt.Sprintf("p%d→%s", ps.Param, ps.Sink))
	}
	for _, w := range s.Writes {
		var from []string
		for _, p := range w.From {
			from = append(from, fmt.Sprintf("p%d", p))
		}
		for _, src := range w.Sources {
			from = append(from, src.String())
		}
		target := fmt.Sprintf("*p%d", w.Param)
		if w.Field >= 0 {
			target = fmt.Sprintf("p%d.field%d", w.Param, w.Field)
		}
		parts = append(parts, fmt.Sprintf("%s←%s", target, strings.Join(from, ",")))
	}
	if len(parts) == 0 {
		return "no flow"
	}
	return strings.Join(parts, "; ")
}

// summary is the in-memory form of Summary, in terms of origins so that applying it at a call
// site is a substitution.
type summary struct {
	result tset
	sinks  []symSink
	writes map[writeKey]tset // data written behind a parameter or free variable
	// complete is false while the function is being analysed; a recursive call sees the
	// partial summary and falls back to the default for calls.
	complete bool
}

// writeKey is where a function writes: behind symbolic origin sym, into first-level field
// field (-1: the whole object).
type writeKey struct {
	sym   origin
	field int
}

type symSink struct {
	from origin // a parameter or free variable of the summarised function
	sink SinkRef
}

const maxSinksPerSummary = 32

func (s *summary) addSink(from origin, ref SinkRef) {
	for _, have := range s.sinks {
		if have.from == from && have.sink.pos == ref.pos && have.sink.Desc == ref.Desc &&
			have.sink.File == ref.File && have.sink.Line == ref.Line {
			return
		}
	}
	if len(s.sinks) < maxSinksPerSummary {
		s.sinks = append(s.sinks, symSink{from: from, sink: ref})
	}
}

// toFact converts s for export; only parameter origins survive (free variables belong to
// closures, which are never called from another package).
func (e *engine) toFact(s *summary) Summary {
	var out Summary
	for _, o := range s.result {
		switch {
		case isParam(o):
			out.ResultParams = append(out.ResultParams, int(o))
		case isSource(o):
			out.ResultSources = append(out.ResultSources, e.exportedSource(o))
		}
	}
	for _, ss := range s.sinks {
		if isParam(ss.from) {
			ref := ss.sink
			ref.pos = token.NoPos
			out.Sinks = append(out.Sinks, ParamSink{Param: int(ss.from), Sink: ref})
		}
	}
	keys := make([]writeKey, 0, len(s.writes))
	for k := range s.writes {
		if isParam(k.sym) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b writeKey) int {
		if a.sym != b.sym {
			return int(a.sym) - int(b.sym)
		}
		return a.field - b.field
	})
	for _, k := range keys {
		w := ParamWrite{Param: int(k.sym), Field: k.field}
		for _, from := range s.writes[k] {
			switch {
			case isParam(from):
				w.From = append(w.From, int(from))
			case isSource(from):
				w.Sources = append(w.Sources, e.exportedSource(from))
			}
		}
		if len(w.From) > 0 || len(w.Sources) > 0 {
			out.Writes = append(out.Writes, w)
		}
	}
	sort.SliceStable(out.Sinks, func(i, j int) bool { return out.Sinks[i].Param < out.Sinks[j].Param })
	return out
}

func (e *engine) exportedSource(o origin) SourceRef {
	ref := e.sources[o-firstSource]
	ref.pos = token.NoPos
	return ref
}

// fromFact converts an imported Summary to the in-memory form.
func (e *engine) fromFact(f *Summary) *summary {
	s := &summary{complete: true}
	for _, p := range f.ResultParams {
		s.result = union(s.result, single(paramOrigin(p)))
	}
	for _, src := range f.ResultSources {
		s.result = union(s.result, single(e.intern(src)))
	}
	for _, ps := range f.Sinks {
		s.addSink(paramOrigin(ps.Param), ps.Sink)
	}
	for _, w := range f.Writes {
		var t tset
		for _, p := range w.From {
			t = union(t, single(paramOrigin(p)))
		}
		for _, src := range w.Sources {
			t = union(t, single(e.intern(src)))
		}
		if s.writes == nil {
			s.writes = map[writeKey]tset{}
		}
		k := writeKey{paramOrigin(w.Param), max(w.Field, -1)}
		s.writes[k] = union(s.writes[k], t)
	}
	return s
}
