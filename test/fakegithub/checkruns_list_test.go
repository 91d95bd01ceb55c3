package fakegithub_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fourcsec/fourc/test/fakegithub"
)

func TestListCheckRunsForRef(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	token := "token " + installationToken(t, srv, 7)
	sha := fakegithub.SHA("base")
	for _, run := range []string{
		`{"name":"fourc","head_sha":"` + sha + `","external_id":"first"}`,
		`{"name":"other","head_sha":"` + sha + `","conclusion":"success"}`,
		`{"name":"fourc","head_sha":"` + sha + `","external_id":"second","conclusion":"neutral"}`,
	} {
		if status, body := call(t, srv, "POST", "/repos/acme/widgets/check-runs", token, run); status != http.StatusCreated {
			t.Fatalf("create: HTTP %d %s", status, body)
		}
	}
	type listed struct {
		Total     int `json:"total_count"`
		CheckRuns []struct {
			Name       string `json:"name"`
			ExternalID string `json:"external_id"`
		} `json:"check_runs"`
	}
	tests := []struct {
		query string
		total int
		page  string // the runs listed, as name/external_id
		next  bool   // whether a Link to a next page is sent
	}{
		{"check_name=fourc&filter=all&per_page=1", 2, "fourc/second", true},
		{"check_name=fourc&filter=all&per_page=1&page=2", 2, "fourc/first", false},
		{"", 2, "fourc/second other/", false}, // filter=latest: the newest run of each name
		{"filter=all&status=completed", 2, "fourc/second other/", false},
		{"check_name=fourc&filter=all&status=queued", 1, "fourc/first", false},
		{"filter=all&app_id=999", 0, "", false},
	}
	for _, ref := range []string{sha, "main"} {
		for _, tt := range tests {
			t.Run(ref[:4]+"?"+tt.query, func(t *testing.T) {
				req, err := http.NewRequest("GET", srv.URL+"/repos/acme/widgets/commits/"+ref+"/check-runs?"+tt.query, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", token)
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var got listed
				if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("HTTP %d, %v", resp.StatusCode, err)
				}
				var names []string
				for _, r := range got.CheckRuns {
					names = append(names, r.Name+"/"+r.ExternalID)
				}
				if got.Total != tt.total || strings.Join(names, " ") != tt.page || strings.Contains(resp.Header.Get("Link"), `rel="next"`) != tt.next {
					t.Errorf("total %d, page %v, Link %q; want %d, %q, next %v", got.Total, names, resp.Header.Get("Link"), tt.total, tt.page, tt.next)
				}
			})
		}
	}
	if status, _ := call(t, srv, "GET", "/repos/acme/widgets/commits/"+fakegithub.SHA("nowhere")+"/check-runs", token, ""); status != http.StatusNotFound {
		t.Errorf("unknown commit: HTTP %d, want 404", status)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

// TestLostAnswers checks that ApplyThenFail applies the request before losing its answer, and
// that a request DelayNext holds is not applied once its client has given up.
func TestLostAnswers(t *testing.T) {
	create := `{"name":"fourc","head_sha":"` + fakegithub.SHA("base") + `"}`
	impatient := func(srv *fakegithub.Server) *http.Client {
		c := srv.Client()
		c.Timeout = 300 * time.Millisecond
		return c
	}
	post := func(t *testing.T, srv *fakegithub.Server, client *http.Client, token string) (int, error) {
		req, err := http.NewRequest("POST", srv.URL+"/repos/acme/widgets/check-runs", strings.NewReader(create))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	tests := []struct {
		name       string
		fault      func(srv *fakegithub.Server)
		wantStatus int // 0: the client gives up
		wantRuns   int
	}{
		{"applied then 502", func(srv *fakegithub.Server) {
			srv.ApplyThenFail("POST", "/repos/*/*/check-runs", http.StatusBadGateway, 1)
		}, http.StatusBadGateway, 1},
		{"applied, answer held", func(srv *fakegithub.Server) { srv.ApplyThenFail("POST", "/repos/*/*/check-runs", 0, 1) }, 0, 1},
		{"held before applying", func(srv *fakegithub.Server) { srv.DelayNext("POST", "/repos/*/*/check-runs", 2*time.Second, 1) }, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, fakegithub.Options{})
			token := "token " + installationToken(t, srv, 7)
			tt.fault(srv)
			status, err := post(t, srv, impatient(srv), token)
			if status != tt.wantStatus || (err != nil) != (tt.wantStatus == 0) {
				t.Fatalf("HTTP %d, %v; want %d", status, err, tt.wantStatus)
			}
			// The server logs the request once its handler is done: after the client left, or
			// (were the held request still handled) after the 2 s hold.
			deadline := time.Now().Add(5 * time.Second)
			for !logged(srv, "POST", tt.wantStatus) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if runs := srv.CheckRuns(repoName); len(runs) != tt.wantRuns {
				t.Errorf("%d check runs, want %d", len(runs), tt.wantRuns)
			}
			// The fault is spent: the next request is served.
			if status, err := post(t, srv, srv.Client(), token); status != http.StatusCreated {
				t.Errorf("next request: HTTP %d, %v", status, err)
			}
		})
	}
}

func logged(srv *fakegithub.Server, method string, status int) bool {
	for _, r := range srv.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, "/check-runs") && r.Status == status {
			return true
		}
	}
	return false
}
