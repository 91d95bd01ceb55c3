package main

import (
	"crypto/tls"
	"net/http"

	"example.com/app/internal/server"
)

func main() {
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	_ = client
	http.ListenAndServe(":8080", server.Handler())
}
