package main

import (
	"context"
	"net/http"

	"golang.org/x/sync/errgroup"
)

func main() {
	g, _ := errgroup.WithContext(context.Background())
	g.Go(func() error {
		srv := &http.Server{Addr: "127.0.0.1:8080"}
		return srv.ListenAndServe()
	})
	g.Wait()
}
