// Package tlsconfig reports crypto/tls configurations that disable certificate verification or
// allow protocol versions and cipher suites that are no longer safe.
package tlsconfig

import (
	"crypto/tls"
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/fourcsec/fourc/analyzers/golang/internal/passutil"
	"github.com/fourcsec/fourc/shared/finding"
)

const doc = `report disabled certificate checks and weak TLS settings

A crypto/tls.Config with InsecureSkipVerify set to true accepts any certificate, so anyone on
the network path can impersonate the server (CWE-295). In _test.go files the same setting is
reported with low severity: tests often talk to httptest servers with self-signed certificates.

MinVersion or MaxVersion below TLS 1.2 allows SSL 3.0, TLS 1.0 or TLS 1.1, which have known
attacks and are deprecated by RFC 8996; cipher suites listed by tls.InsecureCipherSuites() (RC4,
3DES, RSA key exchange, CBC with SHA-256) and the CBC suites with SHA-1 MACs lack forward secrecy
or have practical attacks (CWE-327).

Fix: verify certificates (trust a private CA through RootCAs, or check the peer in
VerifyPeerCertificate); leave MinVersion unset or set it to tls.VersionTLS12 or later; leave
CipherSuites unset so Go chooses secure suites.`

const (
	ruleSkipVerify     = "go-tls-insecure-skip-verify"
	ruleSkipVerifyTest = "go-tls-insecure-skip-verify-test"
	ruleWeakVersion    = "go-tls-weak-version"
	ruleWeakCipher     = "go-tls-insecure-cipher-suite"
)

const docsURL = "https://github.com/fourcsec/fourc/blob/main/docs/rules.md#"

// Analyzer reports weak crypto/tls configurations.
var Analyzer = &analysis.Analyzer{
	Name:             "tlsconfig",
	Doc:              doc,
	URL:              docsURL + ruleSkipVerify,
	Requires:         []*analysis.Analyzer{inspect.Analyzer},
	Run:              run,
	RunDespiteErrors: true,
}

// Rules are the rules this analyzer reports.
var Rules = []finding.Rule{
	{
		ID:          ruleSkipVerify,
		Title:       "TLS certificate verification disabled",
		Layer:       finding.Code,
		Severity:    finding.High,
		Description: "InsecureSkipVerify: true makes a TLS client accept any certificate, so a machine in the network path can read and change the traffic.",
		Remediation: "Remove InsecureSkipVerify; to trust a private CA, add it to RootCAs, or check the certificate yourself in VerifyPeerCertificate.",
		References:  []string{"CWE-295"},
		HelpURL:     docsURL + ruleSkipVerify,
	},
	{
		ID:          ruleSkipVerifyTest,
		Title:       "TLS certificate verification disabled in test code",
		Layer:       finding.Code,
		Severity:    finding.Low,
		Description: "InsecureSkipVerify: true in a _test.go file; tests rarely cross a hostile network, but such configurations tend to be copied into production code.",
		Remediation: "Use the test server's client (httptest.Server.Client) or trust the test certificate through RootCAs instead of skipping verification.",
		References:  []string{"CWE-295"},
		HelpURL:     docsURL + ruleSkipVerifyTest,
	},
	{
		ID:          ruleWeakVersion,
		Title:       "TLS version below 1.2 allowed",
		Layer:       finding.Code,
		Severity:    finding.Medium,
		Description: "MinVersion or MaxVersion below TLS 1.2 lets connections use SSL 3.0, TLS 1.0 or TLS 1.1, which are deprecated (RFC 8996) and have practical attacks.",
		Remediation: "Leave MinVersion unset (Go defaults to TLS 1.2) or set it to tls.VersionTLS12 or tls.VersionTLS13, and do not cap MaxVersion below TLS 1.2.",
		References:  []string{"CWE-327"},
		HelpURL:     docsURL + ruleWeakVersion,
	},
	{
		ID:          ruleWeakCipher,
		Title:       "Insecure TLS cipher suite",
		Layer:       finding.Code,
		Severity:    finding.Medium,
		Description: "The configuration enables a cipher suite with RC4, 3DES, RSA key exchange or CBC mode, which lacks forward secrecy or has practical attacks.",
		Remediation: "Leave CipherSuites unset so Go picks secure suites, or list only AEAD suites with ECDHE key exchange (…_GCM_… and …_CHACHA20_POLY1305_…).",
		References:  []string{"CWE-327"},
		HelpURL:     docsURL + ruleWeakCipher,
	},
}

// weakCipherSuites maps the ids of suites this rule rejects to their names: the ones Go itself
// calls insecure, plus the CBC suites Go still offers for compatibility.
var weakCipherSuites = func() map[uint16]string {
	m := map[uint16]string{}
	for _, cs := range tls.InsecureCipherSuites() {
		m[cs.ID] = cs.Name
	}
	for _, cs := range tls.CipherSuites() {
		if strings.Contains(cs.Name, "_CBC_") {
			m[cs.ID] = cs.Name
		}
	}
	return m
}()

const tlsPath = "crypto/tls"

func run(pass *analysis.Pass) (any, error) {
	ins, ok := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	if !ok {
		return nil, fmt.Errorf("inspect result missing")
	}
	nodes := []ast.Node{(*ast.CompositeLit)(nil), (*ast.AssignStmt)(nil)}
	ins.Preorder(nodes, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.CompositeLit:
			if !passutil.TypeIs(pass.TypesInfo, n, tlsPath, "Config") {
				return
			}
			for _, elt := range n.Elts {
				if kv, ok := elt.(*ast.KeyValueExpr); ok {
					if key, ok := kv.Key.(*ast.Ident); ok {
						checkField(pass, key.Name, kv.Value, true)
					}
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return
			}
			for i, lhs := range n.Lhs {
				sel, ok := passutil.Unparen(lhs).(*ast.SelectorExpr)
				if !ok {
					continue
				}
				known, isTLS := isConfigField(pass.TypesInfo, sel)
				if known && !isTLS {
					continue
				}
				checkField(pass, sel.Sel.Name, n.Rhs[i], known)
			}
		}
	})
	return nil, nil
}

// isConfigField reports whether the type checker knows what sel selects, and whether it is a
// field of tls.Config.
func isConfigField(info *types.Info, sel *ast.SelectorExpr) (known, isTLS bool) {
	if info == nil {
		return false, false
	}
	v, ok := info.Uses[sel.Sel].(*types.Var)
	if !ok {
		return false, false
	}
	return true, v.IsField() && v.Pkg() != nil && v.Pkg().Path() == tlsPath
}

// checkField checks one field of a tls.Config. typed says whether the config is known to be a
// tls.Config; when it is only guessed (missing type information) only the unmistakable
// InsecureSkipVerify and values spelled tls.VersionX count.
func checkField(pass *analysis.Pass, field string, value ast.Expr, typed bool) {
	info := pass.TypesInfo
	switch field {
	case "InsecureSkipVerify":
		if v, ok := passutil.ConstBool(info, value); !ok || !v {
			return
		}
		rule := ruleSkipVerify
		msg := "TLS certificate verification is disabled (InsecureSkipVerify: true): any server certificate is accepted"
		if passutil.IsTestFile(pass, value.Pos()) {
			rule = ruleSkipVerifyTest
			msg = "TLS certificate verification is disabled in test code (InsecureSkipVerify: true)"
		}
		passutil.Report(pass, rule, value, msg, passutil.ReplaceFix("Verify certificates (InsecureSkipVerify: false)", value, "false"))
	case "MinVersion", "MaxVersion":
		if !typed && !passutil.IsPackageMember(info, value, tlsPath, "VersionSSL30", "VersionTLS10", "VersionTLS11") {
			return
		}
		v, ok := passutil.ConstInt(info, value)
		if !ok || v <= 0 || v >= tls.VersionTLS12 {
			return
		}
		target := "VersionTLS12"
		if field == "MaxVersion" {
			target = "VersionTLS13"
		}
		msg := fmt.Sprintf("%s allows %s; TLS versions below 1.2 are deprecated and have known attacks", field, versionName(v))
		if fix, ok := versionFix(pass, value, target); ok {
			passutil.Report(pass, ruleWeakVersion, value, msg, fix)
		} else {
			passutil.Report(pass, ruleWeakVersion, value, msg)
		}
	case "CipherSuites":
		if !typed {
			return
		}
		lit, ok := passutil.Literal(value)
		if !ok {
			return
		}
		for _, elt := range lit.Elts {
			id, ok := passutil.ConstInt(info, elt)
			if !ok || id < 0 || id > 0xffff {
				continue
			}
			if name, weak := weakCipherSuites[uint16(id)]; weak {
				passutil.Report(pass, ruleWeakCipher, elt, fmt.Sprintf("cipher suite %s is insecure (no forward secrecy or a broken cipher/MAC)", name))
			}
		}
	}
}

func versionName(v int64) string {
	switch v {
	case tls.VersionSSL30:
		return "SSL 3.0"
	case tls.VersionTLS10:
		return "TLS 1.0"
	case tls.VersionTLS11:
		return "TLS 1.1"
	}
	return fmt.Sprintf("protocol version 0x%04x", v)
}

// versionFix rewrites `tls.VersionTLS10` (or a bare number, when the file imports crypto/tls) to
// the target version constant.
func versionFix(pass *analysis.Pass, value ast.Expr, target string) (analysis.SuggestedFix, bool) {
	msg := "Use tls." + target
	if sel, ok := passutil.Unparen(value).(*ast.SelectorExpr); ok && passutil.IsPackageMember(pass.TypesInfo, sel, tlsPath, sel.Sel.Name) {
		return passutil.ReplaceFix(msg, sel.Sel, target), true
	}
	if _, ok := passutil.Unparen(value).(*ast.BasicLit); ok {
		if file := passutil.FileOf(pass, value.Pos()); file != nil {
			if name, ok := passutil.ImportName(file, tlsPath); ok {
				return passutil.ReplaceFix(msg, value, name+"."+target), true
			}
		}
	}
	return analysis.SuggestedFix{}, false
}
