package main

import (
	"crypto/tls"
	"testing"
)

func TestClient(t *testing.T) {
	_ = &tls.Config{InsecureSkipVerify: true}
}
