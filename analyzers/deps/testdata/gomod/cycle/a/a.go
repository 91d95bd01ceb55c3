package a

import (
	"example.com/cycle/b"
	"golang.org/x/text/language"
)

func Parse(s string) { language.Parse(s); b.Hop() }
