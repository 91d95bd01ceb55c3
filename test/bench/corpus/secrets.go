package main

import (
	"crypto/rand"
	"encoding/hex"
	"log"
	mrand "math/rand"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

func newSessionToken() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(mrand.Intn(256)) // expect: insecure-random@token
	}
	return hex.EncodeToString(b) // expect: insecure-random@token
}

func newSessionTokenSafe() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func jitter() int { return mrand.Intn(100) } // safe: not a secret

func login(w http.ResponseWriter, r *http.Request) {
	password := r.FormValue("password")
	log.Printf("login attempt user=%s password=%s", r.FormValue("user"), password) // expect: secret-in-log
	log.Printf("login attempt user=%s", r.FormValue("user"))                       // safe
}

const dbPassword = "Pr0d-DB-s3cret!" // expect: hardcoded-credential

const passwordField = "password" // safe: a form field name

var awsCreds = credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "") // expect: hardcoded-credential

var dsn = "postgres://app:Sup3rS3cret@db.internal:5432/app" // expect: hardcoded-credential
