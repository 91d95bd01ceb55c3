// Package filemode reports files and directories created or changed with permissions that let
// other users write them, or read them when they hold secrets.
package filemode

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report world-writable modes and world-readable secret files

A file or directory that any local user can write (mode bit 0o002) can be replaced or appended
to by another account or a compromised service on the host (CWE-276, CWE-732). A private key,
token or password file that any user can read (0o004) leaks the secret (CWE-732).

The mode must be a constant: os.WriteFile, ioutil.WriteFile, os.OpenFile (when the flags may
create the file), os.Mkdir, os.MkdirAll, os.Chmod and (*os.File).Chmod are checked. A file looks
secret when its path or name (string parts and identifiers) mentions a key, secret, token,
password, credential, .pem, id_rsa, .env or kubeconfig, or when the written data comes from
pem.EncodeToMemory or an x509 private-key marshaller. Sticky directories (os.ModeSticky, like
/tmp) and test files are not reported.

Fix: use 0o640 or 0o600 for files and 0o750 or 0o700 for directories.`

const (
	ruleWorldWritable   = "go-file-mode-world-writable"
	ruleSecretReadable  = "go-file-mode-secret-readable"
	docsURL             = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"
	worldWrite          = 0o002
	worldRead           = 0o004
	anyExecute          = 0o111
	permissionBitsLimit = 0o7777
)

// Analyzer reports over-permissive file modes.
var Analyzer = &analysis.Analyzer{
	Name:             "filemode",
	Doc:              doc,
	URL:              docsURL + ruleWorldWritable,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{
	{
		ID:          ruleWorldWritable,
		Title:       "World-writable file or directory",
		Layer:       finding.Code,
		Severity:    finding.High,
		Description: "The mode lets every user on the host write the file or directory, so another account or a compromised process can tamper with it.",
		Remediation: "Drop the world-write bit: use 0o640 or 0o600 for files and 0o750 or 0o700 for directories.",
		References:  []string{"CWE-276", "CWE-732"},
		HelpURL:     docsURL + ruleWorldWritable,
	},
	{
		ID:          ruleSecretReadable,
		Title:       "Secret file readable by every user",
		Layer:       finding.Code,
		Severity:    finding.Medium,
		Description: "A file that looks like it holds a key, token or password is created readable by every user on the host.",
		Remediation: "Create secret files with mode 0o600 (directories 0o700) so only the owner can read them.",
		References:  []string{"CWE-732", "CWE-276"},
		HelpURL:     docsURL + ruleSecretReadable,
	},
}

// target is what a mode applies to, which decides the suggested replacement.
type target int

const (
	fileTarget target = iota
	dirTarget
	unknownTarget
)

// modeCall describes a function taking a mode: where the mode and the path are, and what the
// path names. pathArg is -1 when the call has no path (a method on an open file).
type modeCall struct {
	pkg, recv, name string
	modeArg         int
	pathArg         int
	dataArg         int
	target          target
}

var modeCalls = []modeCall{
	{pkg: "os", name: "WriteFile", modeArg: 2, pathArg: 0, dataArg: 1, target: fileTarget},
	{pkg: "io/ioutil", name: "WriteFile", modeArg: 2, pathArg: 0, dataArg: 1, target: fileTarget},
	{pkg: "os", name: "OpenFile", modeArg: 2, pathArg: 0, dataArg: -1, target: fileTarget},
	{pkg: "os", name: "Mkdir", modeArg: 1, pathArg: 0, dataArg: -1, target: dirTarget},
	{pkg: "os", name: "MkdirAll", modeArg: 1, pathArg: 0, dataArg: -1, target: dirTarget},
	{pkg: "os", name: "Chmod", modeArg: 1, pathArg: 0, dataArg: -1, target: unknownTarget},
	{pkg: "os", recv: "File", name: "Chmod", modeArg: 0, pathArg: -1, dataArg: -1, target: unknownTarget},
}

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node) {
		call := n.(*ast.CallExpr)
		if passutil.IsTestFile(pass, call.Pos()) {
			return
		}
		for _, mc := range modeCalls {
			if mc.matches(pass.TypesInfo, call) {
				check(pass, call, mc)
				return
			}
		}
	})
	return nil, nil
}

func (mc modeCall) matches(info *types.Info, call *ast.CallExpr) bool {
	if len(call.Args) <= mc.modeArg {
		return false
	}
	if mc.recv != "" {
		return passutil.IsMethodCall(info, call, mc.pkg, mc.recv, mc.name)
	}
	return passutil.IsFuncCall(info, call, mc.pkg, mc.name)
}

func check(pass *analysis.Pass, call *ast.CallExpr, mc modeCall) {
	info := pass.TypesInfo
	modeExpr := call.Args[mc.modeArg]
	mode, ok := passutil.ConstInt(info, modeExpr)
	if !ok || mode < 0 {
		return
	}
	if mode&int64(os.ModeSticky) != 0 {
		return // a shared scratch directory such as /tmp is world-writable on purpose
	}
	if mc.name == "OpenFile" && !mayCreate(info, call.Args[1]) {
		return // the mode only matters when the file is created
	}
	perm := mode & permissionBitsLimit
	tgt := mc.target
	if tgt == unknownTarget {
		tgt = fileTarget
		if perm&anyExecute != 0 {
			tgt = dirTarget
		}
	}
	what := "file"
	if tgt == dirTarget {
		what = "directory"
	}
	if mc.target == unknownTarget {
		what = "path"
	}
	switch {
	case perm&worldWrite != 0:
		replacement := 0o640
		if tgt == dirTarget {
			replacement = 0o750
		}
		msg := fmt.Sprintf("%s makes the %s world-writable (mode %#o); any local user can change it", callName(mc), what, perm)
		report(pass, ruleWorldWritable, modeExpr, msg, replacement)
	case perm&worldRead != 0 && looksSecret(info, call, mc):
		replacement := 0o600
		if tgt == dirTarget {
			replacement = 0o700
		}
		msg := fmt.Sprintf("%s makes a %s that looks secret world-readable (mode %#o)", callName(mc), what, perm)
		report(pass, ruleSecretReadable, modeExpr, msg, replacement)
	}
}

func callName(mc modeCall) string {
	base := mc.pkg[strings.LastIndex(mc.pkg, "/")+1:]
	if mc.recv != "" {
		return fmt.Sprintf("(*%s.%s).%s", base, mc.recv, mc.name)
	}
	return base + "." + mc.name
}

// report reports with a fix when the mode is spelled as a number or os.ModePerm, keeping the
// file's octal style.
func report(pass *analysis.Pass, rule string, modeExpr ast.Expr, msg string, replacement int) {
	var fixes []analysis.SuggestedFix
	switch e := passutil.Unparen(modeExpr).(type) {
	case *ast.BasicLit:
		if e.Kind == token.INT {
			text := fmt.Sprintf("0%o", replacement)
			if strings.HasPrefix(strings.ToLower(e.Value), "0o") {
				text = fmt.Sprintf("0o%o", replacement)
			}
			fixes = append(fixes, passutil.ReplaceFix("Use mode "+text, e, text))
		}
	case *ast.SelectorExpr:
		if passutil.IsPackageMember(pass.TypesInfo, e, "os", "ModePerm") {
			text := fmt.Sprintf("0o%o", replacement)
			fixes = append(fixes, passutil.ReplaceFix("Use mode "+text, e, text))
		}
	}
	passutil.Report(pass, rule, modeExpr, msg, fixes...)
}

// mayCreate reports whether os.OpenFile flags may include O_CREATE: unknown flags might.
func mayCreate(info *types.Info, flags ast.Expr) bool {
	v, ok := passutil.ConstInt(info, flags)
	if !ok {
		return true
	}
	return v&int64(os.O_CREATE) != 0
}

var secretPath = regexp.MustCompile(`(?i)(secret|passw(or)?d|token|credential|private|\.pem$|\.key$|\bkey\b|id_rsa|id_ecdsa|id_ed25519|\.env$|kubeconfig|htpasswd|\.p12$|\.pfx$|\.kdbx$)`)

var secretWords = map[string]bool{
	"secret": true, "secrets": true, "password": true, "passwd": true, "token": true, "tokens": true,
	"credential": true, "credentials": true, "key": true, "keys": true, "private": true, "pem": true,
	"kubeconfig": true, "htpasswd": true, "apikey": true,
}

// looksSecret reads the path expression's string parts and identifiers, and the written data,
// for signs of a secret.
func looksSecret(info *types.Info, call *ast.CallExpr, mc modeCall) bool {
	secret := false
	if mc.pathArg >= 0 && mc.pathArg < len(call.Args) {
		ast.Inspect(call.Args[mc.pathArg], func(n ast.Node) bool {
			if secret {
				return false
			}
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := passutil.ConstString(info, n); ok && secretPath.MatchString(s) {
					secret = true
				}
			case *ast.Ident:
				if s, ok := passutil.ConstString(info, n); ok && secretPath.MatchString(s) {
					secret = true
				}
				for _, w := range passutil.Words(n.Name) {
					if secretWords[w] {
						secret = true
					}
				}
			}
			return !secret
		})
	}
	if !secret && mc.dataArg >= 0 && mc.dataArg < len(call.Args) {
		ast.Inspect(call.Args[mc.dataArg], func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if passutil.IsFuncCall(info, c, "encoding/pem", "EncodeToMemory") ||
					passutil.IsFuncCall(info, c, "crypto/x509", "MarshalPKCS1PrivateKey", "MarshalECPrivateKey", "MarshalPKCS8PrivateKey") {
					secret = true
				}
			}
			return !secret
		})
	}
	return secret
}
