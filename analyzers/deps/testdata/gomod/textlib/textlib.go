// Package textlib is a library: its exported functions are its entry points.
package textlib

import (
	"crypto/tls"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Negotiate picks a language from an Accept-Language header.
func Negotiate(header string) string {
	tags, _, _ := language.ParseAcceptLanguage(header)
	if len(tags) == 0 {
		return ""
	}
	return tags[0].String()
}

// Certifier picks server certificates.
type Certifier struct{}

// TLSConfig hands a method value to crypto/tls, which alone calls it.
func (c *Certifier) TLSConfig() *tls.Config {
	return &tls.Config{GetCertificate: c.certificate}
}

func (c *Certifier) certificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	_ = norm.NFC.Bytes([]byte(hello.ServerName))
	return nil, nil
}
