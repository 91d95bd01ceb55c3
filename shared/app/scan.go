package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/report"
	"github.com/fourcsec/fourc/shared/source"
	"github.com/fourcsec/fourc/shared/store"
)

// HandleJob runs one queued scan. It is idempotent: a redelivered job whose result is already
// published does nothing, one whose findings are stored but unpublished only publishes. An error
// asks the queue for a redelivery; on the last attempt the check run is completed with the reason
// instead, so a check never stays queued or in progress.
func (a *App) HandleJob(ctx context.Context, m queue.Message) (err error) {
	var job Job
	if err := json.Unmarshal(m.Body, &job); err != nil {
		a.Log.Error("job dropped", "reason", "not a job", "error", err.Error())
		return nil // redelivering a malformed message cannot help
	}
	if err := job.validate(); err != nil {
		a.Log.Error("job dropped", "reason", err.Error())
		return nil
	}
	log := a.logger(&job).With("attempt", m.Attempt)
	started := a.Clock.Now()
	defer func() {
		if p := recover(); p != nil {
			log.Error("scan crashed", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("scan crashed: %v", p)
		}
		if err == nil {
			return
		}
		final := m.Attempt >= a.MaxAttempts
		var permanent *permanentError
		if errors.As(err, &permanent) {
			final = true
		}
		log.Error("scan failed", "error", err.Error(), "final", final)
		if !final {
			return
		}
		conclusion, title := "neutral", "Scan failed"
		if errors.Is(err, context.DeadlineExceeded) {
			conclusion, title = "timed_out", "Scan timed out"
		}
		a.completeWithReason(context.WithoutCancel(ctx), &job, conclusion, title, failureSummary(err, m.Attempt))
		err = nil // the check shows the failure; another delivery would only repeat it
	}()
	if err := a.runJob(ctx, log, &job); err != nil {
		return err
	}
	log.Info("scan job done", "duration_ms", a.Clock.Now().Sub(started).Milliseconds())
	return nil
}

// permanentError marks failures that no retry can fix (a malicious archive, a repository over
// the limits): the check completes at once with the reason.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func failureSummary(err error, attempt int) string {
	return fmt.Sprintf("fourc could not complete this scan (attempt %d): %s\n\nNo result is better than a wrong one, so this check does not pass. Re-run it from the Checks tab once the cause is fixed.", attempt, err)
}

func (a *App) runJob(ctx context.Context, log *slog.Logger, job *Job) error {
	repo := job.repo()
	if job.Kind == store.KindPullRequest {
		pr, err := a.GitHub.GetPullRequest(ctx, job.InstallationID, repo, job.PR)
		if err != nil {
			return fmt.Errorf("read pull request #%d: %w", job.PR, err)
		}
		if pr.HeadSHA != job.HeadSHA || pr.State == "closed" {
			log.Info("scan skipped", "reason", "superseded", "current_head", short(pr.HeadSHA), "state", pr.State)
			reason := fmt.Sprintf("The pull request moved on to %s, which has its own check.", short(pr.HeadSHA))
			if pr.State == "closed" {
				reason = "The pull request was closed before the scan ran."
			}
			a.completeWithReason(ctx, job, "skipped", "Superseded", reason)
			return nil
		}
		return a.scanPullRequest(ctx, log, job, pr)
	}
	return a.scanBranch(ctx, log, job)
}

func (a *App) scanPullRequest(ctx context.Context, log *slog.Logger, job *Job, pr githubapp.PullRequest) error {
	repo := job.repo()
	cfg, cfgHash, cfgProblem := a.loadConfig(ctx, job, pr.BaseSHA)
	key := a.prScanKey(repo, job.PR, job.HeadSHA, cfgHash)
	if done, err := a.resume(ctx, log, job, key); done || err != nil {
		return err
	}
	if err := a.markInProgress(ctx, job); err != nil {
		return err
	}
	d, err := a.pullRequestDiff(ctx, job, pr)
	if err != nil {
		return err
	}
	baseline, err := a.baseline(ctx, log, job, pr.BaseSHA, cfg, cfgHash)
	if err != nil {
		return err
	}
	// The check shows new findings on changed lines alone, so nothing is scanned that could only
	// report elsewhere (dependencies are analysed when a go.mod or lockfile changed).
	rep, err := a.scanCommit(ctx, job, job.HeadSHA, engine.Options{Config: cfg, Diff: d, Baseline: baseline, Mode: engine.NewOnChangedLines, DiffFilesOnly: true})
	if err != nil {
		return err
	}
	if cfgProblem != "" {
		rep.Partial = append(rep.Partial, cfgProblem)
	}
	sc := a.scanRecord(job, key, rep)
	sc.BaseSHA = pr.BaseSHA
	return a.storeAndPublish(ctx, log, job, sc, rep)
}

func (a *App) scanBranch(ctx context.Context, log *slog.Logger, job *Job) error {
	cfg, cfgHash, cfgProblem := a.loadConfig(ctx, job, job.HeadSHA)
	key := a.fullScanKey(job.repo(), job.HeadSHA, cfgHash)
	if done, err := a.resume(ctx, log, job, key); done || err != nil {
		return err
	}
	if err := a.markInProgress(ctx, job); err != nil {
		return err
	}
	rep, err := a.scanCommit(ctx, job, job.HeadSHA, engine.Options{Config: cfg, Mode: engine.All})
	if err != nil {
		return err
	}
	if cfgProblem != "" {
		rep.Partial = append(rep.Partial, cfgProblem)
	}
	sc := a.scanRecord(job, key, rep)
	sc.Ref = job.Ref
	if err := a.storeScan(ctx, sc, rep); err != nil {
		return err
	}
	if err := a.recordBranchState(ctx, job, key); err != nil {
		return err
	}
	return a.publish(ctx, job, sc, rep)
}

// recordBranchState points the repository at its newest default-branch scan: the open findings
// the weekly summary reports.
func (a *App) recordBranchState(ctx context.Context, job *Job, key store.ScanKey) error {
	r, err := a.Store.GetRepo(ctx, job.InstallationID, job.repo().String())
	if errors.Is(err, store.ErrNotFound) {
		r = store.Repo{InstallationID: job.InstallationID, FullName: job.repo().String(), DefaultBranch: job.Ref}
	} else if err != nil {
		return fmt.Errorf("read repository record: %w", err)
	}
	r.LastScan = &key
	if err := a.Store.PutRepo(ctx, r); err != nil {
		return fmt.Errorf("record default-branch scan: %w", err)
	}
	return nil
}

// resume finishes a job a previous delivery got far into: already published means done; stored
// but unpublished means publish what was stored.
func (a *App) resume(ctx context.Context, log *slog.Logger, job *Job, key store.ScanKey) (bool, error) {
	sc, err := a.Store.GetScan(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up earlier scan: %w", err)
	}
	if sc.Published && sc.CheckRunID == job.CheckRunID {
		log.Info("scan already published", "check_run_id", sc.CheckRunID)
		return true, nil
	}
	if sc.CompletedAt.IsZero() {
		return false, nil
	}
	stored, err := a.Store.Findings(ctx, key)
	if err != nil {
		return false, fmt.Errorf("read stored findings: %w", err)
	}
	if job.Kind == store.KindBranch {
		if err := a.recordBranchState(ctx, job, key); err != nil {
			return false, err
		}
	}
	// The check run, not the stored progress, says which annotations are on it: the previous
	// delivery may have stopped after GitHub appended a batch and before recording it.
	run, err := a.GitHub.GetCheckRun(ctx, job.InstallationID, job.repo(), job.CheckRunID)
	if err != nil {
		return false, fmt.Errorf("read check run %d back: %w", job.CheckRunID, err)
	}
	if run.Annotations != sc.PublishedAnnotations || sc.CheckRunID != job.CheckRunID {
		log.Info("publication progress taken from the check run", "check_run_id", job.CheckRunID,
			"annotations_on_run", run.Annotations, "annotations_recorded", sc.PublishedAnnotations)
	}
	sc.CheckRunID, sc.PublishedAnnotations = job.CheckRunID, run.Annotations
	log.Info("publishing stored scan", "findings", len(stored), "annotations_already_published", sc.PublishedAnnotations)
	rep := reportFromStored(sc, stored)
	return true, a.publish(ctx, job, sc, rep)
}

func (a *App) markInProgress(ctx context.Context, job *Job) error {
	err := a.GitHub.UpdateCheckRun(ctx, job.InstallationID, job.repo(), job.CheckRunID, CheckName, githubapp.CheckRunUpdate{Status: "in_progress"})
	if err != nil {
		return fmt.Errorf("mark check run in progress: %w", err)
	}
	return nil
}

// loadConfig reads .github/fourc.yml at ref (the base branch for a pull request, so a pull request
// cannot switch its own checks off). A broken config does not stop the scan: the defaults apply
// and the problem shows in the check, which is then partial.
func (a *App) loadConfig(ctx context.Context, job *Job, ref string) (*config.Config, string, string) {
	data, err := a.GitHub.FileContent(ctx, job.InstallationID, job.repo(), config.DefaultPath, ref)
	if errors.Is(err, githubapp.ErrNotFound) {
		return config.Default(), "default", ""
	}
	if err != nil {
		return config.Default(), "default", fmt.Sprintf("config: could not read %s at %s (%v); defaults used", config.DefaultPath, short(ref), err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:6])
	cfg, err := config.Parse(config.DefaultPath, data, func(id string) bool { return a.catalogue.Rule(id) != nil })
	if err != nil {
		return config.Default(), hash, fmt.Sprintf("config: %v; defaults used", err)
	}
	return cfg, hash, ""
}

// pullRequestDiff builds the changed lines from the files API, or from a comparison of the two
// commits when the pull request has more files than the API lists.
func (a *App) pullRequestDiff(ctx context.Context, job *Job, pr githubapp.PullRequest) (*diff.Diff, error) {
	files, err := a.GitHub.PullRequestFiles(ctx, job.InstallationID, job.repo(), job.PR)
	if errors.Is(err, githubapp.ErrTooManyFiles) {
		files, err = a.GitHub.CompareFiles(ctx, job.InstallationID, job.repo(), pr.BaseSHA, pr.HeadSHA)
	}
	if errors.Is(err, githubapp.ErrTooManyFiles) {
		// Neither API lists every file: count every line as changed, so new findings anywhere
		// are reported rather than some changed files silently missed.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list changed files: %w", err)
	}
	d := diff.New()
	for _, f := range files {
		switch {
		case f.Status == "removed":
			d.Deleted = append(d.Deleted, f.Path)
		case f.Patch == "" && f.Status == "renamed":
			if err := d.ParsePatch(f.Path, f.PreviousPath, ""); err != nil { // moved, not edited
				d.AddWhole(f.Path)
			}
		case f.Patch == "" || f.Status == "added":
			d.AddWhole(f.Path) // GitHub omits patches of large files: every line counts
			if f.PreviousPath != "" {
				d.Files[f.Path].OldPath = f.PreviousPath
			}
		default:
			if err := d.ParsePatch(f.Path, firstNonEmpty(f.PreviousPath, f.Path), f.Patch); err != nil {
				d.AddWhole(f.Path)
			}
		}
	}
	return d, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// baseline returns the findings of the base commit: from the store when this rule set and config
// scanned it before (a default-branch scan or an earlier pull request), else by scanning it now
// and caching the result.
func (a *App) baseline(ctx context.Context, log *slog.Logger, job *Job, baseSHA string, cfg *config.Config, cfgHash string) ([]finding.Finding, error) {
	key := a.fullScanKey(job.repo(), baseSHA, cfgHash)
	if sc, err := a.Store.GetScan(ctx, key); err == nil && !sc.CompletedAt.IsZero() {
		stored, err := a.Store.Findings(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("read baseline findings: %w", err)
		}
		log.Info("baseline from store", "base_sha", short(baseSHA), "findings", len(stored))
		return findingsOf(stored), nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("look up baseline: %w", err)
	}
	rep, err := a.scanCommit(ctx, job, baseSHA, engine.Options{Config: cfg, Mode: engine.All})
	if err != nil {
		return nil, fmt.Errorf("scan base %s: %w", short(baseSHA), err)
	}
	base := Job{Kind: store.KindBranch, InstallationID: job.InstallationID, Owner: job.Owner, Repo: job.Repo, HeadSHA: baseSHA}
	sc := a.scanRecord(&base, key, rep)
	sc.Published = true // a baseline has no check run of its own
	if err := a.storeScan(ctx, sc, rep); err != nil {
		return nil, err
	}
	out := make([]finding.Finding, 0, len(rep.Items))
	for _, it := range rep.Items {
		out = append(out, it.Finding)
	}
	return out, nil
}

// scanCommit downloads the commit's archive into a fresh directory, extracts it within the
// limits, and runs the engine.
func (a *App) scanCommit(ctx context.Context, job *Job, sha string, opts engine.Options) (*engine.Report, error) {
	dir, err := os.MkdirTemp(a.WorkDir, "fourc-scan-")
	if err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	defer os.RemoveAll(dir)
	body, err := a.GitHub.Tarball(ctx, job.InstallationID, job.repo(), sha)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", short(sha), err)
	}
	defer body.Close()
	root := filepath.Join(dir, "src")
	if _, err := source.ExtractTar(body, root, a.Limits, source.ExtractOptions{Gzip: true, StripComponents: 1}); err != nil {
		var limit *source.LimitError
		if errors.Is(err, source.ErrMaliciousArchive) || errors.As(err, &limit) {
			return nil, &permanentError{fmt.Errorf("repository archive refused: %w", err)}
		}
		return nil, fmt.Errorf("extract %s: %w", short(sha), err)
	}
	_, _ = io.Copy(io.Discard, body)
	scanCtx, cancel := context.WithTimeout(ctx, a.ScanTimeout)
	defer cancel()
	opts.Scanners = a.Scanners
	opts.ScannerTimeout = a.ScanTimeout
	rep, err := engine.Run(scanCtx, root, opts)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", short(sha), err)
	}
	return rep, nil
}

func (a *App) scanRecord(job *Job, key store.ScanKey, rep *engine.Report) store.Scan {
	sum, _ := report.Summarize(rep)
	now := a.Clock.Now().UTC()
	return store.Scan{
		Key: key, InstallationID: job.InstallationID, Kind: job.Kind, PR: job.PR, Ref: job.Ref,
		CheckRunID: job.CheckRunID, Conclusion: report.Conclusion(rep), Partial: rep.Partial, FailOn: rep.FailOn.String(),
		New: sum.Shown, Existing: sum.Existing, Fixed: sum.Fixed, Suppressed: sum.Suppressed,
		StartedAt: now.Add(-rep.Duration), CompletedAt: now,
	}
}

// storeScan writes the findings first and the scan record last: a scan record marks a complete
// set of findings, so a crash between the two leaves nothing a later delivery would trust.
func (a *App) storeScan(ctx context.Context, sc store.Scan, rep *engine.Report) error {
	stored := make([]store.StoredFinding, 0, len(rep.Items)+len(rep.Fixed))
	for _, it := range rep.Items {
		stored = append(stored, store.StoredFinding{Finding: it.Finding, Status: string(it.Status), OnChanged: it.OnChanged,
			Suppressed: it.Suppressed, SuppressedReason: it.SuppressedReason})
	}
	for _, f := range rep.Fixed {
		stored = append(stored, store.StoredFinding{Finding: f, Status: string(engine.StatusFixed)})
	}
	if err := a.Store.PutFindings(ctx, sc, stored); err != nil {
		return fmt.Errorf("store findings: %w", err)
	}
	if err := a.Store.PutScan(ctx, sc); err != nil {
		return fmt.Errorf("store scan: %w", err)
	}
	return nil
}

func (a *App) storeAndPublish(ctx context.Context, log *slog.Logger, job *Job, sc store.Scan, rep *engine.Report) error {
	if err := a.storeScan(ctx, sc, rep); err != nil {
		return err
	}
	log.Info("scan stored", "new", sc.New, "existing", sc.Existing, "fixed", sc.Fixed, "partial", len(sc.Partial))
	return a.publish(ctx, job, sc, rep)
}

// publish completes the check run with the report, then records that it did. GitHub appends
// the annotations of each request to those already on the run, so they go in batches of
// githubapp.MaxAnnotationsPerRequest with the progress recorded after each: a redelivered job
// whose publication was cut short sends only the batches the run lacks, never one twice. The
// completion rides on the last batch, so the check is not complete before all are in.
func (a *App) publish(ctx context.Context, job *Job, sc store.Scan, rep *engine.Report) error {
	out := report.CheckRunOutput(rep, a.catalogue, report.CheckRunOptions{MaxAnnotations: a.MaxAnnotations, ToolVersion: a.Version})
	anns := annotations(out.Annotations)
	output := func(batch []githubapp.Annotation) *githubapp.CheckRunOutput {
		return &githubapp.CheckRunOutput{Title: out.Title, Summary: out.Summary, Text: out.Text, Annotations: batch}
	}
	sent := 0
	if sc.CheckRunID == job.CheckRunID {
		sent = min(sc.PublishedAnnotations, len(anns))
	}
	sc.CheckRunID = job.CheckRunID
	for len(anns)-sent > githubapp.MaxAnnotationsPerRequest {
		batch := anns[sent : sent+githubapp.MaxAnnotationsPerRequest]
		if err := a.updateCheckRun(ctx, job, githubapp.CheckRunUpdate{Output: output(batch)}, sent); err != nil {
			return fmt.Errorf("publish annotations %d-%d of %d on check run %d: %w", sent+1, sent+len(batch), len(anns), job.CheckRunID, err)
		}
		sent += len(batch)
		sc.PublishedAnnotations = sent
		if err := a.Store.PutScan(ctx, sc); err != nil {
			return fmt.Errorf("record publication progress: %w", err)
		}
	}
	update := githubapp.CheckRunUpdate{
		Status: "completed", Conclusion: report.Conclusion(rep), CompletedAt: a.Clock.Now().UTC(), Output: output(anns[sent:]),
	}
	if err := a.updateCheckRun(ctx, job, update, sent); err != nil {
		return fmt.Errorf("publish check run %d: %w", job.CheckRunID, err)
	}
	sc.Published = true
	sc.PublishedAnnotations = len(anns)
	if err := a.Store.PutScan(ctx, sc); err != nil {
		return fmt.Errorf("record publication: %w", err)
	}
	return nil
}

// maxUncertainUpdates bounds how often one update of a check run is sent after answers that
// left open whether GitHub applied it; past that the job fails and its redelivery resumes.
const maxUncertainUpdates = 3

// updateCheckRun applies update to the job's check run, which holds onRun annotations. GitHub
// appends annotations, so an update carrying some is never resent blindly: after an answer
// that leaves open whether it took effect (githubapp.ErrUncertain), the run's annotation count
// says whether it did, and only an update that did not is sent again.
func (a *App) updateCheckRun(ctx context.Context, job *Job, update githubapp.CheckRunUpdate, onRun int) error {
	adding := 0
	if update.Output != nil {
		adding = len(update.Output.Annotations)
	}
	for attempt := 1; ; attempt++ {
		err := a.GitHub.UpdateCheckRun(ctx, job.InstallationID, job.repo(), job.CheckRunID, CheckName, update)
		if err == nil || !errors.Is(err, githubapp.ErrUncertain) || attempt >= maxUncertainUpdates {
			return err
		}
		run, rerr := a.GitHub.GetCheckRun(ctx, job.InstallationID, job.repo(), job.CheckRunID)
		if rerr != nil {
			return fmt.Errorf("%w; reading the check run back: %w", err, rerr)
		}
		switch run.Annotations {
		case onRun + adding:
			a.logger(job).Info("check run update applied although its answer was lost", "check_run_id", job.CheckRunID, "annotations", run.Annotations)
			return nil
		case onRun:
			a.logger(job).Info("check run update not applied; sending it again", "check_run_id", job.CheckRunID, "attempt", attempt)
		default:
			return fmt.Errorf("check run %d holds %d annotations, neither the %d before the update nor the %d after it: %w",
				job.CheckRunID, run.Annotations, onRun, onRun+adding, err)
		}
	}
}

func annotations(in []report.Annotation) []githubapp.Annotation {
	out := make([]githubapp.Annotation, len(in))
	for i, a := range in {
		out[i] = githubapp.Annotation(a)
	}
	return out
}

// completeWithReason ends a check run that has no scan result, saying why.
func (a *App) completeWithReason(ctx context.Context, job *Job, conclusion, title, summary string) {
	if job.CheckRunID == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := a.GitHub.UpdateCheckRun(ctx, job.InstallationID, job.repo(), job.CheckRunID, CheckName, githubapp.CheckRunUpdate{
		Status: "completed", Conclusion: conclusion, CompletedAt: a.Clock.Now().UTC(),
		Output: &githubapp.CheckRunOutput{Title: title, Summary: summary},
	})
	if err != nil {
		a.logger(job).Error("could not complete check run", "check_run_id", job.CheckRunID, "error", err.Error())
	}
}

func findingsOf(stored []store.StoredFinding) []finding.Finding {
	out := make([]finding.Finding, 0, len(stored))
	for _, s := range stored {
		if s.Status != string(engine.StatusFixed) {
			out = append(out, s.Finding)
		}
	}
	return out
}

// reportFromStored rebuilds the report a stored scan published, for a redelivered job. The
// fail_on severity comes from the scan, so the conclusion is the one the scan reached (scans
// stored before it was recorded fall back to the default, high).
func reportFromStored(sc store.Scan, stored []store.StoredFinding) *engine.Report {
	failOn, err := finding.ParseSeverity(sc.FailOn)
	if err != nil {
		failOn = finding.High
	}
	rep := &engine.Report{Mode: engine.NewOnChangedLines, FailOn: failOn, Partial: sc.Partial, HasDiff: sc.Kind == store.KindPullRequest, HasBase: true}
	if sc.Kind == store.KindBranch {
		rep.Mode = engine.All
	}
	for _, s := range stored {
		if s.Status == string(engine.StatusFixed) {
			rep.Fixed = append(rep.Fixed, s.Finding)
			continue
		}
		rep.Items = append(rep.Items, engine.Item{Finding: s.Finding, Status: engine.Status(s.Status), OnChanged: s.OnChanged,
			Suppressed: s.Suppressed, SuppressedReason: s.SuppressedReason})
	}
	return rep
}
