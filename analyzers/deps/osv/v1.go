package osv

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

// The v1 layout of a Go vulnerability database (https://go.dev/security/vuln/database#api).
type dbMeta struct {
	Modified time.Time `json:"modified"`
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

type vulnMeta struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

// V1Stats says what WriteV1 wrote.
type V1Stats struct {
	Entries, Modules int
	Skipped          []string // files that are not Go OSV entries
}

// WriteV1 turns a folder of Go OSV files into a database in the v1 layout at dst: index/db.json,
// index/modules.json, index/vulns.json and ID/<id>.json (each entry copied byte for byte). It is
// what govulncheck -db file://… and fourc's HTTP source read, so tests and benchmarks can serve a
// snapshot exactly as vuln.go.dev serves the live database.
func WriteV1(src, dst string) (V1Stats, error) {
	var stats V1Stats
	db := dbMeta{}
	modules := map[string]*moduleMeta{}
	var vulns []vulnMeta
	if err := os.MkdirAll(filepath.Join(dst, "ID"), 0o755); err != nil {
		return stats, fmt.Errorf("write v1 database: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dst, "index"), 0o755); err != nil {
		return stats, fmt.Errorf("write v1 database: %w", err)
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		data, err := readLimited(p)
		if err != nil {
			return err
		}
		var e Entry
		if err := json.Unmarshal(data, &e); err != nil || e.ID == "" || !safeID(e.ID) || d.Name() != e.ID+".json" {
			stats.Skipped = append(stats.Skipped, d.Name())
			return nil
		}
		modified := e.ModifiedTime()
		goEntry := false
		for _, a := range e.Affected {
			if a.Package.Ecosystem != Go {
				continue
			}
			goEntry = true
			m := modules[a.Package.Name]
			if m == nil {
				m = &moduleMeta{Path: a.Package.Name, Vulns: []moduleVuln{}}
				modules[a.Package.Name] = m
			}
			// Like the Go project's own index, an entry with several affected objects for one
			// module is listed once per object; readers deduplicate.
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: modified, Fixed: latestFix(a.Ranges)})
		}
		if !goEntry {
			stats.Skipped = append(stats.Skipped, d.Name())
			return nil
		}
		if modified.After(db.Modified) {
			db.Modified = modified
		}
		vulns = append(vulns, vulnMeta{ID: e.ID, Modified: modified, Aliases: e.Aliases})
		stats.Entries++
		return os.WriteFile(filepath.Join(dst, "ID", e.ID+".json"), data, 0o644)
	})
	if err != nil {
		return stats, fmt.Errorf("write v1 database from %s: %w", src, err)
	}
	mods := make([]*moduleMeta, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	stats.Modules = len(mods)
	for name, v := range map[string]any{"db.json": db, "modules.json": mods, "vulns.json": vulns} {
		data, err := json.Marshal(v)
		if err != nil {
			return stats, fmt.Errorf("write v1 database: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dst, "index", name), data, 0o644); err != nil {
			return stats, fmt.Errorf("write v1 database: %w", err)
		}
	}
	return stats, nil
}

// latestFix is the fixed version the modules index records: the highest fix, unless a later
// introduced event reopens the range (then no version is known to fix every branch).
func latestFix(ranges []Range) string {
	var fixed, introduced string
	for _, r := range ranges {
		if r.Type != RangeSemver {
			continue
		}
		for _, e := range r.Events {
			if e.Fixed != "" && (fixed == "" || semver.Compare("v"+e.Fixed, "v"+fixed) > 0) {
				fixed = e.Fixed
			}
			if e.Introduced != "" && e.Introduced != "0" && (introduced == "" || semver.Compare("v"+e.Introduced, "v"+introduced) > 0) {
				introduced = e.Introduced
			}
		}
	}
	if fixed == "" || introduced != "" && semver.Compare("v"+introduced, "v"+fixed) > 0 {
		return ""
	}
	return fixed
}
