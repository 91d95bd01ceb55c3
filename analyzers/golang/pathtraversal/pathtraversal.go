// Package pathtraversal reports file paths built from untrusted input (go-path-traversal) and
// archive entries extracted outside their destination (go-zip-slip).
package pathtraversal

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"

	"github.com/fourcsec/fourc/analyzers/golang/taint"
	"github.com/fourcsec/fourc/shared/finding"
)

// Rule ids this analyzer reports.
const (
	TraversalID = "go-path-traversal"
	ZipSlipID   = "go-zip-slip"
)

const doc = `report file paths built from untrusted input and zip slip

The go-path-traversal rule follows data from HTTP requests to the path of os.Open, OpenFile,
ReadFile, WriteFile, Create, Remove, RemoveAll, Mkdir, Rename, ReadDir, DirFS, http.ServeFile and
their io/ioutil twins. A name such as "../../etc/passwd", or an absolute path, reads or
overwrites files outside the directory the code meant to serve.

The go-zip-slip rule treats the names of entries in zip and tar archives (zip.FileHeader.Name,
tar.Header.Name and Linkname) as untrusted, and reports them reaching a call that creates or
writes files: extracting a crafted archive writes outside the destination directory.

A path is safe after filepath.Base, after filepath.IsLocal, after strings.HasPrefix on the
result of filepath.Clean, Join, Abs or EvalSymlinks (the check must dominate the use), after a
filepath.Rel result checked not to start with "..", or when opened through os.Root /
os.OpenInRoot, which are not sinks.

Fix: open files through os.OpenInRoot(dir, name) or (*os.Root).Open (Go 1.24+); otherwise
reject names for which filepath.IsLocal is false before joining them to the base directory.`

// Analyzer reports untrusted data and archive entry names reaching file system paths.
var Analyzer = &analysis.Analyzer{
	Name:      "pathtraversal",
	Doc:       doc,
	URL:       "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + TraversalID,
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(summaryFact)},
}

// Rules is the fourc metadata of the rules Analyzer reports.
var Rules = []finding.Rule{
	{
		ID:       TraversalID,
		Title:    "File path built from untrusted input",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "Data from an HTTP request reaches the path of a file operation without a check that it stays " +
			"inside the intended directory. \"../\" sequences or an absolute path read, overwrite or delete files " +
			"anywhere the server can reach.",
		Remediation: "Open files with os.OpenInRoot(dir, name) or an os.Root; otherwise reject names for which " +
			"filepath.IsLocal is false, or check strings.HasPrefix(filepath.Clean(path), base+string(os.PathSeparator)) " +
			"before using the path.",
		References: []string{"CWE-22"},
		HelpURL:    "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + TraversalID,
	},
	{
		ID:       ZipSlipID,
		Title:    "Archive entry extracted outside the destination",
		Layer:    finding.Code,
		Severity: finding.High,
		Description: "The name of a zip or tar entry becomes the path of a file that is created or written. " +
			"An archive with entries such as \"../../home/app/.ssh/authorized_keys\" overwrites files outside the " +
			"extraction directory (zip slip).",
		Remediation: "Reject entries for which filepath.IsLocal(name) is false, or extract through an os.Root " +
			"opened on the destination directory.",
		References: []string{"CWE-22"},
		HelpURL:    "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + ZipSlipID,
	},
}

// summaryFact carries a function's taint summary to importing packages.
type summaryFact struct{ Flow taint.Summary }

func (*summaryFact) AFact()                    {}
func (f *summaryFact) Summary() *taint.Summary { return &f.Flow }
func (f *summaryFact) String() string          { return f.Flow.String() }

// Sink kinds: zip slip is about creating and writing files.
const (
	read  = "read"
	write = "write"
)

var sinks = func() []taint.Sink {
	var out []taint.Sink
	add := func(pkg, kind string, args []int, names ...string) {
		for _, name := range names {
			out = append(out, taint.Sink{Func: taint.Func{Pkg: pkg, Name: name}, Args: args, Kind: kind})
		}
	}
	first := []int{0}
	add("os", read, first, "Open", "ReadFile", "ReadDir", "DirFS", "Readlink")
	add("os", write, first, "OpenFile", "WriteFile", "Create", "CreateTemp", "MkdirTemp", "Remove", "RemoveAll",
		"Mkdir", "MkdirAll", "Chmod", "Chown", "Lchown", "Chtimes", "Truncate")
	add("os", write, []int{0, 1}, "Rename", "Symlink", "Link")
	add("io/ioutil", read, first, "ReadFile", "ReadDir")
	add("io/ioutil", write, first, "WriteFile", "TempFile", "TempDir")
	add("net/http", read, []int{2}, "ServeFile")
	return out
}()

// archiveNames are the names inside archives, untrusted as soon as the archive is.
var archiveNames = []taint.FieldSource{
	{Pkg: "archive/zip", Type: "FileHeader", Fields: []string{"Name"}, Class: taint.Archive},
	{Pkg: "archive/tar", Type: "Header", Fields: []string{"Name", "Linkname"}, Class: taint.Archive},
}

var sanitizers = []taint.Func{
	{Pkg: "path/filepath", Name: "Base"},
	{Pkg: "path", Name: "Base"},
}

func run(pass *analysis.Pass) (any, error) {
	cfg := &taint.Config{
		Classes:      taint.Remote | taint.Archive,
		FieldSources: archiveNames,
		Sinks:        sinks,
		Sanitizers:   sanitizers,
		Guards:       taint.GuardPath | taint.GuardEqualConst | taint.GuardAllowList | taint.GuardRegexp | taint.GuardValidator,
		NewFact:      func() taint.SummaryFact { return new(summaryFact) },
		Report:       func(f taint.Finding) { report(pass, f) },
	}
	return nil, taint.Run(pass, cfg)
}

// report splits a finding by where its data came from: request data is path traversal
// whatever the operation; an archive entry name is zip slip when the operation writes.
func report(pass *analysis.Pass, f taint.Finding) {
	remote, archive := f, f
	remote.Sources, archive.Sources = nil, nil
	for _, s := range f.Sources {
		if s.Class&taint.Archive != 0 {
			archive.Sources = append(archive.Sources, s)
		} else {
			remote.Sources = append(remote.Sources, s)
		}
	}
	if len(remote.Sources) > 0 {
		pass.Report(analysis.Diagnostic{
			Pos:      f.Pos,
			Category: TraversalID,
			Message:  "file path built from untrusted data: " + remote.Describe(),
		})
	}
	if len(archive.Sources) > 0 && f.Sink.Kind == write {
		pass.Report(analysis.Diagnostic{
			Pos:      f.Pos,
			Category: ZipSlipID,
			Message:  "archive entry name used as a path without a containment check (zip slip): " + archive.Describe(),
		})
	}
}
