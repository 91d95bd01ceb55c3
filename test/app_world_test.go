package test

import (
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/webhooks"
)

// The repository's history. The default branch (base) already holds a legacy Dockerfile that
// runs as root; the pull request's first push (vuln) adds a Dockerfile running as root, a
// privileged pod and committed AWS keys; its second push (fixed) fixes all of them and the
// legacy Dockerfile too, and deletes the keys.
const (
	rootDockerfile = `FROM alpine:3.20
RUN apk add --no-cache curl
CMD ["sh"]
`
	fixedDockerfile = `FROM alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RUN apk add --no-cache curl && adduser -D -u 10001 app
USER 10001
CMD ["sh"]
`
	privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0.0
      securityContext:
        privileged: true
`
	hardenedPod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: web
      image: registry.example.com/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      securityContext:
        privileged: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
      resources:
        limits:
          cpu: 500m
          memory: 256Mi
        requests:
          cpu: 100m
          memory: 128Mi
`
	networkPolicy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: ["Ingress", "Egress"]
`
	deployEnv = `# Credentials of the deploy user.
AWS_ACCESS_KEY_ID=AKIAQYLPMN5HHHFPZAM2
AWS_SECRET_ACCESS_KEY=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
`
)

var (
	baseFiles = map[string]string{
		"README.md":         "# widgets\n",
		"legacy/Dockerfile": rootDockerfile,
	}
	vulnFiles = with(baseFiles, map[string]string{
		"Dockerfile":        rootDockerfile,
		"deploy/pod.yaml":   privilegedPod,
		"config/deploy.env": deployEnv,
	})
	fixedFiles = map[string]string{
		"README.md":          "# widgets\n",
		"legacy/Dockerfile":  fixedDockerfile,
		"Dockerfile":         fixedDockerfile,
		"deploy/pod.yaml":    hardenedPod,
		"deploy/netpol.yaml": networkPolicy,
	}
	baseSHA  = fakegithub.SHA("base")
	vulnSHA  = fakegithub.SHA("vuln")
	fixedSHA = fakegithub.SHA("fixed")
)

func with(base, more map[string]string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, more)
	return out
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o755) }

// seed adds the history to repo and points its default branch at base.
func (h *harness) seed(repo string) { seedRepo(h.gh, repo) }

func seedRepo(gh *fakegithub.Server, repo string) {
	gh.AddCommit(repo, baseSHA, baseFiles)
	gh.AddCommit(repo, vulnSHA, vulnFiles)
	gh.AddCommit(repo, fixedSHA, fixedFiles)
	gh.SetBranch(repo, "main", baseSHA)
}

// newWorld starts a fake GitHub with installation instID on org and repoFull seeded.
func newWorld(t *testing.T) *fakegithub.Server {
	t.Helper()
	gh := fakegithub.New(t, fakegithub.Options{})
	gh.AddInstallation(fakegithub.Installation{ID: instID, Account: org})
	gh.AddRepo(instID, fakegithub.Repo{Owner: org, Name: repoName})
	seedRepo(gh, repoFull)
	return gh
}

// openPullRequest makes pull request prNumber from baseSHA to head in gh.
func openPullRequest(gh *fakegithub.Server, head string) {
	gh.AddPullRequest(repoFull, fakegithub.PullRequest{Number: prNumber, Title: "Deploy the web pod", HeadSHA: head, BaseSHA: baseSHA, HeadRef: "deploy-web"})
}

// assertClean fails the test on any breach of GitHub's contract or check run not completed.
func assertClean(t *testing.T, gh *fakegithub.Server, repos ...string) {
	t.Helper()
	for _, v := range gh.Violations() {
		t.Errorf("GitHub contract violation: %s", v)
	}
	for _, repo := range repos {
		for _, run := range gh.CheckRuns(repo) {
			if run.Status != "completed" {
				t.Errorf("check run %d on %s@%s left %s", run.ID, repo, run.HeadSHA[:7], run.Status)
			}
		}
	}
}

// openPR makes pull request prNumber from base to head in the fake.
func (h *harness) openPR(head string, edit ...func(*fakegithub.PullRequest)) {
	pr := fakegithub.PullRequest{Number: prNumber, Title: "Deploy the web pod", HeadSHA: head, BaseSHA: baseSHA, HeadRef: "deploy-web"}
	for _, e := range edit {
		e(&pr)
	}
	h.gh.AddPullRequest(repoFull, pr)
}

// example returns a fresh copy of a real example payload with the fields need.
func example(t *testing.T, event, action string, need ...string) map[string]any {
	t.Helper()
	m, err := webhooks.Example(event, action, need...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func rewrite(t *testing.T, m map[string]any, fields map[string]any) map[string]any {
	t.Helper()
	if err := webhooks.Rewrite(m, fields); err != nil {
		t.Fatal(err)
	}
	return m
}

// repoFields point an example's repository (at prefix, e.g. "repository") at owner/name.
func repoFields(prefix, owner, name string) map[string]any {
	return map[string]any{
		prefix + ".name": name, prefix + ".full_name": owner + "/" + name, prefix + ".owner.login": owner,
	}
}

// prPayload is a real pull_request example of action, rewritten to pull request prNumber of
// repoFull from baseSHA to head.
func prPayload(t *testing.T, action, head string) map[string]any {
	t.Helper()
	m := example(t, "pull_request", action, "installation.id", "pull_request.head.repo.full_name", "pull_request.base.repo.full_name")
	fields := map[string]any{
		"installation.id": instID, "number": prNumber, "pull_request.number": prNumber,
		"pull_request.head.sha": head, "pull_request.base.sha": baseSHA,
		"pull_request.head.ref": "deploy-web", "pull_request.base.ref": "main",
	}
	maps.Copy(fields, repoFields("repository", org, repoName))
	maps.Copy(fields, repoFields("pull_request.head.repo", org, repoName))
	maps.Copy(fields, repoFields("pull_request.base.repo", org, repoName))
	if action == "synchronize" {
		fields["after"] = head
	}
	return rewrite(t, m, fields)
}

// installationPayload is a real installation example of action for instID on org, its one
// repository (when the action lists them) being repo.
func installationPayload(t *testing.T, action, repo string) map[string]any {
	t.Helper()
	fields := map[string]any{"installation.id": instID, "installation.account.login": org}
	need := []string{"installation.id"}
	if repo != "" {
		need = append(need, "repositories.0.full_name")
		fields["repositories.0.full_name"] = org + "/" + repo
		fields["repositories.0.name"] = repo
	}
	return rewrite(t, example(t, "installation", action, need...), fields)
}

// installationReposPayload is a real installation_repositories example of action ("added" or
// "removed") for repo.
func installationReposPayload(t *testing.T, action, repo string) map[string]any {
	t.Helper()
	list := "repositories_" + action
	return rewrite(t, example(t, "installation_repositories", action, list+".0.full_name"), map[string]any{
		"installation.id": instID, list + ".0.full_name": org + "/" + repo, list + ".0.name": repo,
	})
}

// checkSuitePayload is a real check_suite example of action on head of the default branch;
// a rerequested suite keeps the example's one pull request, renumbered to prNumber.
func checkSuitePayload(t *testing.T, action, head string) map[string]any {
	t.Helper()
	need := []string{"installation.id", "check_suite.head_sha"}
	fields := map[string]any{
		"installation.id": instID, "check_suite.head_sha": head, "check_suite.head_branch": "main",
		"repository.default_branch": "main",
	}
	if action == "rerequested" {
		need = append(need, "check_suite.pull_requests.0.number")
		fields["check_suite.pull_requests.0.number"] = prNumber
		fields["check_suite.head_branch"] = "deploy-web"
	}
	maps.Copy(fields, repoFields("repository", org, repoName))
	return rewrite(t, example(t, "check_suite", action, need...), fields)
}

// checkRunPayload is the real check_run rerequested example, for fourc's check on head.
func checkRunPayload(t *testing.T, head string) map[string]any {
	t.Helper()
	fields := map[string]any{
		"installation.id": instID, "check_run.head_sha": head, "check_run.name": "fourc",
		"repository.default_branch": "main", "check_run.check_suite.head_branch": "main",
	}
	maps.Copy(fields, repoFields("repository", org, repoName))
	return rewrite(t, example(t, "check_run", "rerequested", "installation.id", "check_run.pull_requests"), fields)
}

// annotationKey is what a scenario asserts of an annotation.
type annotationKey struct {
	Path  string
	Line  int
	Level string
	Rule  string
}

func (k annotationKey) String() string {
	return fmt.Sprintf("%s:%d %s %s", k.Path, k.Line, k.Level, k.Rule)
}

// keysOf summarises annotations; the rule is the title's prefix ("rule-id: Title").
func keysOf(anns []fakegithub.Annotation) []annotationKey {
	out := make([]annotationKey, 0, len(anns))
	for _, a := range anns {
		rule, _, _ := strings.Cut(a.Title, ":")
		out = append(out, annotationKey{Path: a.Path, Line: a.StartLine, Level: a.Level, Rule: rule})
	}
	return out
}
