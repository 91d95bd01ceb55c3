package a

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

func fetch(w http.ResponseWriter, r *http.Request) {
	resp, err := http.Get(r.URL.Query().Get("url")) // want `outgoing request to a URL built from untrusted data: r\.URL \(a\.go:13\) reaches http\.Get \(a\.go:13\)`
	if err == nil {
		resp.Body.Close()
	}
}

func newRequest(ctx context.Context, r *http.Request, client *http.Client) {
	target := "http://" + r.FormValue("host") + "/status"
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target, nil) // want `r\.FormValue \(a\.go:20\) reaches http\.NewRequestWithContext`
	client.Do(req)
	client.Get(target) // want `reaches \(\*http\.Client\)\.Get`
}

func fixedHostPath(r *http.Request) {
	// the host is fixed; the client only picks a path on it
	http.Get("https://api.example.com/users/" + r.FormValue("id"))
	http.Get(fmt.Sprintf("https://api.example.com/users/%s?full=1", r.FormValue("id")))
	u, _ := url.JoinPath("https://api.example.com", "users", r.FormValue("id"))
	http.Get(u)
	v := &url.URL{Scheme: "https", Host: "api.example.com", Path: "/users/" + r.FormValue("id")}
	http.Get(v.String())
}

func hostNotFixed(r *http.Request) {
	// no slash after the host: "@evil.example" makes evil.example the host
	http.Get("https://api.example.com" + r.FormValue("path")) // want `reaches http\.Get`
}

var allowedHosts = map[string]bool{"api.example.com": true}

func allowList(w http.ResponseWriter, r *http.Request) {
	raw := r.FormValue("url")
	u, err := url.Parse(raw)
	if err != nil || !allowedHosts[u.Host] {
		http.Error(w, "host not allowed", http.StatusForbidden)
		return
	}
	http.Get(u.String())
	http.Get(raw)
}

func hostCompared(r *http.Request) {
	u, err := url.Parse(r.FormValue("url"))
	if err != nil {
		return
	}
	if u.Hostname() != "api.example.com" {
		return
	}
	http.Post(u.String(), "application/json", nil)
}

func suffixChecked(r *http.Request) {
	u, err := url.Parse(r.FormValue("url"))
	if err != nil || !strings.HasSuffix(u.Hostname(), ".example.com") {
		return
	}
	http.Head(u.String())
}

func parsedButUnchecked(r *http.Request) {
	u, err := url.Parse(r.FormValue("url"))
	if err != nil {
		return
	}
	http.Head(u.String()) // want `reaches http\.Head`
}

func dial(r *http.Request) {
	net.Dial("tcp", r.FormValue("addr")) // want `reaches net\.Dial`
	var d net.Dialer
	d.DialContext(r.Context(), "tcp", net.JoinHostPort(r.FormValue("host"), "443")) // want `reaches \(\*net\.Dialer\)\.DialContext`
}

// get reaches the sink with its parameter.
func get(u string) (*http.Response, error) {
	return http.Get(u) // want `r\.Header \(a\.go:93\) reaches http\.Get`
}

func viaHelper(r *http.Request) {
	get(r.Header.Get("X-Callback"))
}

func constant() {
	http.Get("https://example.com/health")
}
