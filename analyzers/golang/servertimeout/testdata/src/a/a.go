package a

import (
	"net"
	"net/http"
	"time"
)

func serve(h http.Handler, l net.Listener) {
	http.ListenAndServe(":8080", h)              // want `http.ListenAndServe serves without any timeout`
	http.ListenAndServeTLS(":8443", "c", "k", h) // want `http.ListenAndServeTLS serves without any timeout`
	http.Serve(l, h)                             // want `http.Serve serves without any timeout`

	bare := &http.Server{Addr: ":8080", Handler: h} // want `http.Server has no ReadHeaderTimeout or ReadTimeout`
	bare.ListenAndServe()

	good := &http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: 5 * time.Second}
	good.ListenAndServe()

	alsoGood := http.Server{Handler: h, ReadTimeout: time.Minute}
	alsoGood.Serve(l)

	later := &http.Server{Handler: h}
	later.ReadHeaderTimeout = 3 * time.Second
	later.ListenAndServe()
}

type app struct{ srv *http.Server }

func (a *app) start(h http.Handler) {
	a.srv = &http.Server{Handler: h}
	a.srv.ReadTimeout = time.Second
	go a.srv.ListenAndServe()
}

func (a *app) startBad(h http.Handler) {
	a.srv = &http.Server{ // want `http.Server has no ReadHeaderTimeout`
		Handler: h,
	}
}
