package report

import (
	"fmt"
	"io"
)

// errWriter remembers the first write error so renderers can write line after line and check
// once at the end; after an error it writes nothing more.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) println(a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintln(e.w, a...)
	}
}

// done wraps the first error with what was being written.
func (e *errWriter) done(what string) error {
	if e.err != nil {
		return fmt.Errorf("write %s: %w", what, e.err)
	}
	return nil
}
