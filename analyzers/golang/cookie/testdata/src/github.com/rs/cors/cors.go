// Package cors is a stub of github.com/rs/cors for tests.
package cors

import "net/http"

type Options struct {
	AllowedOrigins   []string
	AllowOriginFunc  func(origin string) bool
	AllowedMethods   []string
	AllowCredentials bool
}

type Cors struct{}

func New(o Options) *Cors                           { return &Cors{} }
func (c *Cors) Handler(h http.Handler) http.Handler { return h }
