package a

import (
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

var key = []byte("from-config")

func unverified(s string) jwt.Claims {
	claims := jwt.MapClaims{}
	jwt.NewParser().ParseUnverified(s, claims) // want `ParseUnverified returns the token's claims without checking its signature`
	return claims
}

func allowNone(s string) (*jwt.Token, error) {
	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {
		return jwt.UnsafeAllowNoneSignatureType, nil // want `UnsafeAllowNoneSignatureType lets unsigned tokens`
	})
}

func signNone() (string, error) {
	return jwt.New(jwt.SigningMethodNone).SignedString(jwt.UnsafeAllowNoneSignatureType) // want `SigningMethodNone creates or accepts unsigned tokens` `UnsafeAllowNoneSignatureType lets unsigned tokens`
}

func anyAlgorithm(s string) (*jwt.Token, error) {
	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) { // want `the key function does not check token.Method and no WithValidMethods option pins the algorithm`
		return key, nil
	})
}

func checkedAlgorithm(s string) (*jwt.Token, error) {
	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
		}
		return key, nil
	})
}

func pinnedByOption(s string) (*jwt.Token, error) {
	return jwt.Parse(s, func(*jwt.Token) (interface{}, error) { return key, nil }, jwt.WithValidMethods([]string{"HS256"}))
}

func keyFunc(t *jwt.Token) (interface{}, error) { return key, nil }

func namedKeyFunc(s string) (*jwt.Token, error) {
	return jwt.ParseWithClaims(s, jwt.MapClaims{}, keyFunc) // want `the key function does not check token.Method`
}

func pinnedParser(s string) (*jwt.Token, error) {
	p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}))
	return p.Parse(s, keyFunc)
}

func unpinnedParser(s string) (*jwt.Token, error) {
	p := jwt.NewParser()
	return p.Parse(s, keyFunc) // want `the key function does not check token.Method`
}

func parserFromCaller(p *jwt.Parser, s string) (*jwt.Token, error) {
	return p.Parse(s, keyFunc) // the caller may have pinned the methods: not judged
}

func checkInHelper(s string) (*jwt.Token, error) {
	return jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {
		return lookupKey(t)
	})
}

func lookupKey(t *jwt.Token) (interface{}, error) {
	if t.Method.Alg() != "HS256" {
		return nil, errors.New("bad alg")
	}
	return key, nil
}
