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
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// maxJWTLifetime is GitHub's cap on exp - iat of an App JWT.
	maxJWTLifetime = 10 * time.Minute
	// clockSkew is the drift GitHub tolerates between the App's clock and its own.
	clockSkew = 60 * time.Second
)

type issuedToken struct {
	installation int64
	expiresAt    time.Time
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

// installationOf checks an installation token; the caller holds s.mu.
func (s *Server) installationOf(r *http.Request) (int64, bool) {
	scheme, token := credentials(r)
	if scheme != "token" && scheme != "bearer" {
		return 0, false
	}
	issued, ok := s.tokens[token]
	if !ok || !time.Now().Before(issued.expiresAt) {
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
// as a violation: it means the client mixed up its installations.
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
		h(w, r, repo)
	})
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

// createAccessToken serves POST /app/installations/{id}/access_tokens.
func (s *Server) createAccessToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || s.installations[id] == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	token := "ghs_" + rand.Text() + rand.Text()[:10] // 36 characters, like GitHub's
	expires := time.Now().Add(s.opts.TokenTTL)
	s.tokens[token] = issuedToken{installation: id, expiresAt: expires}
	writeJSON(w, http.StatusCreated, map[string]any{
		"token": token,
		// GitHub states expiry in whole seconds; rounding down never announces a token as
		// valid after the fake stops accepting it.
		"expires_at":           expires.UTC().Truncate(time.Second).Format(time.RFC3339),
		"permissions":          map[string]string{"checks": "write", "contents": "read", "issues": "write", "metadata": "read", "pull_requests": "read"},
		"repository_selection": "selected",
	})
}

// withInfo gives handlers somewhere to record who authenticated.
func withInfo(r *http.Request, info *requestInfo) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
}
