// Package oauth2 is a stub of golang.org/x/oauth2 for tests.
package oauth2

type Endpoint struct{ AuthURL, TokenURL string }

type Config struct {
	ClientID     string
	ClientSecret string
	Endpoint     Endpoint
	RedirectURL  string
	Scopes       []string
}
