package load

import (
	"strings"
)

// lockedVariables are the variables Environ sets; any value they had in the base environment is
// dropped, so an operator's shell cannot loosen them by accident.
var lockedVariables = []string{
	"GOTOOLCHAIN", "GOFLAGS", "CGO_ENABLED", "GOWORK", "GO111MODULE", "GOPACKAGESDRIVER",
}

// Environ returns the environment the go command runs in when it loads a scanned repository.
// Nothing the repository contains may run and no toolchain may be fetched:
//
//   - GOTOOLCHAIN=local: a go or toolchain line asking for a newer Go fails the load instead of
//     downloading and running that toolchain.
//   - CGO_ENABLED=0: cgo files are left out, so no C compiler, pkg-config or #cgo directive from
//     the repository runs.
//   - GOFLAGS=-buildvcs=false (plus -mod=mod outside workspaces): go list would otherwise run git
//     in the checkout to stamp version information, and a repository's .git/config can make git
//     run commands (core.fsmonitor). -mod=mod lets the go command fetch missing requirements
//     through GOPROXY; the caller points -modfile at a copy of go.mod so the tree is not written.
//   - GOWORK=off unless the tree's own go.work groups the modules.
//   - GOPACKAGESDRIVER=off: go/packages always uses go list, never an external driver.
//
// GOPROXY, GOPRIVATE, GONOSUMDB, GOSUMDB, GOINSECURE, GOPATH, GOMODCACHE, GOCACHE and the
// user's go env file are inherited: they are the operator's choices, and no file in the
// repository can change them (the go command reads no environment file from a module). The
// scanner never sets GONOSUMCHECK, GONOSUMDB, GOINSECURE or GOFLAGS=-insecure.
func Environ(base []string, workspace string) []string {
	out := make([]string, 0, len(base)+len(lockedVariables))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if locked(name) {
			continue
		}
		out = append(out, kv)
	}
	flags := "-mod=mod -buildvcs=false"
	gowork := "off"
	if workspace != "" {
		// Workspace mode allows only -mod=readonly or vendor.
		flags = "-buildvcs=false"
		gowork = workspace
	}
	return append(out,
		"GOTOOLCHAIN=local",
		"CGO_ENABLED=0",
		"GOFLAGS="+flags,
		"GOWORK="+gowork,
		"GO111MODULE=on",
		"GOPACKAGESDRIVER=off",
	)
}

func locked(name string) bool {
	for _, v := range lockedVariables {
		if name == v {
			return true
		}
	}
	return false
}
