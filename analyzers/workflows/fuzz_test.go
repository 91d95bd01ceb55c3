package workflows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers/internal/fixturetest"
	"github.com/fourcsec/fourc/analyzers/workflows"
)

// FuzzScan feeds arbitrary bytes to the scanner as both a workflow and a composite action, the
// two shapes it reads. Whatever the YAML holds — anchors, merge keys, expressions cut short —
// the scan must neither fail nor panic, and its findings must point inside the file.
func FuzzScan(f *testing.F) {
	_ = filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && workflows.IsWorkflowFile(filepath.ToSlash(p)) {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	for _, seed := range []string{
		"on: pull_request_target\njobs: {a: {steps: [{uses: actions/checkout@v4, with: {ref: '${{ github.event.pull_request.head.sha }}'}}, {run: make}]}}",
		"on: issue_comment\njobs:\n  a:\n    runs-on: x\n    steps:\n    - run: |\n        echo \"${{ github.event.comment.body }}\"\n",
		"runs: {using: composite, steps: [{run: 'echo ${{ inputs.x }}', shell: bash}, {uses: foo/bar@main}]}",
		"a: &a [*a]", "on: &x\n  <<: *x\n", "permissions: write-all\non: push\njobs: {a: {steps: [{run: \"echo ${{ secrets.T }}\"}]}}",
		"on: push\r\njobs: {a: {steps: [{run: x}]}}\u2028\rjobs2: 1\n", "jobs: {a: {steps: [{run: \"${{ github['\"}]}}",
		"\xef\xbb\xbfon: [push]\njobs:\n  a:\n    uses: org/repo/.github/workflows/w.yml@v1\n" + strings.Repeat(" ", 3),
	} {
		f.Add([]byte(seed))
	}
	fixturetest.FuzzScanner(f, workflows.New(), ".github/workflows/fuzz.yml", "action.yml")
}
