//go:build ignore

package main

import "crypto/sha1"

func main() { sha1.Sum([]byte("token")) }
