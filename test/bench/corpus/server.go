package main

import (
	"net"
	"net/http"
	"time"
)

func servers(h http.Handler) {
	slow := &http.Server{Addr: "127.0.0.1:8081", Handler: h} // expect: server-timeout
	go slow.ListenAndServe()
	fine := &http.Server{Addr: "127.0.0.1:8082", Handler: h, ReadHeaderTimeout: 5 * time.Second} // safe
	go fine.ListenAndServe()
	l, _ := net.Listen("tcp", "0.0.0.0:9090")       // expect: listen-all-interfaces
	go http.Serve(l, h)                             // expect: server-timeout
	local, _ := net.Listen("tcp", "127.0.0.1:9091") // safe
	local.Close()
}
