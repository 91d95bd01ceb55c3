// Package listenall reports servers bound to every network interface and the net/http/pprof
// debugging endpoints exposed on the default mux.
package listenall

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"net"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report listeners on all interfaces and exposed pprof

A listener on ":8080", "0.0.0.0:8080" or "[::]:8080" accepts connections on every network
interface of the host, including ones facing networks the service was not meant for (CWE-1327).
Only constant addresses are judged: ":" + port, fmt.Sprintf(":%d", port) and
net.JoinHostPort("", port) count; addresses from configuration do not. Test files and Unix
sockets are not reported.

Importing net/http/pprof registers /debug/pprof/ handlers on http.DefaultServeMux; a package
that also serves the default mux (a nil handler, an http.Server without Handler,
http.DefaultServeMux itself, or http.DefaultServeMux.ServeHTTP mounted in another router) publishes heap dumps, goroutine stacks and CPU profiles to anyone who
can reach it (CWE-200). Transitive imports of pprof are followed as far as type information
allows.

Fix: bind to 127.0.0.1 or an address from configuration; serve pprof on a separate mux bound to
localhost (mux.HandleFunc("/debug/pprof/", pprof.Index) …) and give the public server its own mux.`

const (
	ruleListenAll = "go-listen-all-interfaces"
	rulePprof     = "go-pprof-default-mux"
	docsURL       = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"
	httpPath      = "net/http"
	pprofPath     = "net/http/pprof"
)

// Analyzer reports listeners on all interfaces and exposed pprof handlers.
var Analyzer = &analysis.Analyzer{
	Name:             "listenall",
	Doc:              doc,
	URL:              docsURL + ruleListenAll,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{
	{
		ID:          ruleListenAll,
		Title:       "Listening on all network interfaces",
		Layer:       finding.Code,
		Severity:    finding.Low,
		Description: "The server binds to every interface of the host, so it is reachable from any network the host is on, not only the intended one.",
		Remediation: "Bind to 127.0.0.1 (or the intended interface) or read the listen address from configuration; restrict exposure with network policy when all interfaces are needed.",
		References:  []string{"CWE-1327"},
		HelpURL:     docsURL + ruleListenAll,
	},
	{
		ID:          rulePprof,
		Title:       "pprof handlers exposed on the default mux",
		Layer:       finding.Code,
		Severity:    finding.High,
		Description: "net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, and this package serves that mux, so anyone who can reach the server can download heap dumps, goroutine stacks and profiles.",
		Remediation: "Give the public server its own http.ServeMux, and serve pprof handlers on a separate mux bound to localhost or behind authentication.",
		References:  []string{"CWE-200"},
		HelpURL:     docsURL + rulePprof,
	},
}

// listenCall locates the network and address arguments of a listening function; netArg is -1
// when the network is implied (HTTP is always TCP).
type listenCall struct {
	pkg, recv, name string
	netArg, addrArg int
}

var listenCalls = []listenCall{
	{pkg: "net", name: "Listen", netArg: 0, addrArg: 1},
	{pkg: "net", name: "ListenPacket", netArg: 0, addrArg: 1},
	{pkg: "crypto/tls", name: "Listen", netArg: 0, addrArg: 1},
	{pkg: "net", recv: "ListenConfig", name: "Listen", netArg: 1, addrArg: 2},
	{pkg: "net", recv: "ListenConfig", name: "ListenPacket", netArg: 1, addrArg: 2},
	{pkg: httpPath, name: "ListenAndServe", netArg: -1, addrArg: 0},
	{pkg: httpPath, name: "ListenAndServeTLS", netArg: -1, addrArg: 0},
}

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	info := pass.TypesInfo
	var defaultMux []ast.Node // where the package serves http.DefaultServeMux
	for cur := range ins.Root().Preorder((*ast.CallExpr)(nil), (*ast.CompositeLit)(nil), (*ast.SelectorExpr)(nil)) {
		if passutil.IsTestFile(pass, cur.Node().Pos()) {
			continue
		}
		switch n := cur.Node().(type) {
		case *ast.SelectorExpr:
			if forwardsToDefaultMux(info, cur, n) {
				defaultMux = append(defaultMux, n)
			}
		case *ast.CallExpr:
			for _, lc := range listenCalls {
				if lc.matches(info, n) {
					checkAddress(pass, n, lc)
				}
			}
			if servesDefaultMux(info, n) {
				defaultMux = append(defaultMux, n)
			}
		case *ast.CompositeLit:
			if !passutil.TypeIs(info, n, httpPath, "Server") {
				continue
			}
			if kv, ok := passutil.Field(n, "Addr"); ok {
				if host, all := allInterfaces(info, kv.Value); all {
					reportListen(pass, kv.Value, "http.Server", host)
				}
			}
			if serverUsesDefaultMux(info, cur, n) {
				defaultMux = append(defaultMux, n)
			}
		}
	}
	if len(defaultMux) > 0 {
		checkPprof(pass, defaultMux)
	}
	return nil, nil
}

func (lc listenCall) matches(info *types.Info, call *ast.CallExpr) bool {
	if len(call.Args) <= lc.addrArg {
		return false
	}
	if lc.recv != "" {
		return passutil.IsMethodCall(info, call, lc.pkg, lc.recv, lc.name)
	}
	return passutil.IsFuncCall(info, call, lc.pkg, lc.name)
}

func checkAddress(pass *analysis.Pass, call *ast.CallExpr, lc listenCall) {
	info := pass.TypesInfo
	if lc.netArg >= 0 {
		if network, ok := passutil.ConstString(info, call.Args[lc.netArg]); ok && strings.HasPrefix(network, "unix") {
			return
		}
	}
	addr := call.Args[lc.addrArg]
	if host, all := allInterfaces(info, addr); all {
		name := lc.name
		if lc.recv == "" {
			name = lc.pkg[strings.LastIndex(lc.pkg, "/")+1:] + "." + lc.name
		}
		reportListen(pass, addr, name, host)
	}
}

func reportListen(pass *analysis.Pass, addr ast.Expr, what, host string) {
	shown := types.ExprString(addr)
	if len(shown) > 60 {
		shown = shown[:57] + "..."
	}
	iface := "every interface"
	if host != "" {
		iface = "every interface (" + host + ")"
	}
	passutil.Report(pass, ruleListenAll, addr, fmt.Sprintf("%s listens on %s with address %s; bind to 127.0.0.1 or a configured address", what, iface, shown))
}

// allInterfaces reports whether a constant-shaped address binds every interface, and the host
// it names ("" for an empty host).
func allInterfaces(info *types.Info, addr ast.Expr) (string, bool) {
	if s, ok := passutil.ConstString(info, addr); ok {
		host, _, err := net.SplitHostPort(s)
		if err != nil {
			return "", false
		}
		return host, isAnyHost(host)
	}
	switch e := passutil.Unparen(addr).(type) {
	case *ast.BinaryExpr: // ":" + port
		if e.Op != token.ADD {
			return "", false
		}
		if prefix, ok := passutil.ConstString(info, e.X); ok {
			return hostPrefix(prefix)
		}
	case *ast.CallExpr:
		switch {
		case passutil.IsFuncCall(info, e, "fmt", "Sprintf") && len(e.Args) > 0:
			if format, ok := passutil.ConstString(info, e.Args[0]); ok {
				return hostPrefix(format)
			}
		case passutil.IsFuncCall(info, e, "net", "JoinHostPort") && len(e.Args) == 2:
			if host, ok := passutil.ConstString(info, e.Args[0]); ok {
				return host, isAnyHost(host)
			}
		}
	}
	return "", false
}

// hostPrefix judges the start of an address built at run time: ":" or "0.0.0.0:" followed by
// the port.
func hostPrefix(prefix string) (string, bool) {
	i := strings.LastIndex(prefix, ":")
	if i < 0 {
		return "", false
	}
	host := strings.TrimSuffix(strings.TrimPrefix(prefix[:i], "["), "]")
	if strings.ContainsAny(host, "%{}") {
		return "", false // the host itself is formatted in
	}
	return host, isAnyHost(host)
}

func isAnyHost(host string) bool {
	switch host {
	case "", "0.0.0.0", "::", "0:0:0:0:0:0:0:0":
		return true
	}
	return false
}

// servesDefaultMux reports whether a call serves http.DefaultServeMux: a nil handler to the
// package-level serve functions, or http.DefaultServeMux passed as an argument to them.
func servesDefaultMux(info *types.Info, call *ast.CallExpr) bool {
	handlerArg := -1
	switch {
	case passutil.IsFuncCall(info, call, httpPath, "ListenAndServe", "Serve"):
		handlerArg = 1
	case passutil.IsFuncCall(info, call, httpPath, "ListenAndServeTLS", "ServeTLS"):
		handlerArg = 3
	}
	if handlerArg < 0 || handlerArg >= len(call.Args) {
		return false
	}
	h := call.Args[handlerArg]
	return passutil.IsNil(info, h) || passutil.IsPackageMember(info, h, httpPath, "DefaultServeMux")
}

// forwardsToDefaultMux reports a use of http.DefaultServeMux as a handler inside another router,
// such as r.Get("/debug/*", http.DefaultServeMux.ServeHTTP). Registering on it (Handle,
// HandleFunc) or looking a handler up is not serving it; passing it to the serve functions or
// as Server.Handler is caught where those are checked.
func forwardsToDefaultMux(info *types.Info, cur inspector.Cursor, sel *ast.SelectorExpr) bool {
	if !passutil.IsPackageMember(info, sel, httpPath, "DefaultServeMux") {
		return false
	}
	parent := cur.Parent()
	if !parent.Valid() {
		return false
	}
	switch p := parent.Node().(type) {
	case *ast.SelectorExpr:
		return p.Sel.Name == "ServeHTTP"
	case *ast.CallExpr:
		// An argument to something other than the serve functions (checked elsewhere).
		return p.Fun != sel && !servesDefaultMux(info, p)
	}
	return false
}

// serverUsesDefaultMux reports whether an http.Server literal leaves Handler nil (and nothing
// in the function sets it later) or sets it to http.DefaultServeMux.
func serverUsesDefaultMux(info *types.Info, cur inspector.Cursor, lit *ast.CompositeLit) bool {
	for _, elt := range lit.Elts {
		if _, ok := elt.(*ast.KeyValueExpr); !ok {
			return false // unkeyed: the handler is listed positionally
		}
	}
	kv, ok := passutil.Field(lit, "Handler")
	if ok {
		return passutil.IsNil(info, kv.Value) || passutil.IsPackageMember(info, kv.Value, httpPath, "DefaultServeMux")
	}
	if target := passutil.AssignedTo(cur); target != nil {
		if fn, ok := passutil.EnclosingFuncCursor(cur); ok && passutil.SetsField(info, fn.Node(), target, "Handler") {
			return false
		}
	}
	return true
}

// checkPprof reports net/http/pprof imported by this package (at the import) or reached through
// its imports (at the first place the default mux is served).
func checkPprof(pass *analysis.Pass, serving []ast.Node) {
	first := serving[0]
	where := pass.Fset.Position(first.Pos())
	servedAt := fmt.Sprintf("%s:%d", shortName(where.Filename), where.Line)
	reported := false
	for _, file := range pass.Files {
		if passutil.IsTestFile(pass, file.Pos()) {
			continue
		}
		for _, spec := range file.Imports {
			if path, err := strconv.Unquote(spec.Path.Value); err == nil && path == pprofPath {
				passutil.Report(pass, rulePprof, spec, fmt.Sprintf("net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which this package serves (%s); anyone who can reach it can read heap dumps and profiles", servedAt))
				reported = true
			}
		}
	}
	if reported || pass.Pkg == nil {
		return
	}
	if via := importerOf(pass.Pkg, pprofPath); via != "" {
		passutil.Report(pass, rulePprof, first, fmt.Sprintf("this serves http.DefaultServeMux, where %s registers /debug/pprof/ by importing net/http/pprof; anyone who can reach it can read heap dumps and profiles", via))
	}
}

func shortName(filename string) string {
	return filename[strings.LastIndexAny(filename, `/\`)+1:]
}

// importerOf returns a package in pkg's import graph (pkg excluded) that imports target
// directly, breadth first and in sorted order for stable messages. The standard library is not
// searched (no standard package imports net/http/pprof); a path whose first element has no dot
// counts as standard unless it shares pkg's first element.
func importerOf(pkg *types.Package, target string) string {
	root := strings.Split(pkg.Path(), "/")[0]
	isStd := func(path string) bool {
		first := strings.Split(path, "/")[0]
		return !strings.Contains(first, ".") && first != root
	}
	seen := map[*types.Package]bool{pkg: true}
	queue := []*types.Package{pkg}
	const limit = 5000 // bound the walk on enormous graphs
	for len(queue) > 0 && len(seen) < limit {
		p := queue[0]
		queue = queue[1:]
		imports := append([]*types.Package(nil), p.Imports()...) // Imports returns the package's own slice
		sort.Slice(imports, func(i, j int) bool { return imports[i].Path() < imports[j].Path() })
		for _, imp := range imports {
			if imp.Path() == target && p != pkg {
				return p.Path()
			}
			if seen[imp] || isStd(imp.Path()) {
				continue
			}
			seen[imp] = true
			queue = append(queue, imp)
		}
	}
	return ""
}
