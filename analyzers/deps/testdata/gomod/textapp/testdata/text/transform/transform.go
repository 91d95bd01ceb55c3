// Package transform is a minimal stand-in for golang.org/x/text/transform.
package transform

// Transformer transforms bytes.
type Transformer interface {
	Transform(dst, src []byte, atEOF bool) (int, int, error)
}

type nop struct{}

func (nop) Transform(dst, src []byte, atEOF bool) (int, int, error) {
	return copy(dst, src), len(src), nil
}

// Nop copies its input.
var Nop Transformer = nop{}

// String applies t to s.
func String(t Transformer, s string) (string, int, error) {
	dst := make([]byte, len(s))
	n, _, err := t.Transform(dst, []byte(s), true)
	return string(dst[:n]), n, err
}
