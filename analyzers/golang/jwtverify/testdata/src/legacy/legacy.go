package legacy

import "github.com/dgrijalva/jwt-go"

func parse(s string) {
	jwt.Parse(s, func(t *jwt.Token) (interface{}, error) { return []byte("k"), nil }) // want `the key function does not check token.Method`
	jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {
		if t.Header["alg"] != "HS256" {
			return nil, nil
		}
		return []byte("k"), nil
	})
}
