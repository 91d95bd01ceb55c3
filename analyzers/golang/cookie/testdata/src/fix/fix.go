package fix

import "net/http"

func set(w http.ResponseWriter, v string) {
	http.SetCookie(w, &http.Cookie{Name: "session", Value: v}) // want `without Secure and HttpOnly`
	http.SetCookie(w, &http.Cookie{                            // want `without Secure`
		Name:     "prefs",
		Value:    v,
		HttpOnly: true,
	})
}
