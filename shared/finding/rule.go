package finding

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Rule is the metadata of one check, registered once and shared by every output:
// `fourc rules`, SARIF tool.driver.rules, docs and check-run summaries.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Layer       Layer    `json:"layer"`
	Severity    Severity `json:"severity"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
	// References are ids such as "CWE-89", "CIS-Docker-4.1", "PSS-Restricted", "GHSA-…" or URLs.
	References []string `json:"references,omitempty"`
	HelpURL    string   `json:"help_url,omitempty"`
}

// New makes a finding of this rule with the rule's metadata filled in.
func (r *Rule) New(path string, line, col int, message string) Finding {
	return Finding{
		RuleID:      r.ID,
		Title:       r.Title,
		Severity:    r.Severity,
		Layer:       r.Layer,
		Path:        path,
		StartLine:   line,
		StartColumn: col,
		EndLine:     line,
		EndColumn:   col,
		Message:     message,
		Remediation: r.Remediation,
		References:  append([]string(nil), r.References...),
	}
}

var ruleIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)

// Validate reports what a rule's metadata lacks; the catalogue meta-test runs it over every rule.
func (r *Rule) Validate() error {
	var problems []string
	if !ruleIDPattern.MatchString(r.ID) {
		problems = append(problems, "id must be lowercase words joined by '-' with a family prefix, such as go-sql-injection")
	}
	if r.Title == "" || strings.HasSuffix(r.Title, ".") {
		problems = append(problems, "title must be set and not end with a period")
	}
	if _, err := ParseLayer(string(r.Layer)); err != nil {
		problems = append(problems, err.Error())
	}
	if r.Severity < Info || r.Severity > Critical {
		problems = append(problems, "severity out of range")
	}
	if r.Description == "" {
		problems = append(problems, "description missing")
	}
	if !strings.HasSuffix(strings.TrimSpace(r.Remediation), ".") {
		problems = append(problems, "remediation must be a sentence ending with a period")
	}
	if len(problems) > 0 {
		return fmt.Errorf("rule %q: %s", r.ID, strings.Join(problems, "; "))
	}
	return nil
}

// Catalogue is the set of rules known to a run, by id.
type Catalogue struct {
	byID map[string]*Rule
}

// NewCatalogue checks every rule and refuses duplicates.
func NewCatalogue(rules ...[]Rule) (*Catalogue, error) {
	c := &Catalogue{byID: map[string]*Rule{}}
	for _, group := range rules {
		for i := range group {
			r := group[i]
			if err := r.Validate(); err != nil {
				return nil, err
			}
			if _, dup := c.byID[r.ID]; dup {
				return nil, fmt.Errorf("rule %q registered twice", r.ID)
			}
			c.byID[r.ID] = &r
		}
	}
	return c, nil
}

// Rule returns the rule with the id, or nil.
func (c *Catalogue) Rule(id string) *Rule { return c.byID[id] }

// Rules lists the rules sorted by id.
func (c *Catalogue) Rules() []Rule {
	out := make([]Rule, 0, len(c.byID))
	for _, r := range c.byID {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
