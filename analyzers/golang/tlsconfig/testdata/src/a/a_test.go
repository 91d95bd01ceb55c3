package a

import (
	"crypto/tls"
	"testing"
)

func TestClient(t *testing.T) {
	cfg := &tls.Config{InsecureSkipVerify: true} // want `TLS certificate verification is disabled in test code`
	_ = cfg
}
