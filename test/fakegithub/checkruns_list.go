package fakegithub

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/google/go-github/v60/github"
)

// listCheckRunsForRef serves GET /repos/{o}/{r}/commits/{ref}/check-runs as GitHub does: the
// runs on the commit ref resolves to, filtered by check_name, status and app_id, newest first,
// paginated. With filter=latest (GitHub's default) only the newest run of each name is listed;
// filter=all lists every run.
func (s *Server) listCheckRunsForRef(w http.ResponseWriter, r *http.Request, repo *repoState) {
	sha, ok := resolve(repo, r.PathValue("ref"))
	if !ok {
		writeError(w, http.StatusNotFound, "No commit found for SHA: "+r.PathValue("ref"))
		return
	}
	q := r.URL.Query()
	filter := q.Get("filter")
	switch filter {
	case "":
		filter = "latest"
	case "latest", "all":
	default:
		s.unprocessable(w, r, "check run", []fieldError{{Resource: "CheckRun", Field: "filter", Code: "invalid", Message: "filter " + strconv.Quote(filter) + " is not latest or all"}})
		return
	}
	status := q.Get("status")
	if status != "" && !slices.Contains(checkRunStatuses, status) {
		s.unprocessable(w, r, "check run", []fieldError{{Resource: "CheckRun", Field: "status", Code: "invalid", Message: "status " + strconv.Quote(status) + " is not one of queued, in_progress, completed"}})
		return
	}
	if appID := q.Get("app_id"); appID != "" && appID != strconv.FormatInt(s.AppID, 10) {
		// Every run in the fake is the App's own: another app's id matches none.
		writeJSON(w, http.StatusOK, &github.ListCheckRunsResults{Total: github.Int(0), CheckRuns: []*github.CheckRun{}})
		return
	}
	var runs []*checkRunState
	for _, run := range s.checkRuns {
		if run.repo == repo && run.HeadSHA == sha && (q.Get("check_name") == "" || run.Name == q.Get("check_name")) && (status == "" || run.Status == status) {
			runs = append(runs, run)
		}
	}
	slices.SortFunc(runs, func(a, b *checkRunState) int { return int(b.ID - a.ID) })
	if filter == "latest" {
		seen := map[string]bool{}
		runs = slices.DeleteFunc(runs, func(run *checkRunState) bool {
			if seen[run.Name] {
				return true
			}
			seen[run.Name] = true
			return false
		})
	}
	from, to := s.paginate(w, r, len(runs))
	out := &github.ListCheckRunsResults{Total: github.Int(len(runs)), CheckRuns: make([]*github.CheckRun, 0, to-from)}
	for _, run := range runs[from:to] {
		out.CheckRuns = append(out.CheckRuns, s.checkRunJSON(run))
	}
	writeJSON(w, http.StatusOK, out)
}
