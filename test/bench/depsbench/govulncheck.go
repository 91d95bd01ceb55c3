package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// govulncheckMessage is one message of govulncheck -format json: the parts read here.
type govulncheckMessage struct {
	Config *struct {
		GoVersion string `json:"go_version"`
	} `json:"config"`
	Finding *struct {
		OSV   string `json:"osv"`
		Trace []struct {
			Module   string `json:"module"`
			Package  string `json:"package"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

// govulncheckCmd turns govulncheck's stream into levels: a finding whose first trace frame names
// a function is symbol level, one naming a package is package level, else module level.
func govulncheckCmd(args []string) error {
	fs := flag.NewFlagSet("govulncheck", flag.ContinueOnError)
	in := fs.String("in", "", "govulncheck -format json output")
	out := fs.String("out", "", "levels JSON to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	res := &levels{Tool: "govulncheck", Levels: map[string]string{}, Modules: map[string]string{}}
	dec := json.NewDecoder(f)
	for {
		var m govulncheckMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fmt.Errorf("%s: %w", *in, err)
		}
		if m.Config != nil {
			res.Notes = append(res.Notes, "go version "+m.Config.GoVersion)
		}
		if m.Finding == nil || len(m.Finding.Trace) == 0 {
			continue
		}
		top := m.Finding.Trace[0]
		level := "module"
		switch {
		case top.Function != "":
			level = "symbol"
		case top.Package != "":
			level = "package"
		}
		res.add(m.Finding.OSV, level, top.Module)
	}
	return writeJSON(*out, res)
}
