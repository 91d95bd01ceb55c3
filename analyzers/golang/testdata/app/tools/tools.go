//go:build tools

// Package tools pins the tools the module builds with; no build includes it.
package tools

import _ "fmt"
