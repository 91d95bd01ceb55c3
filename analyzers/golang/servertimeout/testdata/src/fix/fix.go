package fix

import (
	"net/http"
	"time"
)

var _ = time.Second

func servers(h http.Handler) []*http.Server {
	return []*http.Server{
		{Addr: ":8080", Handler: h}, // want `no ReadHeaderTimeout`
		{},                          // want `no ReadHeaderTimeout`
		{ // want `no ReadHeaderTimeout`
			Addr:    ":8080",
			Handler: h,
		},
	}
}
