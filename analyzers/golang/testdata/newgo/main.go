package main

import "crypto/rsa"
import "crypto/rand"

func main() { rsa.GenerateKey(rand.Reader, 1024) }
