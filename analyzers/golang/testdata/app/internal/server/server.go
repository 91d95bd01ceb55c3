// Package server builds the handler.
package server

import (
	"net/http"
	"os"
)

// Handler serves the app.
func Handler() http.Handler {
	os.WriteFile("/tmp/app.log", nil, 0666)
	return http.NewServeMux()
}
