package fiximport

import "net/http"

func server(h http.Handler) *http.Server {
	return &http.Server{Handler: h} // want `no ReadHeaderTimeout`
}
