// Package decompression reports decompressed streams read to the end without a size limit.
package decompression

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report decompressed data read without a size limit

A few kilobytes of gzip, zlib, flate, bzip2, zstd or a zip entry can expand to gigabytes; reading
such a stream to the end with io.Copy, io.CopyBuffer, io.ReadAll, ioutil.ReadAll or
bytes.Buffer.ReadFrom exhausts memory or disk (a decompression bomb, CWE-409).

A reader counts as decompressing when it comes from gzip/zlib/flate/bzip2/lzw.NewReader, the
klauspost/compress and pgzip equivalents, zstd.NewReader, (*zip.File).Open or (*zip.Reader).Open
in the same function, directly or through bufio.NewReader, tar.NewReader or io.TeeReader.
Wrapping it in io.LimitReader or http.MaxBytesReader, or copying with io.CopyN, is a limit.
Copies to io.Discard are not reported.

Fix: read through io.LimitReader(r, max) (and treat reaching max as an error), or use
io.CopyN(dst, r, max).`

const (
	ruleBomb = "go-decompression-bomb"
	docsURL  = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"
)

// Analyzer reports unbounded reads of decompressed streams.
var Analyzer = &analysis.Analyzer{
	Name:             "decompression",
	Doc:              doc,
	URL:              docsURL + ruleBomb,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{{
	ID:          ruleBomb,
	Title:       "Decompressed data read without a size limit",
	Layer:       finding.Code,
	Severity:    finding.Medium,
	Description: "A decompressing reader is read to the end with no limit, so a small compressed input can expand to gigabytes and exhaust memory or disk.",
	Remediation: "Wrap the reader in io.LimitReader(r, max) and fail when the limit is reached, or copy with io.CopyN(dst, r, max).",
	References:  []string{"CWE-409"},
	HelpURL:     docsURL + ruleBomb,
}}

// decompressors are the package-level constructors of decompressing readers, by package path
// (major versions allowed).
var decompressors = map[string][]string{
	"compress/gzip":                      {"NewReader"},
	"compress/zlib":                      {"NewReader", "NewReaderDict"},
	"compress/flate":                     {"NewReader", "NewReaderDict"},
	"compress/bzip2":                     {"NewReader"},
	"compress/lzw":                       {"NewReader"},
	"github.com/klauspost/compress/gzip": {"NewReader"},
	"github.com/klauspost/compress/zlib": {"NewReader", "NewReaderDict"},
	"github.com/klauspost/compress/flate": {
		"NewReader", "NewReaderDict",
	},
	"github.com/klauspost/compress/zstd":   {"NewReader"},
	"github.com/klauspost/compress/s2":     {"NewReader"},
	"github.com/klauspost/compress/snappy": {"NewReader"},
	"github.com/klauspost/pgzip":           {"NewReader"},
	"github.com/golang/snappy":             {"NewReader"},
	"github.com/pierrec/lz4":               {"NewReader"},
	"github.com/ulikunitz/xz":              {"NewReader"},
	"github.com/dsnet/compress/bzip2":      {"NewReader"},
}

// passThrough wraps a reader without limiting it: the result is as dangerous as its argument.
var passThrough = []struct{ pkg, name string }{
	{"bufio", "NewReader"}, {"bufio", "NewReaderSize"}, {"archive/tar", "NewReader"}, {"io", "TeeReader"},
}

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	for cur := range ins.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		var body *ast.BlockStmt
		switch fn := cur.Node().(type) {
		case *ast.FuncDecl:
			body = fn.Body
		case *ast.FuncLit:
			if insideFunc(cur) {
				continue // analysed with the function that contains it
			}
			body = fn.Body
		}
		if body != nil {
			checkBody(pass, body)
		}
	}
	return nil, nil
}

func insideFunc(cur inspector.Cursor) bool {
	parent := cur.Parent()
	if !parent.Valid() {
		return false
	}
	for range parent.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return true
	}
	return false
}

// checkBody follows decompressing readers through the function in source order: variables
// assigned from a decompressor (or a pass-through wrapper of one) are tracked; reassigning a
// variable to anything else stops tracking it.
func checkBody(pass *analysis.Pass, body *ast.BlockStmt) {
	info := pass.TypesInfo
	tracked := map[types.Object]string{} // variable → what it decompresses
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				obj := passutil.ObjectOf(info, lhs)
				if obj == nil {
					continue
				}
				var rhs ast.Expr
				switch {
				case len(n.Rhs) == len(n.Lhs):
					rhs = n.Rhs[i]
				case len(n.Rhs) == 1 && i == 0:
					rhs = n.Rhs[0] // r, err := gzip.NewReader(…)
				}
				if rhs == nil {
					delete(tracked, obj)
					continue
				}
				if what, ok := decompressing(info, rhs, tracked); ok {
					tracked[obj] = what
				} else {
					delete(tracked, obj)
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				obj := info.ObjectOf(id)
				if obj == nil {
					continue
				}
				var rhs ast.Expr
				switch {
				case len(n.Values) == len(n.Names):
					rhs = n.Values[i]
				case len(n.Values) == 1 && i == 0:
					rhs = n.Values[0]
				}
				if rhs == nil {
					continue
				}
				if what, ok := decompressing(info, rhs, tracked); ok {
					tracked[obj] = what
				}
			}
		case *ast.CallExpr:
			checkSink(pass, n, tracked)
		}
		return true
	})
}

// decompressing reports whether e yields a decompressing reader, and which.
func decompressing(info *types.Info, e ast.Expr, tracked map[types.Object]string) (string, bool) {
	e = passutil.Unparen(e)
	if obj := passutil.ObjectOf(info, e); obj != nil {
		what, ok := tracked[obj]
		return what, ok
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return "", false
	}
	if path, name, ok := passutil.PackageMember(info, call.Fun); ok {
		for pkg, names := range decompressors {
			if !passutil.PathIs(path, pkg) {
				continue
			}
			for _, n := range names {
				if n == name {
					return path[lastSlash(path)+1:] + "." + name, true
				}
			}
		}
	}
	if passutil.IsMethodCall(info, call, "archive/zip", "File", "Open") {
		return "a zip entry", true
	}
	if passutil.IsMethodCall(info, call, "archive/zip", "Reader", "Open") || passutil.IsMethodCall(info, call, "archive/zip", "ReadCloser", "Open") {
		return "a zip entry", true
	}
	for _, w := range passThrough {
		if passutil.IsFuncCall(info, call, w.pkg, w.name) && len(call.Args) > 0 {
			return decompressing(info, call.Args[0], tracked)
		}
	}
	return "", false
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// checkSink reports a read-everything call whose source is a tracked reader.
func checkSink(pass *analysis.Pass, call *ast.CallExpr, tracked map[types.Object]string) {
	info := pass.TypesInfo
	var src ast.Expr
	name := ""
	switch {
	case passutil.IsFuncCall(info, call, "io", "Copy", "CopyBuffer") && len(call.Args) >= 2:
		if passutil.IsPackageMember(info, call.Args[0], "io", "Discard") || passutil.IsPackageMember(info, call.Args[0], "io/ioutil", "Discard") {
			return
		}
		src = call.Args[1]
		_, name, _ = passutil.PackageMember(info, call.Fun)
		name = "io." + name
	case passutil.IsFuncCall(info, call, "io", "ReadAll") && len(call.Args) == 1:
		src, name = call.Args[0], "io.ReadAll"
	case passutil.IsFuncCall(info, call, "io/ioutil", "ReadAll") && len(call.Args) == 1:
		src, name = call.Args[0], "ioutil.ReadAll"
	case passutil.IsMethodCall(info, call, "bytes", "Buffer", "ReadFrom") && len(call.Args) == 1:
		src, name = call.Args[0], "bytes.Buffer.ReadFrom"
	default:
		return
	}
	what, ok := decompressing(info, src, tracked)
	if !ok {
		return
	}
	passutil.Report(pass, ruleBomb, call, fmt.Sprintf("%s reads the output of %s without a limit; a small compressed input can expand to gigabytes (wrap it in io.LimitReader or use io.CopyN)", name, what))
}
