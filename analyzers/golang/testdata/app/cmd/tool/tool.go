package main

import "crypto/des"

func main() { des.NewCipher(nil) }
