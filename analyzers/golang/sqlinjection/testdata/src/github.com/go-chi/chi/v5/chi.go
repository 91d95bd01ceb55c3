// Package chi is a minimal stub of github.com/go-chi/chi/v5 for analyzer tests.
package chi

import "net/http"

func URLParam(r *http.Request, key string) string { return "" }
