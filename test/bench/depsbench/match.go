package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/versions"
)

// matchCmd times what a scan of a large module pays before any reachability: loading the
// snapshot, looking up every module of a build list (go list -m -json all output) and matching
// its version.
func matchCmd(args []string) error {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	db := fs.String("db", "", "folder of OSV files")
	buildList := fs.String("buildlist", "", "go list -m -json all output")
	limit := fs.Int("n", 300, "modules to match")
	runs := fs.Int("runs", 5, "timed runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*buildList)
	if err != nil {
		return err
	}
	var queries []osv.Query
	dec := json.NewDecoder(bytes.NewReader(data))
	for len(queries) < *limit {
		var m struct {
			Path, Version string
			Main          bool
		}
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		if !m.Main && m.Version != "" {
			queries = append(queries, osv.Query{Ecosystem: osv.Go, Name: m.Path, Version: m.Version})
		}
	}
	var best, bestLoad time.Duration
	affected, advisories := 0, 0
	for r := 0; r < *runs; r++ {
		began := time.Now()
		src, err := osv.OpenDir(*db)
		if err != nil {
			return err
		}
		loaded := time.Since(began)
		advisories = src.Ecosystems()[osv.Go]
		answers, err := src.Lookup(context.Background(), queries)
		if err != nil {
			return err
		}
		affected = 0
		for i, q := range queries {
			for _, e := range answers[i].Entries {
				for _, a := range e.AffectedFor(osv.Go, q.Name) {
					if v, _ := versions.Affects(osv.Go, q.Version, a); v == versions.Affected {
						affected++
						break
					}
				}
			}
		}
		total := time.Since(began)
		if r == 0 || total < best {
			best, bestLoad = total, loaded
		}
	}
	fmt.Printf("| %d advisories | %d modules | %d | %v | %v |\n",
		advisories, len(queries), affected, bestLoad.Round(time.Millisecond), best.Round(time.Millisecond))
	return nil
}
