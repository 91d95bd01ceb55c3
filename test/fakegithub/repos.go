package fakegithub

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

const (
	// maxListedPullRequestFiles is how many files GitHub lists for a pull request.
	maxListedPullRequestFiles = 3000
	// maxComparedFiles is how many files a comparison lists, on its first page only.
	maxComparedFiles = 300
	// maxContentsBytes is the largest file the contents API returns inline.
	maxContentsBytes = 1 << 20
	// codeloadPath serves archives, at the server's root like GHES's "/_codeload".
	codeloadPath = "/_codeload/"
)

// commitTime dates every commit and archive entry, so archives are reproducible.
var commitTime = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// paginate selects the page of n items the request asks for, as GitHub does (per_page default
// 30, at most 100), and sets the Link header with first, prev, next and last pages.
func (s *Server) paginate(w http.ResponseWriter, r *http.Request, n int) (from, to int) {
	q := r.URL.Query()
	per := 30
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = min(v, 100)
	}
	page := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	last := max(1, (n+per-1)/per)
	link := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel=%q`, s.URL, r.URL.EscapedPath(), q.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(min(page-1, last), "prev"), link(1, "first"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	from = min((page-1)*per, n)
	return from, min(from+per, n)
}

func (s *Server) repoJSON(r *repoState) *github.Repository {
	ownerType := "User"
	if inst := s.installations[r.installation]; inst != nil && strings.EqualFold(inst.Account, r.Owner) {
		ownerType = inst.AccountType
	}
	visibility := "public"
	if r.Private {
		visibility = "private"
	}
	return &github.Repository{
		ID: github.Int64(r.id), Name: github.String(r.Name), FullName: github.String(r.FullName()),
		Owner:   &github.User{Login: github.String(r.Owner), Type: github.String(ownerType)},
		Private: github.Bool(r.Private), Visibility: github.String(visibility),
		DefaultBranch: github.String(r.DefaultBranch), HasIssues: github.Bool(!r.IssuesDisabled),
		Archived: github.Bool(r.Archived),
		URL:      github.String(s.URL + "/repos/" + r.FullName()), HTMLURL: github.String(s.http.URL + "/" + r.FullName()),
	}
}

// resolve turns a ref (full or unique 7+ digit short SHA, branch, refs/heads/branch, or ""
// for the default branch) into a commit SHA; the caller holds s.mu.
func resolve(r *repoState, ref string) (string, bool) {
	if ref == "" {
		ref = r.DefaultBranch
	}
	if _, ok := r.commits[ref]; ok {
		return ref, true
	}
	if sha, ok := r.branches[strings.TrimPrefix(ref, "refs/heads/")]; ok {
		return sha, true
	}
	if len(ref) >= 7 {
		var found []string
		for sha := range r.commits {
			if strings.HasPrefix(sha, ref) {
				found = append(found, sha)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return "", false
}

func (s *Server) getApp(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, &github.App{ID: github.Int64(s.AppID), Slug: github.String("fourc"), Name: github.String("fourc")})
}

func (s *Server) installationJSON(inst *Installation) *github.Installation {
	return &github.Installation{
		ID: github.Int64(inst.ID), AppID: github.Int64(s.AppID), TargetType: github.String(inst.AccountType),
		Account: &github.User{Login: github.String(inst.Account), Type: github.String(inst.AccountType)},
	}
}

func (s *Server) listInstallations(w http.ResponseWriter, r *http.Request) {
	ids := slices.Sorted(maps.Keys(s.installations))
	from, to := s.paginate(w, r, len(ids))
	out := make([]*github.Installation, 0, to-from)
	for _, id := range ids[from:to] {
		out = append(out, s.installationJSON(s.installations[id]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getInstallation(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	inst, ok := s.installations[id]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, s.installationJSON(inst))
}

func (s *Server) listInstallationRepos(w http.ResponseWriter, r *http.Request, inst int64) {
	var repos []*repoState
	for _, repo := range s.repos {
		if repo.installation == inst {
			repos = append(repos, repo)
		}
	}
	slices.SortFunc(repos, func(a, b *repoState) int { return strings.Compare(a.FullName(), b.FullName()) })
	from, to := s.paginate(w, r, len(repos))
	out := &github.ListRepositories{TotalCount: github.Int(len(repos)), Repositories: []*github.Repository{}}
	for _, repo := range repos[from:to] {
		out.Repositories = append(out.Repositories, s.repoJSON(repo))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getRepo(w http.ResponseWriter, _ *http.Request, repo *repoState) {
	writeJSON(w, http.StatusOK, s.repoJSON(repo))
}

func (s *Server) getBranch(w http.ResponseWriter, r *http.Request, repo *repoState) {
	name := r.PathValue("branch")
	sha, ok := repo.branches[name]
	if !ok {
		writeError(w, http.StatusNotFound, "Branch not found")
		return
	}
	writeJSON(w, http.StatusOK, &github.Branch{
		Name: github.String(name), Protected: github.Bool(false),
		Commit: &github.RepositoryCommit{SHA: github.String(sha), URL: github.String(s.URL + "/repos/" + repo.FullName() + "/commits/" + sha)},
	})
}

func (s *Server) pullRequest(w http.ResponseWriter, r *http.Request, repo *repoState) (*PullRequest, bool) {
	n, err := strconv.Atoi(r.PathValue("number"))
	pr, ok := repo.pulls[n]
	if err != nil || !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, false
	}
	return pr, true
}

func (s *Server) getPullRequest(w http.ResponseWriter, r *http.Request, repo *repoState) {
	pr, ok := s.pullRequest(w, r, repo)
	if !ok {
		return
	}
	files, _ := s.changedFiles(repo, pr.BaseSHA, pr.HeadSHA)
	head := s.repoJSON(repo)
	if pr.HeadRepo != repo.FullName() {
		owner, name, _ := strings.Cut(pr.HeadRepo, "/")
		head = &github.Repository{Name: github.String(name), FullName: github.String(pr.HeadRepo), Fork: github.Bool(true),
			Owner: &github.User{Login: github.String(owner), Type: github.String("User")}}
	}
	headOwner, _, _ := strings.Cut(pr.HeadRepo, "/")
	writeJSON(w, http.StatusOK, &github.PullRequest{
		Number: github.Int(pr.Number), Title: github.String(pr.Title), State: github.String(pr.State),
		Draft: github.Bool(pr.Draft), Merged: github.Bool(false), ChangedFiles: github.Int(len(files)),
		HTMLURL: github.String(fmt.Sprintf("%s/%s/pull/%d", s.http.URL, repo.FullName(), pr.Number)),
		Head: &github.PullRequestBranch{Ref: github.String(pr.HeadRef), SHA: github.String(pr.HeadSHA),
			Label: github.String(headOwner + ":" + pr.HeadRef), Repo: head},
		Base: &github.PullRequestBranch{Ref: github.String(pr.BaseRef), SHA: github.String(pr.BaseSHA),
			Label: github.String(repo.Owner + ":" + pr.BaseRef), Repo: s.repoJSON(repo)},
	})
}

func (s *Server) listPullRequestFiles(w http.ResponseWriter, r *http.Request, repo *repoState) {
	pr, ok := s.pullRequest(w, r, repo)
	if !ok {
		return
	}
	files, err := s.changedFiles(repo, pr.BaseSHA, pr.HeadSHA)
	if err != nil {
		s.t.Errorf("fakegithub: pull request %s#%d: %v", repo.FullName(), pr.Number, err)
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	// GitHub lists at most 3,000 files, whatever the pull request holds.
	files = files[:min(len(files), maxListedPullRequestFiles)]
	from, to := s.paginate(w, r, len(files))
	writeJSON(w, http.StatusOK, s.commitFilesJSON(repo, pr.HeadSHA, files[from:to]))
}

// compare serves GET /repos/{o}/{r}/compare/{base}...{head}. Paging a comparison pages its
// commits; the files (at most 300) come with the first page only.
func (s *Server) compare(w http.ResponseWriter, r *http.Request, repo *repoState) {
	baseRef, headRef, ok := strings.Cut(r.PathValue("basehead"), "...")
	base, baseOK := resolve(repo, baseRef)
	head, headOK := resolve(repo, headRef)
	if !ok || !baseOK || !headOK {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	files, err := s.changedFiles(repo, base, head)
	if err != nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	commits := []*github.RepositoryCommit{{SHA: github.String(head)}}
	from, to := s.paginate(w, r, len(commits))
	out := &github.CommitsComparison{
		Status: github.String("ahead"), AheadBy: github.Int(1), BehindBy: github.Int(0), TotalCommits: github.Int(1),
		BaseCommit: &github.RepositoryCommit{SHA: github.String(base)}, MergeBaseCommit: &github.RepositoryCommit{SHA: github.String(base)},
		Commits: commits[from:to],
	}
	if page := r.URL.Query().Get("page"); page == "" || page == "1" {
		out.Files = s.commitFilesJSON(repo, head, files[:min(len(files), maxComparedFiles)])
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) commitFilesJSON(repo *repoState, sha string, files []changedFile) []*github.CommitFile {
	out := make([]*github.CommitFile, 0, len(files))
	for _, f := range files {
		cf := &github.CommitFile{
			SHA: github.String(f.blobSHA), Filename: github.String(f.path), Status: github.String(f.status),
			Additions: github.Int(f.additions), Deletions: github.Int(f.deletions), Changes: github.Int(f.additions + f.deletions),
			BlobURL:     github.String(fmt.Sprintf("%s/%s/blob/%s/%s", s.http.URL, repo.FullName(), sha, f.path)),
			ContentsURL: github.String(fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", s.URL, repo.FullName(), f.path, sha)),
		}
		if f.patch != "" {
			cf.Patch = github.String(f.patch)
		}
		if f.previous != "" {
			cf.PreviousFilename = github.String(f.previous)
		}
		out = append(out, cf)
	}
	return out
}

func (s *Server) getContents(w http.ResponseWriter, r *http.Request, repo *repoState) {
	sha, ok := resolve(repo, r.URL.Query().Get("ref"))
	if !ok {
		writeError(w, http.StatusNotFound, "No commit found for the ref "+r.URL.Query().Get("ref"))
		return
	}
	files := repo.commits[sha]
	p := strings.Trim(r.PathValue("path"), "/")
	if content, ok := files[p]; ok {
		writeJSON(w, http.StatusOK, s.fileJSON(repo, sha, p, content))
		return
	}
	entries := map[string]string{} // name → type, for the directory listing
	for f := range files {
		rest, ok := strings.CutPrefix(f, p+"/")
		if p == "" {
			rest, ok = f, true
		}
		if !ok {
			continue
		}
		if name, _, isDir := strings.Cut(rest, "/"); isDir {
			entries[name] = "dir"
		} else {
			entries[name] = "file"
		}
	}
	if len(entries) == 0 {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	var out []*github.RepositoryContent
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		full := path.Join(p, name)
		out = append(out, &github.RepositoryContent{Type: github.String(entries[name]), Name: github.String(name), Path: github.String(full)})
	}
	writeJSON(w, http.StatusOK, out)
}

// fileJSON is the contents API's answer for a file: base64 in lines of 60 characters, as
// GitHub sends it, or no content at all for files over 1 MiB.
func (s *Server) fileJSON(repo *repoState, sha, p, content string) *github.RepositoryContent {
	out := &github.RepositoryContent{
		Type: github.String("file"), Name: github.String(path.Base(p)), Path: github.String(p),
		Size: github.Int(len(content)), SHA: github.String(blobSHA(content)),
		URL: github.String(fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", s.URL, repo.FullName(), p, sha)),
	}
	if len(content) > maxContentsBytes {
		out.Encoding, out.Content = github.String("none"), github.String("")
		return out
	}
	enc := base64.StdEncoding.EncodeToString([]byte(content))
	var wrapped strings.Builder
	for len(enc) > 60 {
		wrapped.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	wrapped.WriteString(enc)
	out.Encoding, out.Content = github.String("base64"), github.String(wrapped.String())
	return out
}

// blobSHA is git's object id of a file.
func blobSHA(content string) string {
	checksum := sha1.New() // git names objects by SHA-1
	fmt.Fprintf(checksum, "blob %d\x00", len(content))
	checksum.Write([]byte(content))
	return hex.EncodeToString(checksum.Sum(nil))
}

// tarballLink answers as GitHub does: 302 to a pre-signed archive URL.
func (s *Server) tarballLink(w http.ResponseWriter, r *http.Request, repo *repoState) {
	sha, ok := resolve(repo, r.PathValue("ref"))
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	archive := repo.Owner + "/" + repo.Name + "/" + sha + ".tar.gz"
	w.Header().Set("Location", s.http.URL+codeloadPath+archive+"?token="+s.signArchive(archive))
	w.WriteHeader(http.StatusFound)
}

func (s *Server) signArchive(archive string) string {
	mac := hmac.New(sha256.New, s.codeloadSecret)
	mac.Write([]byte(archive))
	return hex.EncodeToString(mac.Sum(nil))
}

// serveCodeload serves an archive to whoever holds its signed link, without other credentials.
func (s *Server) serveCodeload(w http.ResponseWriter, r *http.Request) {
	archive := strings.TrimPrefix(r.URL.Path, codeloadPath)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodGet || !hmac.Equal([]byte(r.URL.Query().Get("token")), []byte(s.signArchive(archive))) {
		s.violate(r, "archive requested without the signed link GitHub redirected to")
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	parts := strings.SplitN(strings.TrimSuffix(archive, ".tar.gz"), "/", 3)
	if len(parts) != 3 {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	repo, ok := s.repos[repoKey(parts[0], parts[1])]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	sha := parts[2]
	body, ok := repo.tarballs[sha]
	if !ok {
		var err error
		if body, err = buildTarball(repo, sha); err != nil {
			s.t.Errorf("fakegithub: build archive of %s@%s: %v", repo.FullName(), sha, err)
			writeError(w, http.StatusInternalServerError, "Server Error")
			return
		}
	}
	w.Header().Set("Content-Type", "application/x-gzip")
	w.Header().Set("Content-Disposition", "attachment; filename="+archiveDir(repo, sha)+".tar.gz")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// archiveDir is the single top-level directory of GitHub's archives: owner-repo-sha7.
func archiveDir(repo *repoState, sha string) string {
	return repo.Owner + "-" + repo.Name + "-" + sha[:min(7, len(sha))]
}

// buildTarball makes the tar.gz GitHub would serve: a pax global header carrying the commit
// SHA, then the top-level directory with every directory and file of the commit.
func buildTarball(repo *repoState, sha string) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header",
		PAXRecords: map[string]string{"comment": sha}, Format: tar.FormatPAX}); err != nil {
		return nil, fmt.Errorf("global header: %w", err)
	}
	top := archiveDir(repo, sha) + "/"
	written := map[string]bool{}
	writeDir := func(dir string) error {
		if written[dir] {
			return nil
		}
		written[dir] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir, Mode: 0o755, ModTime: commitTime})
	}
	if err := writeDir(top); err != nil {
		return nil, err
	}
	files := repo.commits[sha]
	for _, p := range slices.Sorted(maps.Keys(files)) {
		// Parents first, from the outermost in.
		for i, c := range p {
			if c == '/' {
				if err := writeDir(top + p[:i+1]); err != nil {
					return nil, err
				}
			}
		}
		content := files[p]
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: top + p, Mode: 0o644, Size: int64(len(content)), ModTime: commitTime}); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
