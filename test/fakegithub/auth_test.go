package fakegithub_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/test/fakegithub"
)

// requestToken asks for a token of installation 7 with body and returns the status and answer.
func requestToken(t *testing.T, srv *fakegithub.Server, body string) (int, string) {
	t.Helper()
	return call(t, srv, "POST", "/app/installations/7/access_tokens", "Bearer "+signJWT(t, appKey(t, srv), "RS256", validClaims(srv.AppID)), body)
}

func TestTokenRequestScopes(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	srv.AddRepo(7, fakegithub.Repo{Owner: "acme", Name: "gadgets"})
	_, repo := call(t, srv, "GET", "/repos/acme/gadgets", "token "+scopedToken(t, srv, 7, `{"repositories":["gadgets"]}`), "")
	var gadgets struct{ ID int64 }
	if err := json.Unmarshal([]byte(repo), &gadgets); err != nil || gadgets.ID == 0 {
		t.Fatalf("repository answer %s (%v)", repo, err)
	}
	tests := []struct {
		name            string
		body            string
		wantStatus      int
		wantRepos       []string // full names listed in the answer
		wantPermissions map[string]string
		wantMessage     string
		wantViolation   bool
	}{
		{"no body: every repository, every permission", "", 201, nil,
			map[string]string{"checks": "write", "contents": "read", "issues": "write", "metadata": "read", "pull_requests": "read"}, "", false},
		{"by name, case-insensitive", `{"repositories":["Widgets"]}`, 201, []string{"acme/widgets"}, nil, "", false},
		{"by id", fmt.Sprintf(`{"repository_ids":[%d]}`, gadgets.ID), 201, []string{"acme/gadgets"}, nil, "", false},
		{"narrowed permissions get metadata too", `{"repositories":["widgets"],"permissions":{"checks":"write","contents":"read"}}`, 201,
			[]string{"acme/widgets"}, map[string]string{"checks": "write", "contents": "read", "metadata": "read"}, "", false},
		{"a repository of another installation", `{"repositories":["thing"]}`, 422, nil, nil, "not accessible to the parent installation", false},
		{"an unknown repository id", `{"repository_ids":[1]}`, 422, nil, nil, "not accessible to the parent installation", false},
		{"a permission above the App's", `{"permissions":{"contents":"write"}}`, 422, nil, nil, "permissions requested are not granted", true},
		{"a permission the App lacks", `{"permissions":{"administration":"read"}}`, 422, nil, nil, "permissions requested are not granted", true},
		{"not JSON", `{"repositories":`, 400, nil, nil, "Problems parsing JSON", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Violations())
			status, body := requestToken(t, srv, tt.body)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantMessage) {
				t.Fatalf("HTTP %d %s, want %d with %q", status, body, tt.wantStatus, tt.wantMessage)
			}
			if violated := len(srv.Violations()) > before; violated != tt.wantViolation {
				t.Errorf("violation recorded: %v, want %v (%v)", violated, tt.wantViolation, srv.Violations())
			}
			if status != 201 {
				return
			}
			var answer struct {
				Token        string
				Permissions  map[string]string
				Repositories []struct {
					FullName string `json:"full_name"`
				}
			}
			if err := json.Unmarshal([]byte(body), &answer); err != nil {
				t.Fatal(err)
			}
			var repos []string
			for _, r := range answer.Repositories {
				repos = append(repos, r.FullName)
			}
			if !slices.Equal(repos, tt.wantRepos) {
				t.Errorf("repositories %v, want %v", repos, tt.wantRepos)
			}
			if tt.wantPermissions != nil && fmt.Sprint(answer.Permissions) != fmt.Sprint(tt.wantPermissions) {
				t.Errorf("permissions %v, want %v", answer.Permissions, tt.wantPermissions)
			}
			requests := srv.TokenRequests()
			if last := requests[len(requests)-1]; last.Token != answer.Token || last.Status != 201 {
				t.Errorf("last token request recorded as %+v", last)
			}
		})
	}
}

func TestTokenScopeOnRepositories(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	srv.AddRepo(7, fakegithub.Repo{Owner: "acme", Name: "gadgets"})
	head := fakegithub.SHA("base")
	createCheckRun := `{"name":"fourc","head_sha":"` + head + `"}`
	tests := []struct {
		name          string
		tokenBody     string
		method, path  string
		body          string
		wantStatus    int
		wantMessage   string
		wantViolation string
	}{
		{"scoped token on its repository", `{"repositories":["widgets"]}`, "GET", "/repos/acme/widgets/contents/README.md", "", 200, "", ""},
		{"scoped token writes its check run", `{"repositories":["widgets"],"permissions":{"checks":"write"}}`, "POST", "/repos/acme/widgets/check-runs", createCheckRun, 201, "", ""},
		{"scoped token on a sibling repository", `{"repositories":["widgets"]}`, "GET", "/repos/acme/gadgets", "", 404, "Not Found", "token limited to [acme/widgets] used on acme/gadgets"},
		{"token for every repository", "", "GET", "/repos/acme/widgets", "", 200, "", "every repository of installation 7"},
		{"read-only token writes", `{"repositories":["widgets"],"permissions":{"contents":"read"}}`, "POST", "/repos/acme/widgets/check-runs", createCheckRun, 403, "Resource not accessible by integration", "without checks:write"},
		{"issues token reads code", `{"repositories":["widgets"],"permissions":{"issues":"write"}}`, "GET", "/repos/acme/widgets/contents/README.md", "", 403, "Resource not accessible by integration", "without contents:read"},
		{"issues token reads issues", `{"repositories":["widgets"],"permissions":{"issues":"write"}}`, "GET", "/repos/acme/widgets/issues", "", 200, "", ""},
		{"metadata comes with every token", `{"repositories":["widgets"],"permissions":{"issues":"write"}}`, "GET", "/repos/acme/widgets", "", 200, "", ""},
		{"a commit's check runs need checks", `{"repositories":["widgets"],"permissions":{"contents":"read"}}`, "GET", "/repos/acme/widgets/commits/main/check-runs", "", 403, "Resource not accessible by integration", "without checks:read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := scopedToken(t, srv, 7, tt.tokenBody)
			before := len(srv.Violations())
			status, body := call(t, srv, tt.method, tt.path, "token "+token, tt.body)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantMessage) {
				t.Errorf("HTTP %d %s, want %d with %q", status, body, tt.wantStatus, tt.wantMessage)
			}
			added := srv.Violations()[before:]
			switch {
			case tt.wantViolation == "" && len(added) > 0:
				t.Errorf("violations %v, want none", added)
			case tt.wantViolation != "" && (len(added) != 1 || !strings.Contains(added[0].Message, tt.wantViolation)):
				t.Errorf("violations %v, want one saying %q", added, tt.wantViolation)
			}
		})
	}
}

func TestExpireTokens(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	first, second := installationToken(t, srv, 7), installationToken(t, srv, 7)
	if live := srv.ExpireTokens(); live != 2 {
		t.Errorf("ExpireTokens ended %d live tokens, want 2", live)
	}
	for _, token := range []string{first, second} {
		if status, body := call(t, srv, "GET", "/repos/acme/widgets", "token "+token, ""); status != http.StatusUnauthorized || !strings.Contains(body, "Bad credentials") {
			t.Errorf("expired token: HTTP %d %s, want 401 Bad credentials", status, body)
		}
	}
	if status, _ := call(t, srv, "GET", "/repos/acme/widgets", "token "+installationToken(t, srv, 7), ""); status != http.StatusOK {
		t.Errorf("token issued after ExpireTokens: HTTP %d, want 200", status)
	}
	if live := srv.ExpireTokens(); live != 1 {
		t.Errorf("second ExpireTokens ended %d live tokens, want 1", live)
	}
	if jwts := srv.AppJWTs(); len(jwts) != 3 || strings.Count(jwts[0], ".") != 2 {
		t.Errorf("%d App JWTs recorded, want the 3 sent with the token requests", len(jwts))
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("violations %v", v)
	}
}
