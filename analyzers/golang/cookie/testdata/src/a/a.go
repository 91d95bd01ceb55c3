package a

import (
	"net/http"
	"time"
)

func login(w http.ResponseWriter, token string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: "session_id", Value: token}) // want `session cookie "session_id" is set without Secure and HttpOnly`
	http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark"})     // want `cookie "theme" is set without Secure and HttpOnly`
	http.SetCookie(w, &http.Cookie{Name: "auth", Value: token, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: "auth", Value: token, HttpOnly: true}) // want `session cookie "auth" is set without Secure$`
	http.SetCookie(w, &http.Cookie{Name: "auth", Value: token, Secure: secure, HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: "csrf_token", Value: token, Secure: true}) // CSRF cookies are read by the page
	http.SetCookie(w, &http.Cookie{Name: "jwt", Secure: false, HttpOnly: true})     // want `session cookie "jwt" is set without Secure`

	c := &http.Cookie{Name: "remember_me", Value: token, Expires: time.Now().Add(time.Hour)} // want `session cookie "remember_me" is set without Secure and HttpOnly`
	http.SetCookie(w, c)

	later := http.Cookie{Name: "sid", Value: token}
	later.Secure = true
	later.HttpOnly = true
	http.SetCookie(w, &later)
}

func clientSide(r *http.Request) {
	r.AddCookie(&http.Cookie{Name: "session", Value: "x"}) // a request cookie, not set on a browser
}
