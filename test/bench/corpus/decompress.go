package main

import (
	"compress/gzip"
	"io"
	"net/http"
)

func upload(w http.ResponseWriter, r *http.Request) {
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		return
	}
	body, _ := io.ReadAll(zr) // expect: decompression-bomb
	store(body)
}

func uploadLimited(w http.ResponseWriter, r *http.Request) {
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(zr, 10<<20)) // safe
	store(body)
}

func store(body []byte) { _ = len(body) }
