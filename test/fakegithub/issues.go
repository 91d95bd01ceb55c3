package fakegithub

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// maxIssueBodyBytes is GitHub's limit on an issue body (65,536 characters, counted as bytes).
const maxIssueBodyBytes = 65536

type issueBody struct {
	Title  *string   `json:"title"`
	Body   *string   `json:"body"`
	State  *string   `json:"state"`
	Labels *[]string `json:"labels"`
}

func validateIssue(body *issueBody, creating bool) []fieldError {
	var problems []fieldError
	bad := func(field, format string, args ...any) {
		problems = append(problems, fieldError{Resource: "Issue", Field: field, Code: "invalid", Message: fmt.Sprintf(format, args...)})
	}
	if (creating || body.Title != nil) && (body.Title == nil || strings.TrimSpace(*body.Title) == "") {
		bad("title", "title is required")
	}
	if body.Body != nil && len(*body.Body) > maxIssueBodyBytes {
		bad("body", "body is %d bytes, over %d", len(*body.Body), maxIssueBodyBytes)
	}
	if body.State != nil && *body.State != "open" && *body.State != "closed" {
		bad("state", "state %q is not open or closed", *body.State)
	}
	return problems
}

// writableIssues answers as GitHub does when issues cannot be written; the caller holds s.mu.
func writableIssues(w http.ResponseWriter, repo *repoState) bool {
	switch {
	case repo.Archived:
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.")
	case repo.IssuesDisabled:
		writeError(w, http.StatusGone, "Issues are disabled for this repo")
	default:
		return true
	}
	return false
}

func (s *Server) createIssue(w http.ResponseWriter, r *http.Request, repo *repoState) {
	if !writableIssues(w, repo) {
		return
	}
	var body issueBody
	if !decodeBody(w, r, &body) {
		return
	}
	if problems := validateIssue(&body, true); len(problems) > 0 {
		s.unprocessable(w, r, "issue", problems)
		return
	}
	now := time.Now().UTC()
	repo.lastNumber++
	issue := &Issue{Number: repo.lastNumber, Title: *body.Title, Body: deref(body.Body), State: "open", CreatedAt: now, UpdatedAt: now}
	if body.Labels != nil {
		issue.Labels = slices.Clone(*body.Labels)
	}
	repo.issues[issue.Number] = issue
	writeJSON(w, http.StatusCreated, s.issueJSON(repo, issue))
}

func (s *Server) issue(w http.ResponseWriter, r *http.Request, repo *repoState) (*Issue, bool) {
	n, err := strconv.Atoi(r.PathValue("number"))
	issue, ok := repo.issues[n]
	if err != nil || !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, false
	}
	return issue, true
}

func (s *Server) getIssue(w http.ResponseWriter, r *http.Request, repo *repoState) {
	if issue, ok := s.issue(w, r, repo); ok {
		writeJSON(w, http.StatusOK, s.issueJSON(repo, issue))
	}
}

func (s *Server) updateIssue(w http.ResponseWriter, r *http.Request, repo *repoState) {
	issue, ok := s.issue(w, r, repo)
	if !ok || !writableIssues(w, repo) {
		return
	}
	var body issueBody
	if !decodeBody(w, r, &body) {
		return
	}
	if problems := validateIssue(&body, false); len(problems) > 0 {
		s.unprocessable(w, r, "issue", problems)
		return
	}
	if body.Title != nil {
		issue.Title = *body.Title
	}
	if body.Body != nil {
		issue.Body = *body.Body
	}
	if body.State != nil {
		issue.State = *body.State
	}
	if body.Labels != nil {
		issue.Labels = slices.Clone(*body.Labels)
	}
	issue.UpdatedAt = time.Now().UTC()
	writeJSON(w, http.StatusOK, s.issueJSON(repo, issue))
}

// listIssues serves GET /repos/{o}/{r}/issues with GitHub's filters (state, labels — all
// must match), sort (created, updated) and direction, paginated. Like GitHub it lists pull
// requests too, marked by their pull_request field.
func (s *Server) listIssues(w http.ResponseWriter, r *http.Request, repo *repoState) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var labels []string
	if l := q.Get("labels"); l != "" {
		labels = strings.Split(l, ",")
	}
	var matching []*Issue
	for _, issue := range repo.issues {
		if (state == "all" || issue.State == state) && hasLabels(issue, labels) {
			matching = append(matching, issue)
		}
	}
	var prs []*PullRequest
	for _, pr := range repo.pulls {
		if len(labels) == 0 && (state == "all" || pr.State == state) {
			prs = append(prs, pr)
		}
	}
	byUpdated := q.Get("sort") == "updated"
	ascending := q.Get("direction") == "asc"
	slices.SortFunc(matching, func(a, b *Issue) int {
		ta, tb := a.CreatedAt, b.CreatedAt
		if byUpdated {
			ta, tb = a.UpdatedAt, b.UpdatedAt
		}
		c := ta.Compare(tb)
		if c == 0 {
			c = a.Number - b.Number
		}
		if !ascending {
			c = -c
		}
		return c
	})
	out := make([]*github.Issue, 0, len(matching)+len(prs))
	for _, issue := range matching {
		out = append(out, s.issueJSON(repo, issue))
	}
	slices.SortFunc(prs, func(a, b *PullRequest) int { return b.Number - a.Number })
	for _, pr := range prs {
		out = append(out, &github.Issue{
			Number: github.Int(pr.Number), Title: github.String(pr.Title), State: github.String(pr.State),
			PullRequestLinks: &github.PullRequestLinks{URL: github.String(fmt.Sprintf("%s/repos/%s/pulls/%d", s.URL, repo.FullName(), pr.Number))},
		})
	}
	from, to := s.paginate(w, r, len(out))
	writeJSON(w, http.StatusOK, out[from:to])
}

func hasLabels(issue *Issue, want []string) bool {
	for _, l := range want {
		if !slices.ContainsFunc(issue.Labels, func(have string) bool { return strings.EqualFold(have, strings.TrimSpace(l)) }) {
			return false
		}
	}
	return true
}

func (s *Server) issueJSON(repo *repoState, issue *Issue) *github.Issue {
	out := &github.Issue{
		Number: github.Int(issue.Number), Title: github.String(issue.Title), Body: github.String(issue.Body),
		State:     github.String(issue.State),
		HTMLURL:   github.String(fmt.Sprintf("%s/%s/issues/%d", s.http.URL, repo.FullName(), issue.Number)),
		URL:       github.String(fmt.Sprintf("%s/repos/%s/issues/%d", s.URL, repo.FullName(), issue.Number)),
		CreatedAt: &github.Timestamp{Time: issue.CreatedAt}, UpdatedAt: &github.Timestamp{Time: issue.UpdatedAt},
		User: &github.User{Login: github.String("fourc[bot]"), Type: github.String("Bot")},
	}
	for _, l := range issue.Labels {
		out.Labels = append(out.Labels, &github.Label{Name: github.String(l)})
	}
	return out
}

func (s *Server) createIssueComment(w http.ResponseWriter, r *http.Request, repo *repoState) {
	issue, ok := s.issue(w, r, repo)
	if !ok || !writableIssues(w, repo) {
		return
	}
	var body struct {
		Body *string `json:"body"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.Body == nil || strings.TrimSpace(*body.Body) == "":
		s.unprocessable(w, r, "issue comment", []fieldError{{Resource: "IssueComment", Field: "body", Code: "missing_field", Message: "body is required"}})
		return
	case len(*body.Body) > maxIssueBodyBytes:
		s.unprocessable(w, r, "issue comment", []fieldError{{Resource: "IssueComment", Field: "body", Code: "invalid",
			Message: fmt.Sprintf("body is %d bytes, over %d", len(*body.Body), maxIssueBodyBytes)}})
		return
	}
	issue.Comments = append(issue.Comments, *body.Body)
	issue.UpdatedAt = time.Now().UTC()
	writeJSON(w, http.StatusCreated, s.commentJSON(repo, issue, len(issue.Comments)-1))
}

func (s *Server) listIssueComments(w http.ResponseWriter, r *http.Request, repo *repoState) {
	issue, ok := s.issue(w, r, repo)
	if !ok {
		return
	}
	from, to := s.paginate(w, r, len(issue.Comments))
	out := make([]*github.IssueComment, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, s.commentJSON(repo, issue, i))
	}
	writeJSON(w, http.StatusOK, out)
}

// commentJSON renders the i-th comment of issue; its id is derived from the issue and position.
func (s *Server) commentJSON(repo *repoState, issue *Issue, i int) *github.IssueComment {
	id := int64(issue.Number)*10000 + int64(i) + 1
	return &github.IssueComment{
		ID: github.Int64(id), Body: github.String(issue.Comments[i]),
		HTMLURL: github.String(fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", s.http.URL, repo.FullName(), issue.Number, id)),
		User:    &github.User{Login: github.String("fourc[bot]"), Type: github.String("Bot")},
	}
}
