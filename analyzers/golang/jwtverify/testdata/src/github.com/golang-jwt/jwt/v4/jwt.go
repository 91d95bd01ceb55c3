// Package jwt is a stub of github.com/golang-jwt/jwt for tests.
package jwt

type SigningMethod interface{ Alg() string }

type SigningMethodHMAC struct{ Name string }

func (m *SigningMethodHMAC) Alg() string { return m.Name }

type SigningMethodRSA struct{ Name string }

func (m *SigningMethodRSA) Alg() string { return m.Name }

type signingMethodNone struct{}

func (signingMethodNone) Alg() string { return "none" }

var (
	SigningMethodHS256 = &SigningMethodHMAC{"HS256"}
	SigningMethodRS256 = &SigningMethodRSA{"RS256"}
	SigningMethodNone  signingMethodNone
)

const UnsafeAllowNoneSignatureType unsafeNoneMagicConstant = "none signing method allowed"

type unsafeNoneMagicConstant string

type Claims interface{}

type MapClaims map[string]interface{}

type Token struct {
	Raw    string
	Method SigningMethod
	Header map[string]interface{}
	Claims Claims
	Valid  bool
}

func New(method SigningMethod) *Token { return &Token{Method: method} }

func NewWithClaims(method SigningMethod, claims Claims) *Token {
	return &Token{Method: method, Claims: claims}
}

func (t *Token) SignedString(key interface{}) (string, error) { return "", nil }

type Keyfunc func(*Token) (interface{}, error)

type Parser struct {
	ValidMethods []string
}

type ParserOption func(*Parser)

func WithValidMethods(methods []string) ParserOption {
	return func(p *Parser) { p.ValidMethods = methods }
}

func NewParser(options ...ParserOption) *Parser { return &Parser{} }

func (p *Parser) Parse(tokenString string, keyFunc Keyfunc) (*Token, error) { return nil, nil }

func (p *Parser) ParseWithClaims(tokenString string, claims Claims, keyFunc Keyfunc) (*Token, error) {
	return nil, nil
}

func (p *Parser) ParseUnverified(tokenString string, claims Claims) (*Token, []string, error) {
	return nil, nil, nil
}

func Parse(tokenString string, keyFunc Keyfunc, options ...ParserOption) (*Token, error) {
	return nil, nil
}

func ParseWithClaims(tokenString string, claims Claims, keyFunc Keyfunc, options ...ParserOption) (*Token, error) {
	return nil, nil
}
