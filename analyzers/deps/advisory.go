package deps

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/versions"
	"github.com/fourcsec/fourc/shared/finding"
)

// vulnerability is one advisory that affects the version of a package in use.
type vulnerability struct {
	entry *osv.Entry
	// affected are the advisory's affected objects for this package: what decides the fixed
	// versions.
	affected []*osv.Affected
}

// match keeps the answer's advisories that affect the version. Withdrawn advisories are
// dropped; advisories whose ranges cannot be evaluated are reported as making the scan partial
// (unless the source already matched the version, as the OSV API does).
func (sc *scan) match(ecosystem, name, version string, ans osv.Answer) []vulnerability {
	var out []vulnerability
	now := time.Now()
	for _, e := range ans.Entries {
		if e.IsWithdrawn(now) {
			continue
		}
		affected := e.AffectedFor(ecosystem, name)
		verdict := versions.NotAffected
		var firstErr error
		for _, a := range affected {
			v, err := versions.Affects(ecosystem, version, a)
			if v == versions.Affected {
				verdict = versions.Affected
				break
			}
			if v == versions.Unknown {
				verdict = versions.Unknown
				if firstErr == nil {
					firstErr = err
				}
			}
		}
		switch verdict {
		case versions.Affected:
			out = append(out, vulnerability{entry: e, affected: affected})
		case versions.Unknown:
			sc.unknown = append(sc.unknown, fmt.Sprintf("%s for %s %s (%v)", e.ID, name, version, firstErr))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].entry.ID < out[j].entry.ID })
	return out
}

// fixPlan is the upgrade a finding suggests.
type fixPlan struct {
	// version fixes every advisory in fixes; "" when no version fixes any.
	version string
	// unfixed lists the advisories no version fixes yet.
	unfixed []string
	total   int
}

// planFix finds the smallest version that fixes all the package's advisories, or, when some
// have no fix yet, all the others.
func planFix(ecosystem, current string, vulns []vulnerability) fixPlan {
	plan := fixPlan{total: len(vulns)}
	var fixable []*osv.Affected
	for _, v := range vulns {
		if _, ok := versions.SmallestFix(ecosystem, current, v.affected); ok {
			fixable = append(fixable, v.affected...)
		} else {
			plan.unfixed = append(plan.unfixed, v.entry.ID)
		}
	}
	if len(fixable) > 0 {
		plan.version, _ = versions.SmallestFix(ecosystem, current, fixable)
	}
	return plan
}

// sentence says what the plan achieves, for messages; noun is "module" or "package".
func (p fixPlan) sentence(noun string, display func(string) string) string {
	switch {
	case p.version == "" && len(p.unfixed) > 0:
		return "No fixed version is known yet."
	case p.version == "":
		return "No single version fixes all of them; see each advisory."
	case len(p.unfixed) > 0:
		return fmt.Sprintf("Upgrade to %s, the smallest version that fixes the %s's other known vulnerabilities; %s %s no fix yet.",
			display(p.version), noun, strings.Join(p.unfixed, ", "), plural(len(p.unfixed), "has", "have"))
	case p.total == 1:
		return fmt.Sprintf("Upgrade to %s, the smallest version that fixes the %s's only known vulnerability.", display(p.version), noun)
	default:
		return fmt.Sprintf("Upgrade to %s, the smallest version that fixes all %d known vulnerabilities of the %s.", display(p.version), p.total, noun)
	}
}

// describe is one advisory as a message line: id and aliases, summary, affected and fixed
// versions.
func describe(ecosystem, current string, v vulnerability, display func(string) string) string {
	var b strings.Builder
	b.WriteString(v.entry.ID)
	if aliases := v.entry.PublicAliases(); len(aliases) > 0 {
		b.WriteString(" (" + strings.Join(aliases, ", ") + ")")
	}
	if s := strings.TrimSpace(v.entry.Summary); s != "" {
		b.WriteString(": " + oneLine(s))
	}
	if r := describeRanges(v.affected, display); r != "" {
		b.WriteString("; affected " + r)
	}
	if fix, ok := versions.SmallestFix(ecosystem, current, v.affected); ok {
		b.WriteString("; fixed in " + display(fix))
	} else {
		b.WriteString("; no fixed version yet")
	}
	return b.String()
}

// describeRanges writes the affected ranges as intervals: "< v0.3.7", ">= v1.19.0-0, < v1.19.1".
// Events are read in the order the advisory lists them, which the OSV schema asks to be sorted.
func describeRanges(affected []*osv.Affected, display func(string) string) string {
	interval := func(from, op, to string) string {
		var bounds []string
		if from != "" && from != "0" {
			bounds = append(bounds, ">= "+display(from))
		}
		if to != "" {
			bounds = append(bounds, op+" "+display(to))
		}
		if len(bounds) == 0 {
			return "all versions"
		}
		return strings.Join(bounds, ", ")
	}
	var parts []string
	for _, a := range affected {
		for _, r := range a.Ranges {
			if r.Type != osv.RangeSemver && r.Type != osv.RangeEcosystem {
				continue
			}
			from, open := "", false
			for _, e := range r.Events {
				switch {
				case e.Introduced != "":
					if open {
						parts = append(parts, interval(from, "", ""))
					}
					from, open = e.Introduced, true
				case e.Fixed != "" && open:
					parts = append(parts, interval(from, "<", e.Fixed))
					open = false
				case e.LastAffected != "" && open:
					parts = append(parts, interval(from, "<=", e.LastAffected))
					open = false
				}
			}
			if open {
				parts = append(parts, interval(from, "", ""))
			}
		}
		if len(a.Ranges) == 0 && len(a.Versions) > 0 {
			list := a.Versions
			if len(list) > 5 {
				list = append(append([]string(nil), list[:5]...), fmt.Sprintf("and %d more", len(a.Versions)-5))
			}
			parts = append(parts, strings.Join(list, ", "))
		}
	}
	if len(parts) > 6 {
		parts = append(parts[:6], fmt.Sprintf("and %d more ranges", len(parts)-6))
	}
	return strings.Join(parts, "; ")
}

// references lists, for each advisory, its id, its aliases and its page.
func references(vulns []vulnerability, page func(id string) string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range vulns {
		add(v.entry.ID)
		for _, a := range v.entry.Aliases {
			add(a)
		}
	}
	for _, v := range vulns {
		add(page(v.entry.ID))
	}
	return out
}

func goPage(id string) string  { return "https://pkg.go.dev/vuln/" + id }
func osvPage(id string) string { return "https://osv.dev/vulnerability/" + id }

// advisorySeverity is the highest severity GitHub gives the advisories, or fallback when none
// carries one.
func advisorySeverity(vulns []vulnerability, fallback finding.Severity) finding.Severity {
	best, found := finding.Info, false
	for _, v := range vulns {
		var s finding.Severity
		switch strings.ToUpper(v.entry.DatabaseSpecific.Severity) {
		case "CRITICAL":
			s = finding.Critical
		case "HIGH":
			s = finding.High
		case "MODERATE", "MEDIUM":
			s = finding.Medium
		case "LOW":
			s = finding.Low
		default:
			continue
		}
		if !found || s > best {
			best, found = s, true
		}
	}
	if !found {
		return fallback
	}
	return best
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
