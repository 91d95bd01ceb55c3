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
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

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
	parsed, err := github.ParseWebHook(event, payload)
	if err != nil {
		if strings.Contains(err.Error(), "unknown X-Github-Event") {
			return http.StatusAccepted, "event ignored"
		}
		log.Warn("webhook rejected", "reason", "payload does not parse", "error", err.Error())
		return http.StatusBadRequest, "payload is not a valid " + event + " event"
	}
	ctx := r.Context()
	first, err := a.Store.RecordDelivery(ctx, delivery, a.Clock.Now(), deliveryTTL)
	if err != nil {
		log.Error("webhook failed", "step", "record delivery", "error", err.Error())
		return http.StatusServiceUnavailable, "could not record the delivery; GitHub may redeliver"
	}
	if !first {
		log.Info("duplicate delivery ignored")
		return http.StatusOK, "duplicate delivery"
	}
	msg, err := a.route(ctx, log, delivery, parsed)
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

func (a *App) route(ctx context.Context, log *slog.Logger, delivery string, ev any) (string, error) {
	switch e := ev.(type) {
	case *github.PingEvent:
		return "pong", nil
	case *github.PullRequestEvent:
		return a.onPullRequest(ctx, delivery, e)
	case *github.CheckSuiteEvent:
		return a.onCheckSuite(ctx, delivery, e)
	case *github.CheckRunEvent:
		return a.onCheckRun(ctx, delivery, e)
	case *github.InstallationEvent:
		return a.onInstallation(ctx, log, delivery, e)
	case *github.InstallationRepositoriesEvent:
		return a.onInstallationRepositories(ctx, log, delivery, e)
	default:
		return "event ignored", nil
	}
}

// Draft pull requests are not scanned: a draft changes often and its author has not asked for
// review yet. Marking it ready for review (the ready_for_review action) starts the scan. Pull
// requests from forks are scanned like any other: fourc reads the fork's commit through the
// base repository, runs nothing from it, and takes its config from the base branch.
func (a *App) onPullRequest(ctx context.Context, delivery string, e *github.PullRequestEvent) (string, error) {
	switch e.GetAction() {
	case "opened", "synchronize", "reopened", "ready_for_review":
	default:
		return "pull_request " + e.GetAction() + " ignored", nil
	}
	pr := e.GetPullRequest()
	if pr.GetDraft() {
		return "draft pull request not scanned until ready for review", nil
	}
	repo, err := repoOf(e.GetRepo())
	if err != nil {
		return "", err
	}
	job := Job{Kind: store.KindPullRequest, InstallationID: e.GetInstallation().GetID(), Owner: repo.Owner, Repo: repo.Name,
		PR: pr.GetNumber(), HeadSHA: pr.GetHead().GetSHA(), DeliveryID: delivery}
	return a.enqueueWithCheck(ctx, job)
}

func (a *App) onCheckSuite(ctx context.Context, delivery string, e *github.CheckSuiteEvent) (string, error) {
	if e.GetAction() != "requested" && e.GetAction() != "rerequested" {
		return "check_suite " + e.GetAction() + " ignored", nil
	}
	suite := e.GetCheckSuite()
	repo, err := repoOf(e.GetRepo())
	if err != nil {
		return "", err
	}
	inst := e.GetInstallation().GetID()
	// A requested suite on a pull request's commit is already covered by the pull_request event.
	if e.GetAction() == "rerequested" && len(suite.PullRequests) > 0 {
		var msgs []string
		for _, pr := range suite.PullRequests {
			msg, err := a.enqueueWithCheck(ctx, Job{Kind: store.KindPullRequest, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
				PR: pr.GetNumber(), HeadSHA: suite.GetHeadSHA(), DeliveryID: delivery})
			if err != nil {
				return "", err
			}
			msgs = append(msgs, msg)
		}
		return strings.Join(msgs, "; "), nil
	}
	if suite.GetHeadBranch() != "" && suite.GetHeadBranch() == e.GetRepo().GetDefaultBranch() {
		return a.enqueueWithCheck(ctx, Job{Kind: store.KindBranch, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
			HeadSHA: suite.GetHeadSHA(), Ref: suite.GetHeadBranch(), DeliveryID: delivery})
	}
	return "check suite outside the default branch and pull requests ignored", nil
}

func (a *App) onCheckRun(ctx context.Context, delivery string, e *github.CheckRunEvent) (string, error) {
	run := e.GetCheckRun()
	if e.GetAction() != "rerequested" || run.GetName() != CheckName {
		return "check_run " + e.GetAction() + " ignored", nil
	}
	repo, err := repoOf(e.GetRepo())
	if err != nil {
		return "", err
	}
	inst := e.GetInstallation().GetID()
	if len(run.PullRequests) > 0 {
		return a.enqueueWithCheck(ctx, Job{Kind: store.KindPullRequest, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
			PR: run.PullRequests[0].GetNumber(), HeadSHA: run.GetHeadSHA(), DeliveryID: delivery})
	}
	return a.enqueueWithCheck(ctx, Job{Kind: store.KindBranch, InstallationID: inst, Owner: repo.Owner, Repo: repo.Name,
		HeadSHA: run.GetHeadSHA(), Ref: e.GetRepo().GetDefaultBranch(), DeliveryID: delivery})
}

func (a *App) onInstallation(ctx context.Context, log *slog.Logger, delivery string, e *github.InstallationEvent) (string, error) {
	inst := e.GetInstallation()
	switch e.GetAction() {
	case "created", "new_permissions_accepted", "unsuspend":
		err := a.Store.PutInstallation(ctx, store.Installation{ID: inst.GetID(), Account: inst.GetAccount().GetLogin(),
			AccountType: inst.GetAccount().GetType(), CreatedAt: a.Clock.Now().UTC()})
		if err != nil {
			return "", fmt.Errorf("record installation %d: %w", inst.GetID(), err)
		}
		n, err := a.addRepos(ctx, log, inst.GetID(), delivery, e.Repositories)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("installation %d recorded; %d default branches queued", inst.GetID(), n), nil
	case "deleted":
		if err := a.Store.DeleteInstallation(ctx, inst.GetID()); err != nil {
			return "", fmt.Errorf("forget installation %d: %w", inst.GetID(), err)
		}
		return fmt.Sprintf("installation %d forgotten", inst.GetID()), nil
	default:
		return "installation " + e.GetAction() + " ignored", nil
	}
}

func (a *App) onInstallationRepositories(ctx context.Context, log *slog.Logger, delivery string, e *github.InstallationRepositoriesEvent) (string, error) {
	inst := e.GetInstallation().GetID()
	for _, r := range e.RepositoriesRemoved {
		if err := a.Store.DeleteRepo(ctx, inst, r.GetFullName()); err != nil {
			return "", fmt.Errorf("forget repository %s: %w", r.GetFullName(), err)
		}
	}
	n, err := a.addRepos(ctx, log, inst, delivery, e.RepositoriesAdded)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d repositories added and queued, %d removed", n, len(e.RepositoriesRemoved)), nil
}

// addRepos records repositories and queues a scan of each default branch, which becomes the
// baseline of later pull requests and the open findings of the weekly summary.
func (a *App) addRepos(ctx context.Context, log *slog.Logger, inst int64, delivery string, repos []*github.Repository) (int, error) {
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
		if err := a.Store.PutRepo(ctx, store.Repo{InstallationID: inst, FullName: repo.String(), DefaultBranch: branch, Private: r.GetPrivate()}); err != nil {
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
	update := githubapp.CheckRunUpdate{Status: "queued"}
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

func repoOf(r *github.Repository) (githubapp.Repo, error) {
	owner, name := r.GetOwner().GetLogin(), r.GetName()
	if owner == "" || name == "" {
		if o, n, ok := strings.Cut(r.GetFullName(), "/"); ok {
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
