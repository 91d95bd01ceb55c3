package githubapp

import (
	"cmp"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
)

// DefaultBaseURL is GitHub.com's REST API.
const DefaultBaseURL = "https://api.github.com"

// Options configure New.
type Options struct {
	// BaseURL is the REST API root: "https://api.github.com" (the default), a GitHub Enterprise
	// Server's "https://HOST/api/v3", or a fake server's URL. It is used as given, never rewritten.
	BaseURL string
	// AppID and PrivateKey (PEM, PKCS#1 or PKCS#8) identify the GitHub App.
	AppID      int64
	PrivateKey []byte
	// Transport carries every request (default: a clone of http.DefaultTransport). Tests pass
	// the fake server's transport here.
	Transport http.RoundTripper
	// UserAgent names the App to GitHub (default "fourc").
	UserAgent string
	// Retry tunes the RetryTransport under every request.
	Retry RetryOptions
}

// RetryOptions tune RetryTransport; zero fields take its defaults.
type RetryOptions struct {
	MaxAttempts int
	BaseDelay   time.Duration
	MaxWait     time.Duration
	// Sleep waits between attempts; tests replace it to run without real delays.
	Sleep func(ctx context.Context, d time.Duration) error
	// AttemptTimeout bounds the wait for each answer (default: the transport's own bound).
	AttemptTimeout time.Duration
}

// Client is the GitHub implementation of GitHub: go-github over ghinstallation's App (JWT) and
// installation-token transports, over RetryTransport. Each call of an installation uses a token
// limited to the repository it acts on and the permissions that kind of call needs (see
// scopeOf). Build it once per process and share it: it caches one token per installation,
// repository and kind of access, and is safe for concurrent use.
type Client struct {
	baseURL   *url.URL // ends in "/", as go-github requires
	appID     int64
	key       *rsa.PrivateKey
	userAgent string
	// retrying is the shared transport below authentication: it keeps connections pooled
	// across installations and retries what GitHub asks to be retried.
	retrying http.RoundTripper
	app      *github.Client // authenticated as the App, for /app/* endpoints
	// download fetches archive redirects; it sends no credentials because GitHub's archive
	// URLs are pre-signed and may point at another host.
	download *http.Client
	// installations caches one *github.Client per installation id.
	installations sync.Map
	// scopedTokens caches one *scopedTokens per tokenScope, so that each token is fetched
	// once and refreshed only when it is about to expire or GitHub refuses it.
	scopedTokens sync.Map
}

var _ GitHub = (*Client)(nil)

// New builds a Client. It checks the options and parses the key but makes no request.
func New(opts Options) (*Client, error) {
	if opts.AppID <= 0 {
		return nil, errors.New("github app: app id must be positive")
	}
	key, err := parsePrivateKey(opts.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("github app %d: %w", opts.AppID, err)
	}
	base, err := parseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	transport := opts.Transport
	if transport == nil {
		transport = defaultTransport()
	}
	retrying := &RetryTransport{
		Base:        transport,
		MaxAttempts: opts.Retry.MaxAttempts,
		BaseDelay:   opts.Retry.BaseDelay,
		MaxWait:     opts.Retry.MaxWait,
		Sleep:       opts.Retry.Sleep,

		AttemptTimeout: opts.Retry.AttemptTimeout,
	}
	c := &Client{
		baseURL:   base,
		appID:     opts.AppID,
		key:       key,
		userAgent: cmp.Or(opts.UserAgent, "fourc"),
		retrying:  retrying,
		download:  &http.Client{Transport: retrying},
	}
	c.app = c.restClient(c.appsTransport())
	return c, nil
}

// defaultTransport bounds the wait for response headers so that a hung connection turns into
// a retryable error instead of holding a scan until its deadline.
func defaultTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 2 * time.Minute
	return t
}

func parsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("private key is not PEM")
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		// The parser's message names the encoding problem, never key material.
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key is %T, GitHub Apps use RSA", parsed)
	}
	return key, nil
}

// parseBaseURL accepts the API root as given: GitHub Enterprise Server's "/api/v3" prefix is
// kept as is (go-github's WithEnterpriseURLs would append another one to a URL without it).
// "https://github.com" is the one rewrite, to the API host, as it can only mean GitHub.com.
func parseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimRight(cmp.Or(strings.TrimSpace(raw), DefaultBaseURL), "/")
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("github base url: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("github base url %q: want http(s)://host[/path]", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("github base url %q: must not carry credentials, a query or a fragment", u.Redacted())
	}
	if strings.EqualFold(u.Host, "github.com") && u.Path == "" {
		u.Host = "api.github.com"
	}
	u.Path += "/"
	return u, nil
}

// apiRoot is the base URL without its trailing slash, as ghinstallation joins paths to it.
func (c *Client) apiRoot() string { return strings.TrimSuffix(c.baseURL.String(), "/") }

// appsTransport signs each request with a fresh App JWT. Every token source gets its own
// instance: ghinstallation writes BaseURL and Client into its AppsTransport whenever it
// refreshes its token, which would race between sources sharing one.
func (c *Client) appsTransport() *ghinstallation.AppsTransport {
	t := ghinstallation.NewAppsTransportFromPrivateKey(c.retrying, c.appID, c.key)
	t.BaseURL = c.apiRoot()
	return t
}

func (c *Client) restClient(transport http.RoundTripper) *github.Client {
	gh := github.NewClient(&http.Client{Transport: transport})
	gh.BaseURL = c.baseURL
	// Uploads are not used; point them at the same server rather than at uploads.github.com.
	gh.UploadURL = c.baseURL
	gh.UserAgent = c.userAgent
	return gh
}

// installation returns the client acting as installation id.
func (c *Client) installation(id int64) (*github.Client, error) {
	if id <= 0 {
		return nil, fmt.Errorf("installation id %d is not valid", id)
	}
	if gh, ok := c.installations.Load(id); ok {
		return gh.(*github.Client), nil
	}
	gh, _ := c.installations.LoadOrStore(id, c.restClient(&installationTransport{client: c, installation: id}))
	return gh.(*github.Client), nil
}

// apiError wraps err from GitHub with what was being done. A 404 also wraps ErrNotFound so
// callers can test for it; the original error stays inspectable (rate limits, status codes).
func apiError(what string, resp *github.Response, err error) error {
	if err == nil {
		return nil
	}
	if status := statusOf(resp, err); status == http.StatusNotFound {
		return fmt.Errorf("%s: %w: %w", what, ErrNotFound, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// statusOf finds the HTTP status behind err: go-github's response, its error types, or a
// refused installation token.
func statusOf(resp *github.Response, err error) int {
	var refused *TokenError
	if errors.As(err, &refused) {
		return refused.Status
	}
	if resp != nil && resp.Response != nil {
		return resp.StatusCode
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

func drainBody(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// perPage is the largest page GitHub serves; fewer pages mean fewer requests against the limit.
const perPage = 100
