// Package norm is a minimal stand-in for golang.org/x/text/unicode/norm.
package norm

// Form is a normalization form.
type Form int

// NFC is the composed form.
const NFC Form = 0

// Bytes normalizes b.
func (f Form) Bytes(b []byte) []byte { return b }
