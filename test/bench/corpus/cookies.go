package main

import (
	"net/http"

	"github.com/rs/cors"
)

func setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: "session_id", Value: token})                                                               // expect: insecure-cookie
	http.SetCookie(w, &http.Cookie{Name: "session_id", Value: token, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}) // safe
}

func corsHeaders(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin")) // expect: cors
	w.Header().Set("Access-Control-Allow-Credentials", "true")
}

var corsMiddleware = cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true}) // expect: cors

var corsPublic = cors.New(cors.Options{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true}) // safe
