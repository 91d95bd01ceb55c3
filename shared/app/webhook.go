package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/store"
)

const (
	// MaxWebhookBytes is GitHub's own cap on payloads: larger bodies are not from GitHub.
	MaxWebhookBytes = 25 << 20
	// deliveryTTL keeps delivery ids long enough to absorb GitHub's automatic and manual redeliveries.
	deliveryTTL = 72 * time.Hour
)

// WebhookHandler serves POST /webhook. It verifies the signature, drops duplicate deliveries,
// records installations, creates queued check runs and enqueues scans; it never scans, so it
// answers well within GitHub's 10 seconds.
func (a *App) WebhookHandler() http.Handler {
	return http.HandlerFunc(a.serveWebhook)
}

// webhookError is an answer to GitHub other than success.
type webhookError struct {
	status int
	msg    string
}

func (e *webhookError) Error() string { return e.msg }

// webhookWorkLimit bounds a delivery's work once GitHub has stopped waiting for the answer.
const webhookWorkLimit = 30 * time.Second

func (a *App) serveWebhook(w http.ResponseWriter, r *http.Request) {
	status, msg := a.handleWebhook(r)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}

func (a *App) handleWebhook(r *http.Request) (int, string) {
	delivery := r.Header.Get("X-GitHub-Delivery")
	event := r.Header.Get("X-GitHub-Event")
	log := a.Log.With("delivery_id", delivery, "event", event)
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "webhooks are POSTed"
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxWebhookBytes+1))
	if err != nil {
		return http.StatusBadRequest, "could not read the body"
	}
	if len(body) > MaxWebhookBytes {
		log.Warn("webhook rejected", "reason", "body over 25 MB", "bytes", len(body))
		return http.StatusRequestEntityTooLarge, "payload over 25 MB"
	}
	if err := githubapp.VerifySignature(a.WebhookSecrets(), r.Header.Get(githubapp.SignatureHeader), body); err != nil {
		log.Warn("webhook rejected", "reason", err.Error())
		return http.StatusUnauthorized, "signature check failed"
	}
	payload, err := jsonPayload(r.Header.Get("Content-Type"), body)
	if err != nil {
		return http.StatusUnsupportedMediaType, err.Error()
	}
	if delivery == "" || event == "" {
		return http.StatusBadRequest, "missing X-GitHub-Delivery or X-GitHub-Event"
	}
	if !handledEvents[event] {
		return http.StatusAccepted, "event ignored"
	}
	var parsed webhookPayload
	if err := json.Unmarshal(payload, &parsed); err != nil {
		log.Warn("webhook rejected", "reason", "payload does not parse", "error", err.Error())
		return http.StatusBadRequest, "payload is not a valid " + event + " event"
	}
	// GitHub hangs up after 10 seconds and does not redeliver by itself, so work begun here (a
	// check run created, a job being queued) goes on when it answers late, within a bound.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), webhookWorkLimit)
	defer cancel()
	first, err := a.Store.RecordDelivery(ctx, delivery, a.Clock.Now(), deliveryTTL)
	if err != nil {
		log.Error("webhook failed", "step", "record delivery", "error", err.Error())
		return http.StatusServiceUnavailable, "could not record the delivery; GitHub may redeliver"
	}
	if !first {
		log.Info("duplicate delivery ignored")
		return http.StatusOK, "duplicate delivery"
	}
	msg, err := a.route(ctx, log, delivery, event, &parsed)
	if err != nil {
		// Forget the delivery so that a redelivery by GitHub is handled rather than deduplicated.
		if ferr := a.Store.ForgetDelivery(context.WithoutCancel(ctx), delivery); ferr != nil {
			log.Error("forget delivery failed", "error", ferr.Error())
		}
		var we *webhookError
		if errors.As(err, &we) {
			return we.status, we.msg
		}
		log.Error("webhook failed", "error", err.Error())
		return http.StatusBadGateway, "could not handle the event; redeliver it"
	}
	log.Info("webhook handled", "result", msg)
	return http.StatusAccepted, msg
}

// jsonPayload accepts both content types GitHub can send: JSON, or a form with a payload field.
func jsonPayload(contentType string, body []byte) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil && contentType != "" {
		return nil, fmt.Errorf("unsupported content type %q", contentType)
	}
	switch mt {
	case "application/json", "":
		return body, nil
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("payload") == "" {
			return nil, fmt.Errorf("form body without a payload field")
		}
		return []byte(form.Get("payload")), nil
	default:
		return nil, fmt.Errorf("unsupported content type %q (want application/json)", mt)
	}
}

// handledEvents are the events route acts on; others are acknowledged and ignored.
var handledEvents = map[string]bool{
	"ping": true, "pull_request": true, "check_suite": true, "check_run": true,
	"installation": true, "installation_repositories": true,
}

// webhookPayload holds the fields of the handled events that the App reads, and nothing else.
// Decoding only these, rather than the whole event into go-github's types, keeps a field the
// App never reads from refusing a genuine delivery: GitHub's check_run events have carried
// app.created_at as "2018-04-25 20:42:10", which go-github's Timestamp rejects, and a 400 there
// would silently break "Re-run".
type webhookPayload struct {
	Action       string        `json:"action"`
	Installation webhookInst   `json:"installation"`
	Repository   webhookRepo   `json:"repository"`
	PullRequest  webhookPR     `json:"pull_request"`
	CheckSuite   webhookSuite  `json:"check_suite"`
	CheckRun     webhookRun    `json:"check_run"`
	Repositories []webhookRepo `json:"repositories"`
	Added        []webhookRepo `json:"repositories_added"`
	Removed      []webhookRepo `json:"repositories_removed"`
}

type webhookAccount struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

type webhookInst struct {
	ID      int64          `json:"id"`
	Account webhookAccount `json:"account"`
}

type webhookRepo struct {
	Name          string         `json:"name"`
	FullName      string         `json:"full_name"`
	Owner         webhookAccount `json:"owner"`
	DefaultBranch string         `json:"default_branch"`
	Private       bool           `json:"private"`
}

type webhookPRRef struct {
	Number int `json:"number"`
}

type webhookPR struct {
	Number int  `json:"number"`
	Draft  bool `json:"draft"`
	Head   struct {
		SHA string `json:"sha"`
	} `json:"head"`
}

type webhookSuite struct {
	HeadSHA      string         `json:"head_sha"`
	HeadBranch   string         `json:"head_branch"`
	PullRequests []webhookPRRef `json:"pull_requests"`
}

type webhookRun struct {
	Name         string         `json:"name"`
	HeadSHA      string         `json:"head_sha"`
	ExternalID   string         `json:"external_id"`
	PullRequests []webhookPRRef `json:"pull_requests"`
	CheckSuite   struct {
		HeadBranch string `json:"head_branch"`
	} `json:"check_suite"`
}

// checkRunRef is the reference a job's check run carries in its external id: the pull request
// it belongs to, which GitHub leaves out of a fork pull request's check_run events.
func (j *Job) checkRunRef() string {
	if j.Kind == store.KindPullRequest {
		return fmt.Sprintf("pr-%d", j.PR)
	}
	return "branch"
}

// pullRequestOfRun reads the pull request number back from a run's external id.
func pullRequestOfRun(externalID string) (int, bool) {
	rest, ok := strings.CutPrefix(externalID, "pr-")
	if !ok {
		return 0, false
	}
	digits, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(digits)
	return n, err == nil && n > 0
}

func (a *App) route(ctx context.Context, log *slog.Logger, delivery, event string, e *webhookPayload) (string, error) {
	switch event {
	case "ping":
		return "pong", nil
	case "pull_request":
		return a.onPullRequest(ctx, delivery, e)
	case "check_suite":
		return a.onCheckSuite(ctx, delivery, e)
	case "check_run":
		return a.onCheckRun(ctx, delivery, e)
	case "installation":
		return a.onInstallation(ctx, log, delivery, e)
	case "installation_repositories":
		return a.onInstallationRepositories(ctx, log, delivery, e)
	default:
		return "event ignored", nil
	}
}

// Draft pull requests are not scanned: a draft changes often and its author has not asked for
// review yet. Marking it ready for review (the ready_for_review action) starts the scan. Pull
// requests from forks are scanned like any other: fourc reads the fork's commit through the
// base repository, runs nothing from it, and takes its config from the base branch.
func (a *App) onPullRequest(ctx context.Context, delivery string, e *webhookPayload) (string, error) {
	switch e.Action {
	case "opened", "synchronize", "reopened", "ready_for_review":
	default:
		return "pull_request " + e.Action + " ignored", nil
	}
	pr := e.PullRequest
	if pr.Draft {
		return "draft pull request not scanned until ready for review", nil
	}
	repo, err := repoOf(e.Repository)
	if err != nil {
		return "", err
	}
	job := Job{Kind: store.KindPullRequest, InstallationID: e.Installation.ID, Owner: repo.Owner, Repo: repo.Name,
		PR: pr.Number, HeadSHA: pr.Head.SHA, DeliveryID: delivery}
	return a.enqueueWithCheck(ctx, job)
}

func (a *App) onCheckSuite(ctx context.Context, delivery string, e *webhookPayload) (string, error) {
	if e.Action != "requested" && e.Action != "rerequested" {
		return "check_suite " + e.Action + " ignored", nil
	}
	suite := e.CheckSuite
	repo, err := repoOf(e.Repository)
	if err != nil {
		return "", err
	}
	inst := e.Installation.ID
	// A requested suite on a pull request's commit is already covered by the pull_request event.
	if e.Action == "rerequested" && len(suite.PullRequests) > 0 {
		var msgs []string
		for _, pr := range suite.PullRequests {
			msg, err := a.enqueueWithCheck(ctx, Job{Kind: store.KindPullRequest, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
				PR: pr.Number, HeadSHA: suite.HeadSHA, DeliveryID: delivery})
			if err != nil {
				return "", err
			}
			msgs = append(msgs, msg)
		}
		return strings.Join(msgs, "; "), nil
	}
	if suite.HeadBranch != "" && suite.HeadBranch == e.Repository.DefaultBranch {
		return a.enqueueWithCheck(ctx, Job{Kind: store.KindBranch, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
			HeadSHA: suite.HeadSHA, Ref: suite.HeadBranch, DeliveryID: delivery})
	}
	return "check suite outside the default branch and pull requests ignored", nil
}

func (a *App) onCheckRun(ctx context.Context, delivery string, e *webhookPayload) (string, error) {
	run := e.CheckRun
	if e.Action != "rerequested" || run.Name != CheckName {
		return "check_run " + e.Action + " ignored", nil
	}
	repo, err := repoOf(e.Repository)
	if err != nil {
		return "", err
	}
	inst := e.Installation.ID
	pr := 0
	if len(run.PullRequests) > 0 {
		pr = run.PullRequests[0].Number
	} else if n, ok := pullRequestOfRun(run.ExternalID); ok {
		pr = n // a fork's pull request: GitHub lists no pull request, the run's id names it
	}
	if pr > 0 {
		return a.enqueueWithCheck(ctx, Job{Kind: store.KindPullRequest, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
			PR: pr, HeadSHA: run.HeadSHA, DeliveryID: delivery})
	}
	// Only a default-branch run becomes a branch scan: anything else would record another
	// branch's commit as the repository's state.
	if branch := run.CheckSuite.HeadBranch; branch != "" && branch != e.Repository.DefaultBranch {
		return "check run outside the default branch and pull requests ignored", nil
	}
	return a.enqueueWithCheck(ctx, Job{Kind: store.KindBranch, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
		HeadSHA: run.HeadSHA, Ref: e.Repository.DefaultBranch, DeliveryID: delivery})
}

func (a *App) onInstallation(ctx context.Context, log *slog.Logger, delivery string, e *webhookPayload) (string, error) {
	inst := e.Installation
	switch e.Action {
	case "created", "new_permissions_accepted", "unsuspend":
		err := a.Store.PutInstallation(ctx, store.Installation{ID: inst.ID, Account: inst.Account.Login,
			AccountType: inst.Account.Type, CreatedAt: a.Clock.Now().UTC()})
		if err != nil {
			return "", fmt.Errorf("record installation %d: %w", inst.ID, err)
		}
		n, err := a.addRepos(ctx, log, inst.ID, delivery, e.Repositories)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("installation %d recorded; %d default branches queued", inst.ID, n), nil
	case "deleted":
		if err := a.Store.DeleteInstallation(ctx, inst.ID); err != nil {
			return "", fmt.Errorf("forget installation %d: %w", inst.ID, err)
		}
		return fmt.Sprintf("installation %d forgotten", inst.ID), nil
	default:
		return "installation " + e.Action + " ignored", nil
	}
}

func (a *App) onInstallationRepositories(ctx context.Context, log *slog.Logger, delivery string, e *webhookPayload) (string, error) {
	inst := e.Installation.ID
	for _, r := range e.Removed {
		if err := a.Store.DeleteRepo(ctx, inst, r.FullName); err != nil {
			return "", fmt.Errorf("forget repository %s: %w", r.FullName, err)
		}
	}
	n, err := a.addRepos(ctx, log, inst, delivery, e.Added)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d repositories added and queued, %d removed", n, len(e.Removed)), nil
}

// addRepos records repositories and queues a scan of each default branch, which becomes the
// baseline of later pull requests and the open findings of the weekly summary.
func (a *App) addRepos(ctx context.Context, log *slog.Logger, inst int64, delivery string, repos []webhookRepo) (int, error) {
	queued := 0
	for _, r := range repos {
		repo, err := repoOf(r)
		if err != nil {
			return queued, err
		}
		branch, sha, err := a.GitHub.RepoHead(ctx, inst, repo)
		if errors.Is(err, githubapp.ErrNotFound) {
			log.Info("repository skipped", "repo", repo.String(), "reason", "empty or inaccessible")
			continue
		}
		if err != nil {
			return queued, fmt.Errorf("default branch of %s: %w", repo, err)
		}
		if err := a.Store.PutRepo(ctx, store.Repo{InstallationID: inst, FullName: repo.String(), DefaultBranch: branch, Private: r.Private}); err != nil {
			return queued, fmt.Errorf("record repository %s: %w", repo, err)
		}
		if _, err := a.enqueueWithCheck(ctx, Job{Kind: store.KindBranch, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
			HeadSHA: sha, Ref: branch, DeliveryID: delivery}); err != nil {
			return queued, err
		}
		queued++
	}
	return queued, nil
}

// enqueueWithCheck creates the queued check run, so the pull request shows fourc at once, and
// queues the job that will complete it.
func (a *App) enqueueWithCheck(ctx context.Context, job Job) (string, error) {
	if err := job.validate(); err != nil {
		return "", &webhookError{status: http.StatusBadRequest, msg: "payload lacks what a scan needs: " + err.Error()}
	}
	update := githubapp.CheckRunUpdate{Status: "queued", ExternalRef: job.checkRunRef()}
	if a.DetailsURL != nil {
		update.DetailsURL = a.DetailsURL(job.repo(), job.HeadSHA)
	}
	id, err := a.GitHub.CreateCheckRun(ctx, job.InstallationID, job.repo(), CheckName, job.HeadSHA, update)
	if err != nil {
		return "", fmt.Errorf("create check run on %s@%s: %w", job.repo(), short(job.HeadSHA), err)
	}
	job.CheckRunID = id
	body, err := json.Marshal(job)
	if err != nil {
		return "", fmt.Errorf("encode job: %w", err)
	}
	if err := a.Queue.Send(ctx, body); err != nil {
		// The check run would otherwise stay queued forever.
		a.completeWithReason(context.WithoutCancel(ctx), &job, "neutral", "Scan could not be queued", "fourc could not queue this scan: "+err.Error()+". Re-run the check to try again.")
		return "", fmt.Errorf("enqueue scan of %s: %w", job.repo(), err)
	}
	return fmt.Sprintf("scan of %s@%s queued (check run %d)", job.repo(), short(job.HeadSHA), id), nil
}

func repoOf(r webhookRepo) (githubapp.Repo, error) {
	owner, name := r.Owner.Login, r.Name
	if owner == "" || name == "" {
		if o, n, ok := strings.Cut(r.FullName, "/"); ok {
			owner, name = o, n
		}
	}
	if owner == "" || name == "" {
		return githubapp.Repo{}, &webhookError{status: http.StatusBadRequest, msg: "payload names no repository"}
	}
	return githubapp.Repo{Owner: owner, Name: name}, nil
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
