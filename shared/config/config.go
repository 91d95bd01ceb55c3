// Package config reads a repository's .github/fourc.yml: what fails a check, which rules and
// layers run, severity overrides and excluded paths.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/shared/finding"
)

// DefaultPath is where the config lives in a repository.
const DefaultPath = ".github/fourc.yml"

// maxSize bounds what we read of a config file; a real one is a few hundred bytes.
const maxSize = 256 << 10

// Config is a parsed, validated repository config. The zero value is not useful; use Default.
type Config struct {
	Source   string                      // file it was read from, "" for the defaults
	FailOn   finding.Severity            // findings at or above fail the run
	Layers   map[finding.Layer]bool      // enabled layers
	Disabled map[string]bool             // rule ids switched off
	Severity map[string]finding.Severity // per-rule severity overrides
	Exclude  []string                    // doublestar globs over slash paths
}

// Default is what runs when a repository has no config.
func Default() *Config {
	layers := map[finding.Layer]bool{}
	for _, l := range finding.Layers() {
		layers[l] = true
	}
	return &Config{FailOn: finding.High, Layers: layers, Disabled: map[string]bool{}, Severity: map[string]finding.Severity{}}
}

// Error points at the place in a config file that is wrong.
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

// Load reads path; a missing file at the default location is not an error (defaults apply),
// a missing file that was asked for explicitly is.
func Load(path string, explicit bool, knownRule func(id string) bool) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !explicit {
			return Default(), nil
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	return Parse(path, data, knownRule)
}

// Parse validates data as a fourc config. name appears in errors. knownRule, when set, makes
// references to unknown rule ids an error (a typo would otherwise silently disable nothing).
func Parse(name string, data []byte, knownRule func(id string) bool) (*Config, error) {
	if len(data) > maxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is larger than %d KiB", maxSize>>10)}
	}
	c := Default()
	c.Source = name
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: name, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: root.Line, Msg: "the top level must be a mapping of keys such as fail_on, rules, layers and exclude"}
	}
	p := parser{name: name, known: knownRule}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "version":
			if val.Value != "1" {
				p.fail(val, "version", "only version 1 exists")
			}
		case "fail_on":
			if s, ok := p.severity(val, "fail_on"); ok {
				c.FailOn = s
			}
		case "layers":
			if names, ok := p.strings(val, "layers"); ok {
				c.Layers = map[finding.Layer]bool{}
				for j, n := range names {
					l, err := finding.ParseLayer(n)
					if err != nil {
						p.fail(val.Content[j], "layers", err.Error())
						continue
					}
					c.Layers[l] = true
				}
			}
		case "exclude":
			if globs, ok := p.strings(val, "exclude"); ok {
				for j, g := range globs {
					g = strings.TrimPrefix(g, "./")
					if !doublestar.ValidatePattern(g) {
						p.fail(val.Content[j], "exclude", fmt.Sprintf("%q is not a valid glob", g))
						continue
					}
					c.Exclude = append(c.Exclude, g)
				}
			}
		case "rules":
			p.rules(val, c)
		default:
			p.fail(key, key.Value, "unknown key (known: version, fail_on, layers, rules, exclude)")
		}
	}
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return c, nil
}

type parser struct {
	name  string
	known func(string) bool
	errs  []error
}

func (p *parser) fail(n *yaml.Node, key, msg string) {
	p.errs = append(p.errs, &Error{File: p.name, Line: n.Line, Key: key, Msg: msg})
}

func (p *parser) severity(n *yaml.Node, key string) (finding.Severity, bool) {
	if n.Kind != yaml.ScalarNode {
		p.fail(n, key, "must be one of "+strings.Join(finding.SeverityNames(), ", "))
		return 0, false
	}
	s, err := finding.ParseSeverity(n.Value)
	if err != nil {
		p.fail(n, key, err.Error())
		return 0, false
	}
	return s, true
}

func (p *parser) strings(n *yaml.Node, key string) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, key, "must be a list")
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || item.Value == "" {
			p.fail(item, key, "items must be non-empty strings")
			return nil, false
		}
		out = append(out, item.Value)
	}
	return out, true
}

func (p *parser) ruleID(n *yaml.Node, key string) bool {
	if p.known != nil && !p.known(n.Value) {
		p.fail(n, key, fmt.Sprintf("unknown rule %q (see `fourc rules`)", n.Value))
		return false
	}
	return true
}

func (p *parser) rules(n *yaml.Node, c *Config) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "rules", "must be a mapping with disable and severity")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		switch key.Value {
		case "disable":
			ids, ok := p.strings(val, "rules.disable")
			if !ok {
				continue
			}
			for j, id := range ids {
				if p.ruleID(val.Content[j], "rules.disable") {
					c.Disabled[id] = true
				}
			}
		case "severity":
			if val.Kind != yaml.MappingNode {
				p.fail(val, "rules.severity", "must map rule ids to severities")
				continue
			}
			for j := 0; j+1 < len(val.Content); j += 2 {
				id, sev := val.Content[j], val.Content[j+1]
				if !p.ruleID(id, "rules.severity") {
					continue
				}
				if s, ok := p.severity(sev, "rules.severity."+id.Value); ok {
					c.Severity[id.Value] = s
				}
			}
		default:
			p.fail(key, "rules."+key.Value, "unknown key (known: disable, severity)")
		}
	}
}

// Excluded reports whether a slash path matches an exclude glob. A glob also excludes
// everything below a directory it matches, so "vendor" and "vendor/**" mean the same.
func (c *Config) Excluded(p string) bool {
	for _, g := range c.Exclude {
		for dir := p; dir != "." && dir != "/" && dir != ""; dir = path.Dir(dir) {
			if ok, _ := doublestar.Match(g, dir); ok {
				return true
			}
		}
	}
	return false
}

// RuleEnabled reports whether findings of the rule run and are reported.
func (c *Config) RuleEnabled(id string, layer finding.Layer) bool {
	return !c.Disabled[id] && c.Layers[layer]
}

// Apply changes a finding's severity where the config overrides it.
func (c *Config) Apply(f *finding.Finding) {
	if s, ok := c.Severity[f.RuleID]; ok {
		f.Severity = s
	}
}

// DisabledRules lists the disabled rule ids, sorted, for summaries.
func (c *Config) DisabledRules() []string {
	out := make([]string, 0, len(c.Disabled))
	for id := range c.Disabled {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
