package main

import (
	"crypto/tls"
	"net"
)

func main() {
	cfg := &tls.Config{InsecureSkipVerify: true}
	undefinedHelper(cfg)
	net.Listen("tcp", ":9000")
}
