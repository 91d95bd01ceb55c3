// Package mux is a minimal stub of github.com/gorilla/mux for analyzer tests.
package mux

import "net/http"

func Vars(r *http.Request) map[string]string { return nil }
