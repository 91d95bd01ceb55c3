package main

import (
	"net/http"

	"example.com/api"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: api.Session("x").Value})
	})
}
