package main

import "golang.org/x/text/language"

func main() {
	var n int = "not a number"
	language.Parse("en")
}
