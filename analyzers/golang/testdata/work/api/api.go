// Package api is used by web through the workspace, without a replace directive.
package api

import "net/http"

// Session makes the session cookie.
func Session(v string) *http.Cookie {
	return &http.Cookie{Name: "session", Value: v}
}
