package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// levels is what both tools found: per vulnerability id, the deepest level (symbol, package,
// module), plus the run's notes.
type levels struct {
	Tool   string            `json:"tool"`
	Levels map[string]string `json:"levels"`
	// Modules maps each id to the module it was reported for.
	Modules map[string]string `json:"modules"`
	Notes   []string          `json:"notes,omitempty"`
}

var rank = map[string]int{"module": 1, "package": 2, "symbol": 3}

func (l *levels) add(id, level, module string) {
	if l.Levels == nil {
		l.Levels, l.Modules = map[string]string{}, map[string]string{}
	}
	if rank[level] > rank[l.Levels[id]] {
		l.Levels[id] = level
		l.Modules[id] = module
	}
}

func (l *levels) ids(level string) []string {
	var out []string
	for id, lv := range l.Levels {
		if lv == level {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func readLevels(path string) (*levels, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var l levels
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &l, nil
}
