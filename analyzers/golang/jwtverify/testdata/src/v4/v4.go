package v4

import jwt "github.com/golang-jwt/jwt/v4"

var key = []byte("k")

func keyFunc(t *jwt.Token) (interface{}, error) { return key, nil }

func parse(s string) {
	p := &jwt.Parser{ValidMethods: []string{"HS256"}}
	p.Parse(s, keyFunc)
	q := &jwt.Parser{}
	q.Parse(s, keyFunc)                                 // want `the key function does not check token.Method`
	new(jwt.Parser).ParseUnverified(s, jwt.MapClaims{}) // want `ParseUnverified returns the token's claims without checking its signature`
}
