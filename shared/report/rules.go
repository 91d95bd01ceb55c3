package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/fourcsec/fourc/shared/finding"
)

// RuleFormats lists the formats Rules accepts.
func RuleFormats() []string { return []string{"text", "json"} }

// Rules writes the rule catalogue for `fourc rules`: "text" (or "") is a table of id, severity
// and title under a heading per layer, from the outermost layer in; "json" is an array of rules
// sorted by id, each as finding.Rule marshals itself.
func Rules(w io.Writer, rules []finding.Rule, format string) error {
	sorted := append(make([]finding.Rule, 0, len(rules)), rules...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	switch format {
	case "", "text":
		return rulesText(w, sorted)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(sorted); err != nil {
			return fmt.Errorf("write rules as JSON: %w", err)
		}
		return nil
	default:
		return fmt.Errorf("unknown rules format %q (want text or json)", format)
	}
}

func rulesText(w io.Writer, rules []finding.Rule) error {
	byLayer := map[finding.Layer][]finding.Rule{}
	for _, r := range rules {
		byLayer[r.Layer] = append(byLayer[r.Layer], r)
	}
	counts := map[finding.Layer]int{}
	for l, rs := range byLayer {
		counts[l] = len(rs)
	}
	out := &errWriter{w: w}
	first := true
	for _, layer := range orderedLayers(counts) {
		group := byLayer[layer]
		if out.err != nil {
			break
		}
		if len(group) == 0 {
			continue
		}
		if !first {
			out.println()
		}
		first = false
		out.println(safeLine(layerName(layer)) + " (" + plural(len(group), "rule", "rules") + ")")
		tw := tabwriter.NewWriter(out.w, 0, 0, 2, ' ', 0)
		tabs := &errWriter{w: tw}
		tabs.println("  ID\tSEVERITY\tTITLE")
		for _, r := range group {
			tabs.println("  " + safeLine(r.ID) + "\t" + r.Severity.String() + "\t" + oneLine(r.Title))
		}
		if tabs.err == nil {
			tabs.err = tw.Flush()
		}
		if out.err == nil {
			out.err = tabs.err
		}
	}
	out.println()
	out.println(plural(len(rules), "rule", "rules") + " in " + plural(len(byLayer), "layer", "layers") + ".")
	return out.done("rules")
}
