package githubapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
	// ghinstallation takes its token options in the types of the go-github it is built on.
	tokengh "github.com/google/go-github/v88/github"
)

// access is what one kind of call needs an installation token for. A token carries nothing
// more, so that a token that leaks, or a call that goes astray, reaches little.
type access int

const (
	// installationAccess lists the installation's repositories: metadata of every repository.
	installationAccess access = iota
	// scanAccess reads a pull request, its files, configuration and archive, and writes its
	// check run, in one repository.
	scanAccess
	// issueAccess lists, opens, edits and comments on issues (the weekly summary) in one
	// repository.
	issueAccess
)

func (a access) String() string {
	switch a {
	case scanAccess:
		return "scan"
	case issueAccess:
		return "issues"
	default:
		return "installation"
	}
}

func (a access) permissions() *tokengh.InstallationPermissions {
	read, write := tokengh.Ptr("read"), tokengh.Ptr("write")
	switch a {
	case scanAccess:
		return &tokengh.InstallationPermissions{Checks: write, Contents: read, PullRequests: read, Metadata: read}
	case issueAccess:
		return &tokengh.InstallationPermissions{Issues: write, Metadata: read}
	default:
		return &tokengh.InstallationPermissions{Metadata: read}
	}
}

// tokenScope identifies one installation token: its installation, the one repository it is
// limited to ("" for an installation-level call) and what it may do there.
type tokenScope struct {
	installation int64
	repo         string // the repository's name, lower case as GitHub's names are case-insensitive
	access       access
}

func (s tokenScope) String() string {
	if s.repo == "" {
		return fmt.Sprintf("installation %d (%s token)", s.installation, s.access)
	}
	return fmt.Sprintf("installation %d (%s token for repository %s)", s.installation, s.access, s.repo)
}

func (s tokenScope) options() *tokengh.InstallationTokenOptions {
	opts := &tokengh.InstallationTokenOptions{Permissions: s.access.permissions()}
	if s.repo != "" {
		opts.Repositories = []string{s.repo}
	}
	return opts
}

// scopeOf picks the token a request to GitHub needs from its path. A call on a repository
// (/repos/{owner}/{repo}/…) gets a token limited to that repository and to what that kind of
// call needs; any other call of an installation (listing its repositories) gets one for every
// repository with read access to metadata only. Deciding here rather than at each call site
// means no call can forget to narrow its token.
func (c *Client) scopeOf(installation int64, u *url.URL) tokenScope {
	scope := tokenScope{installation: installation, access: installationAccess}
	rest, ok := strings.CutPrefix(u.Path, c.baseURL.Path)
	if !ok {
		return scope
	}
	parts := strings.SplitN(rest, "/", 5) // "repos", owner, repo, kind, …
	if len(parts) < 3 || parts[0] != "repos" || parts[2] == "" {
		return scope
	}
	scope.repo, scope.access = strings.ToLower(parts[2]), scanAccess
	if len(parts) > 3 && parts[3] == "issues" {
		scope.access = issueAccess
	}
	return scope
}

// installationTransport authenticates each request of one installation with the token its
// scope needs (see scopeOf), fetching and caching one per scope.
type installationTransport struct {
	client       *Client
	installation int64
}

func (t *installationTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tokens := t.client.tokens(t.client.scopeOf(t.installation, req.URL))
	source := tokens.current()
	resp, err := tokens.send(req, source)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// GitHub refused a token before the expiry it announced: it was revoked, or GitHub's clock
	// runs ahead of ours. A request refused with 401 was not carried out, so sending it once
	// more with a fresh token cannot apply it twice.
	retry, rerr := rewind(req)
	if rerr != nil {
		return resp, nil
	}
	drainBody(resp.Body)
	return tokens.send(retry, tokens.renew(source))
}

// scopedTokens holds the installation token of one scope. ghinstallation refreshes it a
// minute before its expiry; renew replaces it when GitHub refuses it sooner.
type scopedTokens struct {
	scope tokenScope
	// newSource makes a token source for the scope that has fetched no token yet.
	newSource func() *ghinstallation.Transport
	base      http.RoundTripper

	mu     sync.Mutex
	source *ghinstallation.Transport
}

func (s *scopedTokens) current() *ghinstallation.Transport {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.source == nil {
		s.source = s.newSource()
	}
	return s.source
}

// renew drops refused, unless a concurrent request already replaced it, and returns the source
// to use now.
func (s *scopedTokens) renew(refused *ghinstallation.Transport) *ghinstallation.Transport {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.source == refused {
		s.source = s.newSource()
	}
	return s.source
}

// send sends req with source's token, fetching one if it has none that is fresh.
func (s *scopedTokens) send(req *http.Request, source *ghinstallation.Transport) (*http.Response, error) {
	token, err := source.Token(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body whatever happens
		}
		return nil, s.refused(err)
	}
	authed := req.Clone(req.Context())
	authed.Header.Set("Authorization", "token "+token)
	return s.base.RoundTrip(authed)
}

// refused turns a failed token request into a TokenError carrying GitHub's status and message.
func (s *scopedTokens) refused(err error) error {
	var refresh *ghinstallation.HTTPError
	if !errors.As(err, &refresh) || refresh.Response == nil {
		return fmt.Errorf("%s: %w", s.scope, err)
	}
	// ghinstallation leaves the body of a refused request open for us to read.
	defer drainBody(refresh.Response.Body)
	var answer struct {
		Message string `json:"message"`
	}
	_ = json.NewDecoder(io.LimitReader(refresh.Response.Body, 64<<10)).Decode(&answer)
	return &TokenError{Scope: s.scope.String(), Status: refresh.Response.StatusCode, Message: answer.Message, repoScoped: s.scope.repo != ""}
}

// TokenError says GitHub refused an installation token: the App's id or key is wrong (401),
// the installation is gone or suspended (404, 403), or the repository is no longer in the
// installation (422; errors.Is(err, ErrNotFound) then holds, as for any repository gone).
type TokenError struct {
	Scope   string // the installation, repository and access asked for
	Status  int
	Message string // GitHub's
	// repoScoped tells that the token was asked for one repository.
	repoScoped bool
}

func (e *TokenError) Error() string {
	return fmt.Sprintf("installation token for %s refused: HTTP %d %s", e.Scope, e.Status, e.Message)
}

// Is makes a refusal because the repository is not in the installation an ErrNotFound: it is
// what an unscoped token's call on that repository would have answered.
func (e *TokenError) Is(target error) bool {
	return target == ErrNotFound && e.repoScoped && e.Status == http.StatusUnprocessableEntity &&
		strings.Contains(strings.ToLower(e.Message), "repositor")
}

// tokens returns the token holder of scope, shared by every request in that scope.
func (c *Client) tokens(scope tokenScope) *scopedTokens {
	if held, ok := c.scopedTokens.Load(scope); ok {
		return held.(*scopedTokens)
	}
	held, _ := c.scopedTokens.LoadOrStore(scope, &scopedTokens{
		scope: scope,
		base:  c.retrying,
		newSource: func() *ghinstallation.Transport {
			source := ghinstallation.NewFromAppsTransport(c.appsTransport(), scope.installation)
			source.BaseURL = c.apiRoot()
			source.InstallationTokenOptions = scope.options()
			return source
		},
	})
	return held.(*scopedTokens)
}
