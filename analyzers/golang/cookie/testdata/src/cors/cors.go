package cors

import (
	"net/http"

	"github.com/rs/cors"
)

func wildcard(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*") // want `Access-Control-Allow-Origin "\*" is set with Access-Control-Allow-Credentials "true"`
	w.Header().Set("Access-Control-Allow-Credentials", "true")
}

func wildcardNoCredentials(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*") // public data without cookies: fine
}

func reflected(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	w.Header().Set("Access-Control-Allow-Origin", origin) // want `the request's Origin header is echoed in Access-Control-Allow-Origin with credentials allowed`
	w.Header().Set("Access-Control-Allow-Credentials", "true")
}

func reflectedDirect(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Access-Control-Allow-Origin"] = []string{r.Header.Get("Origin")} // want `Origin header is echoed`
	h["Access-Control-Allow-Credentials"] = []string{"true"}
}

var allowed = map[string]bool{"https://app.example.com": true}

func checkedOrigin(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if allowed[origin] {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}
}

func middleware() []*cors.Cors {
	return []*cors.Cors{
		cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true}), // want `CORS allows credentials from any origin \(AllowedOrigins "\*" with AllowCredentials: true\)`
		cors.New(cors.Options{AllowedOrigins: []string{"*"}}),
		cors.New(cors.Options{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true}),
		cors.New(cors.Options{
			AllowOriginFunc:  func(string) bool { return true }, // want `AllowOriginFunc always returns true`
			AllowCredentials: true,
		}),
		cors.New(cors.Options{
			AllowOriginFunc:  func(o string) bool { return allowed[o] },
			AllowCredentials: true,
		}),
	}
}
