package main

import "os"

func main() { os.MkdirAll("/srv/shared", 0777) }
