package server

import "crypto/tls"

var windowsConfig = &tls.Config{MinVersion: tls.VersionTLS10}
