package fakegithub

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

const (
	// maxJWTLifetime is GitHub's cap on exp - iat of an App JWT.
	maxJWTLifetime = 10 * time.Minute
	// clockSkew is the drift GitHub tolerates between the App's clock and its own.
	clockSkew = 60 * time.Second
	// maxTokenRepositories is how many repositories one token request may name.
	maxTokenRepositories = 500
)

// GitHub's answers to a token request it cannot grant.
const (
	msgRepositoryNotInInstallation = "There is at least one repository that does not exist or is not accessible to the parent installation."
	msgPermissionsNotGranted       = "The permissions requested are not granted to this installation."
	msgNotAccessibleByIntegration  = "Resource not accessible by integration"
)

// appPermissions are what every installation granted the App, as infra/app-manifest.json asks.
var appPermissions = map[string]string{"checks": "write", "contents": "read", "issues": "write", "metadata": "read", "pull_requests": "read"}

// repoPermissions names the permission GitHub requires for each kind of repository endpoint,
// by the path segment after /repos/{owner}/{repo}/ ("" for the repository itself). A GET needs
// read access, anything else write access. A kind missing here needs metadata, which GitHub
// only ever grants read-only: add new repository endpoints here.
var repoPermissions = map[string]string{
	"":           "metadata",
	"branches":   "contents",
	"check-runs": "checks",
	"commits":    "contents",
	"compare":    "contents",
	"contents":   "contents",
	"issues":     "issues",
	"pulls":      "pull_requests",
	"tarball":    "contents",
}

type issuedToken struct {
	installation int64
	expiresAt    time.Time
	// repos are the repositories the token may act on (id → full name); nil means every
	// repository of the installation.
	repos       map[int64]string
	permissions map[string]string
}

// TokenRequest is one request for an installation token, as the App sent it.
type TokenRequest struct {
	Installation int64
	// Repositories and RepositoryIDs are the limits the App asked for (none: every repository
	// of the installation).
	Repositories  []string
	RepositoryIDs []int64
	// Permissions are the permissions the App asked for (nil: all the App was granted).
	Permissions map[string]string
	Status      int
	// Token is the token issued, "" when the request was refused.
	Token string
}

// Scoped tells whether the request limited the token to some repositories.
func (t TokenRequest) Scoped() bool { return len(t.Repositories) > 0 || len(t.RepositoryIDs) > 0 }

// authLog is what the fake remembers of the App's credentials.
type authLog struct {
	jwts          []string
	tokenRequests []TokenRequest
}

// AppJWTs returns every App JWT presented so far, valid or not, in order.
func (s *Server) AppJWTs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.auth.jwts)
}

// TokenRequests returns every installation-token request answered so far, in order.
func (s *Server) TokenRequests() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TokenRequest, len(s.auth.tokenRequests))
	for i, tr := range s.auth.tokenRequests {
		tr.Repositories, tr.RepositoryIDs, tr.Permissions = slices.Clone(tr.Repositories), slices.Clone(tr.RepositoryIDs), maps.Clone(tr.Permissions)
		out[i] = tr
	}
	return out
}

// ExpireTokens ends every installation token issued so far, as when GitHub revokes them or
// they expire before the time the App was told (its clock runs behind GitHub's): the App's
// next request with one is answered 401 "Bad credentials". It returns how many were still valid.
func (s *Server) ExpireTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, live := time.Now(), 0
	for token, issued := range s.tokens {
		if now.Before(issued.expiresAt) {
			live++
		}
		issued.expiresAt = now
		s.tokens[token] = issued
	}
	return live
}

type infoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	if info, ok := r.Context().Value(infoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// credentials splits an Authorization header into its scheme and secret.
func credentials(r *http.Request) (scheme, secret string) {
	scheme, secret, _ = strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.ToLower(scheme), strings.TrimSpace(secret)
}

// asApp serves h to requests carrying a valid App JWT, holding s.mu.
func (s *Server) asApp(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, jwt := credentials(r)
		if jwt != "" {
			s.mu.Lock()
			s.auth.jwts = append(s.auth.jwts, jwt)
			s.mu.Unlock()
		}
		if scheme != "bearer" || jwt == "" {
			writeError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
			return
		}
		if err := s.verifyJWT(jwt, time.Now()); err != nil {
			writeError(w, http.StatusUnauthorized, err.Error())
			return
		}
		infoOf(r).auth = "app"
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r)
	}
}

// tokenOf finds the valid installation token a request carries; the caller holds s.mu.
func (s *Server) tokenOf(r *http.Request) (issuedToken, bool) {
	scheme, token := credentials(r)
	if scheme != "token" && scheme != "bearer" {
		return issuedToken{}, false
	}
	issued, ok := s.tokens[token]
	if !ok || !time.Now().Before(issued.expiresAt) {
		return issuedToken{}, false
	}
	return issued, true
}

// installationOf checks an installation token; the caller holds s.mu.
func (s *Server) installationOf(r *http.Request) (int64, bool) {
	issued, ok := s.tokenOf(r)
	if !ok {
		return 0, false
	}
	infoOf(r).auth = fmt.Sprintf("installation:%d", issued.installation)
	return issued.installation, true
}

// asInstallation serves h to requests carrying a valid installation token, holding s.mu.
func (s *Server) asInstallation(h func(http.ResponseWriter, *http.Request, int64)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		inst, ok := s.installationOf(r)
		if !ok {
			writeError(w, http.StatusUnauthorized, "Bad credentials")
			return
		}
		h(w, r, inst)
	}
}

// onRepo serves h for the repository in the path, to a token of the installation that owns
// it, holding s.mu. A token of another installation is refused as bad credentials and recorded
// as a violation: it means the client mixed up its installations. The token's scope applies
// as on GitHub (see authorize).
func (s *Server) onRepo(h func(http.ResponseWriter, *http.Request, *repoState)) http.HandlerFunc {
	return s.asInstallation(func(w http.ResponseWriter, r *http.Request, inst int64) {
		repo, ok := s.repos[repoKey(r.PathValue("owner"), r.PathValue("repo"))]
		if !ok {
			writeError(w, http.StatusNotFound, "Not Found")
			return
		}
		if repo.installation != inst {
			s.violate(r, "token of installation %d used on %s, which belongs to installation %d", inst, repo.FullName(), repo.installation)
			writeError(w, http.StatusUnauthorized, "Bad credentials")
			return
		}
		if !s.authorize(w, r, repo) {
			return
		}
		h(w, r, repo)
	})
}

// authorize holds a request on repo to its token's scope, as GitHub does: a repository outside
// the token's repositories does not exist for it (404), and a call beyond the token's
// permissions is refused (403). Both are violations, and so is the use of a token valid for
// every repository of the installation: the App asks for a token limited to the repository it
// works on, so that a leaked token or a confused call reaches nothing else. The caller holds s.mu.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, repo *repoState) bool {
	issued, _ := s.tokenOf(r)
	switch _, inScope := issued.repos[repo.id]; {
	case issued.repos == nil:
		s.violate(r, "installation token for every repository of installation %d used on %s: ask for a token limited to the repository", issued.installation, repo.FullName())
	case !inScope:
		s.violate(r, "token limited to %v used on %s", slices.Sorted(maps.Values(issued.repos)), repo.FullName())
		writeError(w, http.StatusNotFound, "Not Found")
		return false
	}
	name, level := requiredPermission(r)
	if !grants(issued.permissions[name], level) {
		s.violate(r, "token without %s:%s (it has %v)", name, level, issued.permissions)
		writeError(w, http.StatusForbidden, msgNotAccessibleByIntegration)
		return false
	}
	return true
}

// requiredPermission is the permission a request on a repository needs (see repoPermissions).
func requiredPermission(r *http.Request) (name, level string) {
	// "", "repos", owner, repo, kind, …
	parts := strings.Split(r.URL.Path, "/")
	kind := ""
	if len(parts) > 4 {
		kind = parts[4]
	}
	// A commit's check runs are check runs (GET /repos/{o}/{r}/commits/{ref}/check-runs).
	if kind == "commits" && parts[len(parts)-1] == "check-runs" {
		kind = "check-runs"
	}
	name, ok := repoPermissions[kind]
	if !ok {
		name = "metadata"
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return name, "read"
	}
	return name, "write"
}

// accessLevels orders GitHub's permission levels.
var accessLevels = map[string]int{"read": 1, "write": 2, "admin": 3}

// grants tells whether a permission at level have allows level want.
func grants(have, want string) bool {
	return accessLevels[have] > 0 && accessLevels[have] >= accessLevels[want]
}

// verifyJWT checks an App JWT as GitHub does: RS256 signed by the App's key, issued by the App,
// with integer iat and exp no more than ten minutes apart, and not expired.
func (s *Server) verifyJWT(token string, now time.Time) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("A JSON web token could not be decoded")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return errors.New("A JSON web token could not be decoded")
	}
	if header.Alg != "RS256" {
		return fmt.Errorf("'Algorithm' %q is not RS256", header.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("A JSON web token could not be decoded")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return errors.New("'Signature' does not match the App's public key")
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat json.Number     `json:"iat"`
		Exp json.Number     `json:"exp"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return errors.New("A JSON web token could not be decoded")
	}
	if iss := strings.Trim(string(claims.Iss), `"`); iss != strconv.FormatInt(s.AppID, 10) {
		return fmt.Errorf("'Issuer' claim ('iss') %s is not this App (%d)", claims.Iss, s.AppID)
	}
	iat, err := claims.Iat.Int64()
	if err != nil {
		return errors.New("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued")
	}
	exp, err := claims.Exp.Int64()
	if err != nil {
		return errors.New("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	}
	issued, expires := time.Unix(iat, 0), time.Unix(exp, 0)
	switch {
	case issued.After(now.Add(clockSkew)):
		return errors.New("'Issued at' claim ('iat') must be an Integer representing a time in the past")
	case expires.Sub(issued) > maxJWTLifetime:
		return errors.New("'Expiration time' claim ('exp') is too far in the future")
	case !expires.After(now.Add(-clockSkew)):
		return errors.New("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// tokenRequestBody is the optional body of a token request.
type tokenRequestBody struct {
	Repositories  []string          `json:"repositories"`
	RepositoryIDs []int64           `json:"repository_ids"`
	Permissions   map[string]string `json:"permissions"`
}

// createAccessToken serves POST /app/installations/{id}/access_tokens. Like GitHub it limits
// the token to the repositories the body names (by name or id; none named: every repository of
// the installation) and to the permissions it names (none: all the App was granted), and
// refuses with 422 a repository outside the installation or a permission the App lacks; the
// latter is also a violation, as the App should know what it was granted.
func (s *Server) createAccessToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || s.installations[id] == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	var body tokenRequestBody
	raw, err := io.ReadAll(r.Body)
	if err == nil && len(bytes.TrimSpace(raw)) > 0 {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	request := TokenRequest{Installation: id, Repositories: body.Repositories, RepositoryIDs: body.RepositoryIDs, Permissions: body.Permissions}
	defer func() { s.auth.tokenRequests = append(s.auth.tokenRequests, request) }()
	refuse := func(msg string) {
		request.Status = http.StatusUnprocessableEntity
		writeError(w, request.Status, msg)
	}
	repos, ok := s.tokenRepositories(id, body)
	if !ok {
		refuse(msgRepositoryNotInInstallation)
		return
	}
	permissions, ok := tokenPermissions(body.Permissions)
	if !ok {
		s.violate(r, "token asked for permissions %v; the App was granted %v", body.Permissions, appPermissions)
		refuse(msgPermissionsNotGranted)
		return
	}
	token := "ghs_" + rand.Text() + rand.Text()[:10] // 36 characters, like GitHub's
	expires := time.Now().Add(s.opts.TokenTTL)
	s.tokens[token] = issuedToken{installation: id, expiresAt: expires, repos: repos, permissions: permissions}
	request.Status, request.Token = http.StatusCreated, token
	answer := map[string]any{
		"token": token,
		// GitHub states expiry in whole seconds; rounding down never announces a token as
		// valid after the fake stops accepting it.
		"expires_at":           expires.UTC().Truncate(time.Second).Format(time.RFC3339),
		"permissions":          permissions,
		"repository_selection": "selected",
	}
	if repos != nil {
		listed := make([]*github.Repository, 0, len(repos))
		for _, name := range slices.Sorted(maps.Values(repos)) {
			owner, repo, _ := strings.Cut(name, "/")
			listed = append(listed, s.repoJSON(s.repos[repoKey(owner, repo)]))
		}
		answer["repositories"] = listed
	}
	writeJSON(w, http.StatusCreated, answer)
}

// tokenRepositories resolves the repositories a token request names within installation id
// (nil when it names none); false when one is not there. The caller holds s.mu.
func (s *Server) tokenRepositories(id int64, body tokenRequestBody) (map[int64]string, bool) {
	if len(body.Repositories) == 0 && len(body.RepositoryIDs) == 0 {
		return nil, true
	}
	if len(body.Repositories)+len(body.RepositoryIDs) > maxTokenRepositories {
		return nil, false
	}
	repos := map[int64]string{}
	find := func(match func(*repoState) bool) bool {
		for _, repo := range s.repos {
			if repo.installation == id && match(repo) {
				repos[repo.id] = repo.FullName()
				return true
			}
		}
		return false
	}
	for _, name := range body.Repositories {
		if !find(func(repo *repoState) bool { return strings.EqualFold(repo.Name, name) }) {
			return nil, false
		}
	}
	for _, repoID := range body.RepositoryIDs {
		if !find(func(repo *repoState) bool { return repo.id == repoID }) {
			return nil, false
		}
	}
	return repos, true
}

// tokenPermissions are the permissions a token gets for a request asking for asked; false when
// the App was not granted one of them. Read access to metadata comes with every token.
func tokenPermissions(asked map[string]string) (map[string]string, bool) {
	if len(asked) == 0 {
		return maps.Clone(appPermissions), true
	}
	out := map[string]string{"metadata": "read"}
	for name, level := range asked {
		if _, known := accessLevels[level]; !known || !grants(appPermissions[name], level) {
			return nil, false
		}
		out[name] = level
	}
	return out, true
}

// withInfo gives handlers somewhere to record who authenticated.
func withInfo(r *http.Request, info *requestInfo) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
}
