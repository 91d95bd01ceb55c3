package main

import (
	"crypto/tls"
	"net/http"
)

var insecureClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // expect: tls-skip-verify

var oldTLS = &tls.Config{MinVersion: tls.VersionTLS10} // expect: tls-weak-version

var modernTLS = &tls.Config{MinVersion: tls.VersionTLS12} // safe

var weakCiphers = &tls.Config{
	MinVersion:   tls.VersionTLS12,
	CipherSuites: []uint16{tls.TLS_RSA_WITH_RC4_128_SHA}, // expect: tls-weak-cipher
}
