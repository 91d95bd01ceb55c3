package main

import (
	"crypto/tls"

	"example.com/missing"
)

func main() {
	missing.Do(&tls.Config{MinVersion: tls.VersionTLS11})
}
