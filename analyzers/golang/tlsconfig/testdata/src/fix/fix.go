package fix

import "crypto/tls"

func configs() []*tls.Config {
	return []*tls.Config{
		{InsecureSkipVerify: true},     // want `certificate verification is disabled`
		{MinVersion: tls.VersionTLS10}, // want `MinVersion allows TLS 1.0`
		{MinVersion: 0x0301},           // want `MinVersion allows TLS 1.0`
		{MaxVersion: tls.VersionTLS11}, // want `MaxVersion allows TLS 1.1`
	}
}
