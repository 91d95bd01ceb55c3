// Package language is a minimal stand-in for golang.org/x/text/language with the symbols that
// real advisories name.
package language

import "strings"

// Tag is a language tag.
type Tag struct{ s string }

func (t Tag) String() string { return t.s }

// Parse parses a tag.
func Parse(s string) (Tag, error) { return parse(s), nil }

// MustParse parses a tag or panics.
func MustParse(s string) Tag { return parse(s) }

// ParseAcceptLanguage parses an Accept-Language header.
func ParseAcceptLanguage(s string) ([]Tag, []float32, error) {
	var tags []Tag
	for _, part := range strings.Split(s, ",") {
		tags = append(tags, parse(part))
	}
	return tags, nil, nil
}

// MatchStrings matches tags.
func MatchStrings(m any, lang ...string) (Tag, int) { return parse(strings.Join(lang, ",")), 0 }

func parse(s string) Tag { return Tag{strings.TrimSpace(s)} }
