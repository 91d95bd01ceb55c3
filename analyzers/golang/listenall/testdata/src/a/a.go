package a

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

func listeners(port int, cfg *tls.Config, h http.Handler) {
	net.Listen("tcp", ":8080")                                    // want `net.Listen listens on every interface with address ":8080"`
	net.Listen("tcp", "0.0.0.0:8080")                             // want `net.Listen listens on every interface \(0.0.0.0\)`
	net.Listen("tcp6", "[::]:8080")                               // want `every interface \(::\)`
	net.Listen("tcp", "127.0.0.1:8080")                           // loopback: fine
	net.Listen("tcp", "localhost:8080")                           // fine
	net.Listen("unix", "/run/app.sock")                           // a socket file: fine
	net.Listen("tcp", os.Getenv("ADDR"))                          // from configuration: fine
	net.Listen("tcp", ":"+strconv.Itoa(port))                     // want `net.Listen listens on every interface`
	net.Listen("tcp", fmt.Sprintf(":%d", port))                   // want `net.Listen listens on every interface`
	net.Listen("tcp", fmt.Sprintf("%s:%d", os.Getenv("H"), port)) // host formatted in: fine
	net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(port)))   // want `net.Listen listens on every interface`
	net.ListenPacket("udp", ":53")                                // want `net.ListenPacket listens on every interface`
	tls.Listen("tcp", ":443", cfg)                                // want `tls.Listen listens on every interface`
	var lc net.ListenConfig
	lc.Listen(context.Background(), "tcp", ":9090") // want `Listen listens on every interface`
	http.ListenAndServe(":8080", h)                 // want `http.ListenAndServe listens on every interface`
	srv := &http.Server{Addr: ":8443", Handler: h}  // want `http.Server listens on every interface`
	local := &http.Server{Addr: "127.0.0.1:8443", Handler: h}
	_, _ = srv, local
}
