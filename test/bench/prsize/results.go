package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// results is what `prsize measure` records and `prsize report` reads: every run, so that the
// report's medians and spreads can always be checked against the raw figures.
type results struct {
	Module       string     `json:"module"`
	FourcVersion string     `json:"fourc_version"`
	Command      string     `json:"command"` // the scan command of a pull-request scenario
	VulnDB       string     `json:"vulndb"`  // the OSV snapshot, relative to the fourc checkout where it can be
	Runs         int        `json:"runs"`
	Machine      machine    `json:"machine"`
	Tree         treeStats  `json:"tree"`
	Scenarios    []scenario `json:"scenarios"`
	Started      time.Time  `json:"started"`
	Finished     time.Time  `json:"finished"`
	LoadAtEnd    string     `json:"load_at_end"`
}

type machine struct {
	Cores       int    `json:"cores"`
	MemoryBytes uint64 `json:"memory_bytes"`
	GoVersion   string `json:"go_version"`
	Platform    string `json:"platform"`
	Commit      string `json:"commit"`
	// Dirty is set when the checkout had uncommitted changes: the binary measured is then not
	// exactly the commit named.
	Dirty       bool   `json:"dirty"`
	LoadAtStart string `json:"load_at_start"`
}

// treeStats describes the scanned repository at its base commit.
type treeStats struct {
	Files       int `json:"files"`
	GoFiles     int `json:"go_files"`
	GoTestFiles int `json:"go_test_files"`
	GoDirs      int `json:"go_dirs"`
	GoLines     int `json:"go_lines"`
}

type scenario struct {
	Name string `json:"name"`
	// Kind is "pr" (files changed on a head commit, scanned with --base) or "full" (--all, no
	// base).
	Kind         string   `json:"kind"`
	Branch       string   `json:"branch"`
	ChangedFiles []string `json:"changed_files,omitempty"`
	Runs         []run    `json:"runs"`
}

type run struct {
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	// MaxRSSBytes is the peak resident set of the largest process of the scan's tree (fourc
	// itself, or a go command it ran), 0 where the platform does not report it.
	MaxRSSBytes  int64    `json:"max_rss_bytes"`
	Findings     int      `json:"findings"` // summary.shown of the JSON report
	ScannedFiles int      `json:"scanned_files"`
	Partial      []string `json:"partial,omitempty"`
	LoadAtStart  string   `json:"load_at_start"`
}

func readResults(path string) (*results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var r results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("parse results %s: %w", path, err)
	}
	return &r, nil
}

func writeResults(path string, r *results) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// summary is the median of a scenario's runs, what the table and the chart show.
type summary struct {
	wall, wallMin, wallMax float64
	cpu                    float64
	rssMiB                 float64
	findings               int
	findingsVary           bool
	partial                []string
}

func summarize(s scenario) summary {
	var walls, cpus, rss []float64
	var sum summary
	for i, r := range s.Runs {
		walls = append(walls, r.WallSeconds)
		cpus = append(cpus, r.CPUSeconds)
		rss = append(rss, float64(r.MaxRSSBytes)/(1<<20))
		if i == 0 {
			sum.findings = r.Findings
		} else if r.Findings != sum.findings {
			sum.findingsVary = true
		}
		if len(r.Partial) > 0 {
			sum.partial = r.Partial
		}
	}
	sum.wall, sum.wallMin, sum.wallMax = median(walls), minOf(walls), maxOf(walls)
	sum.cpu, sum.rssMiB = median(cpus), median(rss)
	return sum
}
