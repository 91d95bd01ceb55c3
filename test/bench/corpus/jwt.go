package main

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

var jwtKey = loadKey()

func loadKey() []byte { return nil }

func claimsUnverified(s string) jwt.MapClaims {
	claims := jwt.MapClaims{}
	jwt.NewParser().ParseUnverified(s, claims) // expect: jwt
	return claims
}

func parseAnyAlg(s string) (*jwt.Token, error) {
	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) { return jwtKey, nil }) // expect: jwt
}

func parsePinned(s string) (*jwt.Token, error) {
	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) { // safe: the method is checked
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, errors.New("unexpected signing method")
		}
		return jwtKey, nil
	})
}

func signWithLiteral(claims jwt.MapClaims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("my-jwt-secret")) // expect: hardcoded-credential
}
