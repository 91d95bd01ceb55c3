package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"
)

// GitHub's documented limits on check runs (https://docs.github.com/rest/checks/runs). GitHub
// states the text limits in characters; the fake counts bytes, the strictest reading, so a
// request the fake accepts is one GitHub accepts.
const (
	maxAnnotationsPerRequest = 50
	maxTitleBytes            = 255
	maxOutputTextBytes       = 65535
	maxAnnotationTextBytes   = 64 << 10
)

var (
	checkRunStatuses    = []string{"queued", "in_progress", "completed"}
	checkRunConclusions = []string{"action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"}
	annotationLevels    = []string{"notice", "warning", "failure"}
)

// checkRunBody is a create or update request; pointers tell absent fields from empty ones.
type checkRunBody struct {
	Name        *string         `json:"name"`
	HeadSHA     *string         `json:"head_sha"`
	DetailsURL  *string         `json:"details_url"`
	ExternalID  *string         `json:"external_id"`
	Status      *string         `json:"status"`
	Conclusion  *string         `json:"conclusion"`
	StartedAt   *string         `json:"started_at"`
	CompletedAt *string         `json:"completed_at"`
	Output      *checkRunOutput `json:"output"`
}

type checkRunOutput struct {
	Title       *string              `json:"title"`
	Summary     *string              `json:"summary"`
	Text        *string              `json:"text"`
	Annotations []checkRunAnnotation `json:"annotations"`
}

type checkRunAnnotation struct {
	Path            *string `json:"path"`
	StartLine       *int    `json:"start_line"`
	EndLine         *int    `json:"end_line"`
	StartColumn     *int    `json:"start_column"`
	EndColumn       *int    `json:"end_column"`
	AnnotationLevel *string `json:"annotation_level"`
	Message         *string `json:"message"`
	Title           *string `json:"title"`
	RawDetails      *string `json:"raw_details"`
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON: "+err.Error())
		return false
	}
	return true
}

// validateCheckRun lists every way body breaks GitHub's contract.
func validateCheckRun(body *checkRunBody, creating bool) []fieldError {
	var problems []fieldError
	bad := func(field, format string, args ...any) {
		problems = append(problems, fieldError{Resource: "CheckRun", Field: field, Code: "invalid", Message: fmt.Sprintf(format, args...)})
	}
	if creating && (body.Name == nil || *body.Name == "") {
		bad("name", "name is required")
	}
	if creating && (body.HeadSHA == nil || *body.HeadSHA == "") {
		bad("head_sha", "head_sha is required")
	}
	if body.Status != nil && !slices.Contains(checkRunStatuses, *body.Status) {
		bad("status", "status %q is not one of %v", *body.Status, checkRunStatuses)
	}
	if body.Conclusion != nil && !slices.Contains(checkRunConclusions, *body.Conclusion) {
		bad("conclusion", "conclusion %q is not one of %v", *body.Conclusion, checkRunConclusions)
	}
	if body.Status != nil && *body.Status == "completed" && body.Conclusion == nil {
		bad("conclusion", "conclusion is required when status is completed")
	}
	if body.Conclusion != nil && body.Status != nil && *body.Status != "completed" {
		bad("status", "status %q contradicts conclusion %q, which completes the run", *body.Status, *body.Conclusion)
	}
	for _, ts := range []struct {
		field string
		value *string
	}{{"started_at", body.StartedAt}, {"completed_at", body.CompletedAt}} {
		if ts.value != nil {
			if _, err := time.Parse(time.RFC3339, *ts.value); err != nil {
				bad(ts.field, "%s %q is not an ISO 8601 timestamp", ts.field, *ts.value)
			}
		}
	}
	if body.Output != nil {
		problems = append(problems, validateOutput(body.Output)...)
	}
	return problems
}

func validateOutput(o *checkRunOutput) []fieldError {
	var problems []fieldError
	bad := func(field, format string, args ...any) {
		problems = append(problems, fieldError{Resource: "CheckRun", Field: field, Code: "invalid", Message: fmt.Sprintf(format, args...)})
	}
	if o.Title == nil || *o.Title == "" {
		bad("output.title", "output.title is required when output is given")
	} else if len(*o.Title) > maxTitleBytes {
		bad("output.title", "output.title is %d bytes, over %d", len(*o.Title), maxTitleBytes)
	}
	if o.Summary == nil || *o.Summary == "" {
		bad("output.summary", "output.summary is required when output is given")
	} else if len(*o.Summary) > maxOutputTextBytes {
		bad("output.summary", "output.summary is %d bytes, over %d", len(*o.Summary), maxOutputTextBytes)
	}
	if o.Text != nil && len(*o.Text) > maxOutputTextBytes {
		bad("output.text", "output.text is %d bytes, over %d", len(*o.Text), maxOutputTextBytes)
	}
	if len(o.Annotations) > maxAnnotationsPerRequest {
		bad("output.annotations", "%d annotations in one request; GitHub accepts at most %d", len(o.Annotations), maxAnnotationsPerRequest)
	}
	for i, a := range o.Annotations {
		field := func(name string) string { return fmt.Sprintf("output.annotations[%d].%s", i, name) }
		for _, required := range []struct {
			name    string
			missing bool
		}{
			{"path", a.Path == nil || *a.Path == ""}, {"start_line", a.StartLine == nil}, {"end_line", a.EndLine == nil},
			{"annotation_level", a.AnnotationLevel == nil}, {"message", a.Message == nil || *a.Message == ""},
		} {
			if required.missing {
				bad(field(required.name), "%s is required", required.name)
			}
		}
		if a.AnnotationLevel != nil && !slices.Contains(annotationLevels, *a.AnnotationLevel) {
			bad(field("annotation_level"), "annotation_level %q is not one of %v", *a.AnnotationLevel, annotationLevels)
		}
		if (a.StartColumn != nil || a.EndColumn != nil) && a.StartLine != nil && a.EndLine != nil && *a.StartLine != *a.EndLine {
			bad(field("start_column"), "columns are only allowed when start_line equals end_line (%d != %d)", *a.StartLine, *a.EndLine)
		}
		if a.Title != nil && len(*a.Title) > maxTitleBytes {
			bad(field("title"), "title is %d bytes, over %d", len(*a.Title), maxTitleBytes)
		}
		if a.Message != nil && len(*a.Message) > maxAnnotationTextBytes {
			bad(field("message"), "message is %d bytes, over %d", len(*a.Message), maxAnnotationTextBytes)
		}
		if a.RawDetails != nil && len(*a.RawDetails) > maxAnnotationTextBytes {
			bad(field("raw_details"), "raw_details is %d bytes, over %d", len(*a.RawDetails), maxAnnotationTextBytes)
		}
	}
	return problems
}

func (s *Server) createCheckRun(w http.ResponseWriter, r *http.Request, repo *repoState) {
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.")
		return
	}
	var body checkRunBody
	if !decodeBody(w, r, &body) {
		return
	}
	problems := validateCheckRun(&body, true)
	if body.HeadSHA != nil && *body.HeadSHA != "" {
		if _, ok := repo.commits[*body.HeadSHA]; !ok {
			problems = append(problems, fieldError{Resource: "CheckRun", Field: "head_sha", Code: "invalid", Message: "No commit found for SHA: " + *body.HeadSHA})
		}
	}
	if len(problems) > 0 {
		s.unprocessable(w, r, "check run", problems)
		return
	}
	s.nextID++
	run := &checkRunState{repo: repo, CheckRun: CheckRun{
		ID: s.nextID, Repo: repo.FullName(), Name: *body.Name, HeadSHA: *body.HeadSHA, Status: "queued", StartedAt: time.Now().UTC(),
	}}
	run.apply(&body, http.MethodPost)
	s.checkRuns[run.ID] = run
	writeJSON(w, http.StatusCreated, s.checkRunJSON(run))
}

func (s *Server) checkRun(w http.ResponseWriter, r *http.Request, repo *repoState) (*checkRunState, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	run, ok := s.checkRuns[id]
	if err != nil || !ok || run.repo != repo {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, false
	}
	return run, true
}

func (s *Server) updateCheckRun(w http.ResponseWriter, r *http.Request, repo *repoState) {
	run, ok := s.checkRun(w, r, repo)
	if !ok {
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.")
		return
	}
	var body checkRunBody
	if !decodeBody(w, r, &body) {
		return
	}
	if problems := validateCheckRun(&body, false); len(problems) > 0 {
		s.unprocessable(w, r, "check run", problems)
		return
	}
	run.apply(&body, http.MethodPatch)
	writeJSON(w, http.StatusOK, s.checkRunJSON(run))
}

// apply changes the run as GitHub does: a conclusion completes it, an output replaces the
// title, summary and text as a whole, and annotations are appended to those already there.
func (c *checkRunState) apply(body *checkRunBody, method string) {
	write := CheckRunWrite{Method: method, CompletedAt: body.CompletedAt != nil, Output: body.Output != nil}
	if body.Name != nil && *body.Name != "" {
		c.Name = *body.Name
	}
	if body.DetailsURL != nil {
		c.DetailsURL = *body.DetailsURL
	}
	if body.ExternalID != nil {
		c.ExternalID = *body.ExternalID
	}
	if body.Status != nil {
		c.Status, write.Status = *body.Status, *body.Status
	}
	if body.StartedAt != nil {
		c.StartedAt, _ = time.Parse(time.RFC3339, *body.StartedAt)
	}
	if body.Conclusion != nil {
		c.Conclusion, write.Conclusion = *body.Conclusion, *body.Conclusion
		c.Status = "completed"
	}
	if body.CompletedAt != nil {
		c.CompletedAt, _ = time.Parse(time.RFC3339, *body.CompletedAt)
	} else if c.Status == "completed" && c.CompletedAt.IsZero() {
		c.CompletedAt = time.Now().UTC()
	}
	if o := body.Output; o != nil {
		c.Output = Output{Title: deref(o.Title), Summary: deref(o.Summary), Text: deref(o.Text)}
		write.Annotations = len(o.Annotations)
		for _, a := range o.Annotations {
			c.Annotations = append(c.Annotations, Annotation{
				Path: deref(a.Path), StartLine: derefInt(a.StartLine), EndLine: derefInt(a.EndLine),
				StartColumn: derefInt(a.StartColumn), EndColumn: derefInt(a.EndColumn), Level: deref(a.AnnotationLevel),
				Message: deref(a.Message), Title: deref(a.Title), RawDetails: deref(a.RawDetails),
			})
		}
	}
	c.Writes = append(c.Writes, write)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(i *int) int {
	if i == nil {
		return 0
	}
	return *i
}

func (s *Server) getCheckRun(w http.ResponseWriter, r *http.Request, repo *repoState) {
	if run, ok := s.checkRun(w, r, repo); ok {
		writeJSON(w, http.StatusOK, s.checkRunJSON(run))
	}
}

func (s *Server) listAnnotations(w http.ResponseWriter, r *http.Request, repo *repoState) {
	run, ok := s.checkRun(w, r, repo)
	if !ok {
		return
	}
	from, to := s.paginate(w, r, len(run.Annotations))
	out := make([]*github.CheckRunAnnotation, 0, to-from)
	for _, a := range run.Annotations[from:to] {
		ga := &github.CheckRunAnnotation{
			Path: github.String(a.Path), StartLine: github.Int(a.StartLine), EndLine: github.Int(a.EndLine),
			AnnotationLevel: github.String(a.Level), Message: github.String(a.Message),
			Title: github.String(a.Title), RawDetails: github.String(a.RawDetails),
		}
		if a.StartColumn > 0 {
			ga.StartColumn = github.Int(a.StartColumn)
		}
		if a.EndColumn > 0 {
			ga.EndColumn = github.Int(a.EndColumn)
		}
		out = append(out, ga)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) checkRunJSON(run *checkRunState) *github.CheckRun {
	apiURL := fmt.Sprintf("%s/repos/%s/check-runs/%d", s.URL, run.Repo, run.ID)
	out := &github.CheckRun{
		ID: github.Int64(run.ID), Name: github.String(run.Name), HeadSHA: github.String(run.HeadSHA),
		Status: github.String(run.Status), URL: github.String(apiURL),
		HTMLURL:   github.String(fmt.Sprintf("%s/%s/runs/%d", s.http.URL, run.Repo, run.ID)),
		StartedAt: &github.Timestamp{Time: run.StartedAt},
		App:       &github.App{ID: github.Int64(s.AppID), Slug: github.String("fourc")},
		Output: &github.CheckRunOutput{
			Title: github.String(run.Output.Title), Summary: github.String(run.Output.Summary), Text: github.String(run.Output.Text),
			AnnotationsCount: github.Int(len(run.Annotations)), AnnotationsURL: github.String(apiURL + "/annotations"),
		},
	}
	if run.DetailsURL != "" {
		out.DetailsURL = github.String(run.DetailsURL)
	}
	if run.ExternalID != "" {
		out.ExternalID = github.String(run.ExternalID)
	}
	if run.Conclusion != "" {
		out.Conclusion = github.String(run.Conclusion)
	}
	if !run.CompletedAt.IsZero() {
		out.CompletedAt = &github.Timestamp{Time: run.CompletedAt}
	}
	return out
}
