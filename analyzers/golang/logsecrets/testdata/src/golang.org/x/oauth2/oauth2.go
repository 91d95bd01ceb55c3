// Package oauth2 is a minimal stub of golang.org/x/oauth2 for analyzer tests.
package oauth2

type Token struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
}
