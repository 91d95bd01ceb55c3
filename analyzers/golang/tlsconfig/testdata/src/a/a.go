package a

import (
	"crypto/tls"
	"net/http"
)

const insecure = true

func clients(flagInsecure bool) []*http.Client {
	bad := &tls.Config{InsecureSkipVerify: true} // want `TLS certificate verification is disabled \(InsecureSkipVerify: true\)`
	alsoBad := &tls.Config{
		InsecureSkipVerify: insecure, // want `certificate verification is disabled`
	}
	fromFlag := &tls.Config{InsecureSkipVerify: flagInsecure} // a user's explicit choice at run time: not reported
	good := &tls.Config{InsecureSkipVerify: false}
	assigned := &tls.Config{}
	assigned.InsecureSkipVerify = true // want `certificate verification is disabled`

	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} // want `certificate verification is disabled`
	return []*http.Client{
		{Transport: &http.Transport{TLSClientConfig: bad}},
		{Transport: &http.Transport{TLSClientConfig: alsoBad}},
		{Transport: &http.Transport{TLSClientConfig: fromFlag}},
		{Transport: &http.Transport{TLSClientConfig: good}},
		{Transport: &http.Transport{TLSClientConfig: assigned}},
		{Transport: transport},
	}
}

type options struct{ InsecureSkipVerify bool }

func notTLS() options {
	o := options{InsecureSkipVerify: true} // another type with the same field name: not reported
	o.InsecureSkipVerify = true
	return o
}

func versions() []*tls.Config {
	return []*tls.Config{
		{MinVersion: tls.VersionTLS10}, // want `MinVersion allows TLS 1.0; TLS versions below 1.2 are deprecated`
		{MinVersion: tls.VersionSSL30}, // want `MinVersion allows SSL 3.0`
		{MinVersion: 0x0302},           // want `MinVersion allows TLS 1.1`
		{MaxVersion: tls.VersionTLS11}, // want `MaxVersion allows TLS 1.1`
		{MinVersion: tls.VersionTLS12}, // good
		{MinVersion: tls.VersionTLS13}, // good
		{MaxVersion: tls.VersionTLS13}, // good
		{},                             // the default minimum is TLS 1.2
	}
}

func lowerLater(c *tls.Config) {
	c.MinVersion = tls.VersionTLS11 // want `MinVersion allows TLS 1.1`
	c.MinVersion = tls.VersionTLS12
}

func ciphers() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_RSA_WITH_RC4_128_SHA,             // want `cipher suite TLS_RSA_WITH_RC4_128_SHA is insecure`
			tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,  // want `cipher suite TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA is insecure`
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, // want `cipher suite TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA is insecure`
			tls.TLS_CHACHA20_POLY1305_SHA256,
		},
	}
}
