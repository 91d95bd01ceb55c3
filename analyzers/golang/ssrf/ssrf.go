// Package ssrf reports outgoing requests whose URL comes from untrusted input (go-ssrf).
package ssrf

import (
	"go/token"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/fourcsec/fourc/analyzers/golang/taint"
	"github.com/fourcsec/fourc/shared/finding"
)

// RuleID is the fourc rule this analyzer reports.
const RuleID = "go-ssrf"

const doc = `report outgoing requests to URLs from untrusted input

The go-ssrf rule follows data from HTTP requests to the URL of http.Get, Head, Post, PostForm,
http.NewRequest(WithContext), the same methods of *http.Client, httputil's reverse proxy, and
to the address of net.Dial, net.DialTimeout, (*net.Dialer).Dial(Context) and tls.Dial. A
client that chooses where the server connects reaches internal services, cloud metadata
endpoints (169.254.169.254) and the loopback interface from inside the network.

Only the host matters: a URL whose scheme and host are fixed by a constant prefix
("https://api.example.com/users/" + id, fmt.Sprintf("https://api.example.com/%s", id),
url.JoinPath("https://api.example.com", id), url.URL{Scheme: "https", Host: "api.example.com",
Path: p}) is not reported, and neither is a URL whose parsed host was compared with a value,
looked up in an allow-list or checked with strings.HasSuffix before the request. url.PathEscape
alone is not a fix when the data is the whole URL.

Fix: build the URL from a constant scheme and host, or parse it and check u.Host against an
allow-list before the request; for open-ended fetches, dial through a net.Dialer whose Control
function rejects private, loopback and link-local addresses.`

// Analyzer reports untrusted data reaching the URL or address of an outgoing connection.
var Analyzer = &analysis.Analyzer{
	Name:      "ssrf",
	Doc:       doc,
	URL:       "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(summaryFact)},
}

// Rules is the fourc metadata of the rules Analyzer reports.
var Rules = []finding.Rule{{
	ID:       RuleID,
	Title:    "Server-side request to a URL from untrusted input",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "Data from an HTTP request chooses the host of a request or connection the server makes. " +
		"The client can make the server reach internal services, the cloud metadata endpoint or localhost, " +
		"bypassing network boundaries (server-side request forgery).",
	Remediation: "Build outgoing URLs from a constant scheme and host and put request data only in the path or " +
		"query, or parse the URL and compare u.Host with an allow-list before sending the request.",
	References: []string{"CWE-918"},
	HelpURL:    "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#" + RuleID,
}}

// summaryFact carries a function's taint summary to importing packages.
type summaryFact struct{ Flow taint.Summary }

func (*summaryFact) AFact()                    {}
func (f *summaryFact) Summary() *taint.Summary { return &f.Flow }
func (f *summaryFact) String() string          { return f.Flow.String() }

var sinks = []taint.Sink{
	{Func: taint.Func{Pkg: "net/http", Name: "Get"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http", Name: "Head"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http", Name: "Post"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http", Name: "PostForm"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http", Name: "NewRequest"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "net/http", Name: "NewRequestWithContext"}, Args: []int{2}},
	{Func: taint.Func{Pkg: "net/http", Recv: "Client", Name: "Get"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http", Recv: "Client", Name: "Head"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http", Recv: "Client", Name: "Post"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http", Recv: "Client", Name: "PostForm"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net/http/httputil", Name: "NewSingleHostReverseProxy"}, Args: []int{0}},
	{Func: taint.Func{Pkg: "net", Name: "Dial"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "net", Name: "DialTimeout"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "net", Recv: "Dialer", Name: "Dial"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "net", Recv: "Dialer", Name: "DialContext"}, Args: []int{2}},
	{Func: taint.Func{Pkg: "crypto/tls", Name: "Dial"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/tls", Name: "DialWithDialer"}, Args: []int{2}},
	{Func: taint.Func{Pkg: "crypto/tls", Recv: "Dialer", Name: "Dial"}, Args: []int{1}},
	{Func: taint.Func{Pkg: "crypto/tls", Recv: "Dialer", Name: "DialContext"}, Args: []int{2}},
}

func run(pass *analysis.Pass) (any, error) {
	cfg := &taint.Config{
		Classes: taint.Remote,
		Sinks:   sinks,
		Clean:   fixedHost,
		Guards:  taint.GuardURLHost | taint.GuardEqualConst | taint.GuardAllowList | taint.GuardValidator,
		NewFact: func() taint.SummaryFact { return new(summaryFact) },
		Report: func(f taint.Finding) {
			pass.Report(analysis.Diagnostic{
				Pos:      f.Pos,
				Category: RuleID,
				Message:  "outgoing request to a URL built from untrusted data: " + f.Describe(),
			})
		},
	}
	return nil, taint.Run(pass, cfg)
}

// fixedHost reports whether v is a URL whose scheme and host are constant, whatever else it
// contains: the attacker can then only choose a path or query on a host the code picked.
func fixedHost(v ssa.Value) bool {
	switch x := v.(type) {
	case *ssa.BinOp:
		if x.Op != token.ADD {
			return false
		}
		prefix, ok := leadingConst(x)
		return ok && taint.FixedHost(prefix)
	case *ssa.Call:
		fn := x.Call.StaticCallee()
		if fn == nil || len(x.Call.Args) == 0 {
			return false
		}
		path := taint.FuncPath(fn)
		switch {
		case path == "fmt" && fn.Name() == "Sprintf":
			format, ok := taint.ConstString(x.Call.Args[0])
			return ok && taint.FixedHost(format)
		case path == "net/url" && fn.Name() == "JoinPath":
			base, ok := taint.ConstString(x.Call.Args[0])
			return ok && taint.FixedHost(base+"/")
		case path == "net/url" && fn.Name() == "String" && taint.IsNamed(x.Call.Args[0].Type(), "net/url", "URL"):
			return constantHostURL(x.Call.Args[0])
		}
	case *ssa.Extract:
		// url.JoinPath returns (string, error)
		if x.Index == 0 {
			if call, ok := x.Tuple.(*ssa.Call); ok {
				return fixedHost(call)
			}
		}
	}
	return false
}

// leadingConst returns the constant at the far left of a chain of string concatenations.
func leadingConst(v ssa.Value) (string, bool) {
	for range 64 {
		switch x := v.(type) {
		case *ssa.BinOp:
			if x.Op != token.ADD {
				return "", false
			}
			v = x.X
		default:
			return taint.ConstString(v)
		}
	}
	return "", false
}

// constantHostURL reports whether u points to a url.URL literal whose Scheme and Host fields
// are only ever set to constants, and are set.
func constantHostURL(u ssa.Value) bool {
	alloc, ok := u.(*ssa.Alloc)
	if !ok {
		return false
	}
	var scheme, host bool
	for _, ref := range *alloc.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok {
			continue
		}
		name := taint.FieldName(fa)
		if name != "Scheme" && name != "Host" {
			continue
		}
		for _, r := range *fa.Referrers() {
			st, ok := r.(*ssa.Store)
			if !ok || st.Addr != fa {
				continue
			}
			if _, isConst := taint.ConstString(st.Val); !isConst {
				return false
			}
			if name == "Scheme" {
				scheme = true
			} else {
				host = true
			}
		}
	}
	return scheme && host
}
