// Package reach decides how far a Go module's code reaches into each vulnerable package of its
// dependencies, at the three levels govulncheck reports:
//
//   - Required: the vulnerable module is in the build list, but no package of the module
//     imports a vulnerable package (directly or through other packages);
//   - Imported: some package of the module imports a vulnerable package, but no path of calls
//     from the module's entry points reaches a vulnerable symbol;
//   - Called: such a path exists; one shortest path is kept, with the position of every call.
//
// The import graph comes from `go list` alone and is cheap. The call graph follows govulncheck:
// the packages are type-checked from source and turned into SSA, a CHA call graph seeds VTA
// (variable type analysis), twice, over the functions reachable from the entry points — main and
// init of main packages, and the exported functions and methods of library packages.
//
// What keeps it cheaper than govulncheck is that function bodies are kept only where a path to
// vulnerable code can run: in packages that (transitively) import a vulnerable package that the
// module imports. Every other package is type-checked from its declarations alone. A body that
// cannot reach vulnerable code can still call back into one that can (net/http calling a
// handler, sort.Slice calling a closure), so a function value, closure or interface value that
// is handed to a trimmed function, or stored in a variable or a struct of a trimmed package, is
// treated as called by the function that hands it over. See callgraph.go.
package reach

import (
	"go/token"
	"time"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
)

// Level is how far the module reaches into a vulnerability.
type Level int

const (
	Required Level = iota
	Imported
	Called
)

func (l Level) String() string {
	switch l {
	case Called:
		return "called"
	case Imported:
		return "imported"
	default:
		return "required"
	}
}

// Vuln is one advisory affecting a module in the build list, at the version in use.
type Vuln struct {
	ID string
	// Module is the module path as the database writes it ("stdlib" for the standard library).
	Module string
	// Imports are the vulnerable packages and their symbols for this platform; empty means
	// every package and symbol of the module.
	Imports []osv.GoImport
}

// Config says what to load and how.
type Config struct {
	// Dir is where the go command runs (the module or workspace directory).
	Dir string
	// Env is the complete, locked-down environment of the go command.
	Env []string
	// BuildFlags are extra go list flags (-modfile=…).
	BuildFlags []string
	// Patterns select the module's packages; nil means "./...".
	Patterns []string
	// Root is the scanned tree; InTree says whether a slash path relative to it is a regular
	// file of the tree. Files outside the tree are read only from Trusted directories (GOROOT,
	// GOMODCACHE), so a replace directive cannot make the scanner read the host's files.
	Root    string
	InTree  func(rel string) bool
	Trusted []string
	// Symbols asks for the call graph; without it only the import levels are computed.
	Symbols bool
	// KeepAllBodies disables body trimming (for measurements and parity checks).
	KeepAllBodies bool
}

// Reachability is how one main module reaches one vulnerability.
type Reachability struct {
	Level Level
	// ImportChain runs from a package of the main module to the vulnerable package.
	ImportChain []string
	// CallPath runs from an entry point to the vulnerable symbol (Called only).
	CallPath []Frame
}

// Frame is one function on a call path and, except for the last, where it makes the next call.
type Frame struct {
	// Function is the package name and the function as the database names symbols
	// (language.Parse, http.Server.Serve, main.main$1 for a closure).
	Function string
	// Package is the function's import path.
	Package string
	// Position is where the function calls the next frame (or, for the last frame, where the
	// function is declared). Filename is absolute.
	Position token.Position
	// Via, when set, says the next frame is called back by code whose body was not analysed:
	// this function hands it over to Via (http.HandleFunc, a field of http.Server), and fourc
	// assumes the call.
	Via string
}

// Result is the reachability of every vulnerability for every main module.
type Result struct {
	// ByModule maps a main module path to the vulnerabilities it imports or calls, by id;
	// vulnerabilities absent from the map are Required only.
	ByModule map[string]map[string]*Reachability
	// SymbolLevel says whether call paths were computed; when false, Called never appears and
	// Incomplete says why.
	SymbolLevel bool
	// Incomplete lists why the analysis is partial, one sentence each.
	Incomplete []string
	// Stats describe the work done, for benchmarks.
	Stats Stats
}

// Stats describe the work: packages loaded, how many kept their function bodies, and the time
// each phase took.
type Stats struct {
	Packages     int
	BodiesKept   int
	Functions    int
	EntryPoints  int
	SymbolLoaded bool
	// Phase durations: listing the import graph, type-checking, building SSA, the call graph,
	// and the search for paths.
	List, Load, SSA, CallGraph, Search time.Duration
	// HeapAfterLoad, HeapAfterSSA and HeapAfterCallGraph are the live heap (bytes) after each
	// phase, for memory measurements.
	HeapAfterLoad, HeapAfterSSA, HeapAfterCallGraph uint64
}
