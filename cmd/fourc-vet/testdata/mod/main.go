package main

import (
	"crypto/tls"
	"net/http"

	"example.com/vetme/store"
)

func main() {
	store.Save(nil)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	_ = client
}
