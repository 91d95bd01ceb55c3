package b

import "example.com/cycle/a"

func Hop() { a.Parse("fr") }
