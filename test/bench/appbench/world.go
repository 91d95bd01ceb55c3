package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fourcsec/fourc/analyzers"
	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/queue/memory"
	"github.com/fourcsec/fourc/shared/store"
	"github.com/fourcsec/fourc/shared/store/bolt"
	"github.com/fourcsec/fourc/shared/store/dynamodb"
	"github.com/fourcsec/fourc/shared/store/dynamodb/dynalite"
	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/loadgen"
	"github.com/fourcsec/fourc/test/webhooks"
)

const (
	instID   int64 = 4242
	org            = "acme"
	repoName       = "demo"
	repoFull       = org + "/" + repoName
	secret         = "It's a Secret to Everybody"
)

// world is the fake GitHub with one installation and the demo repository, and the stores.
type world struct {
	tb   *benchTB
	gh   *fakegithub.Server
	demo map[string]string
	ddb  *dynalite.Server
	// baseSHA is a commit holding only a README; headSHA holds examples/demo.
	baseSHA, headSHA string
	// vulnDB is an empty local vulnerability database: the dependency scanner runs offline,
	// so the timing does not depend on reaching vuln.go.dev or the OSV API.
	vulnDB string
}

func newWorld(tb *benchTB, repo string) (*world, error) {
	demo, err := readTree(filepath.Join(repo, "examples", "demo"))
	if err != nil {
		return nil, err
	}
	w := &world{tb: tb, demo: demo, baseSHA: fakegithub.SHA("bench base"), headSHA: fakegithub.SHA("bench head"), vulnDB: tb.TempDir()}
	w.gh = fakegithub.New(tb, fakegithub.Options{})
	w.gh.AddInstallation(fakegithub.Installation{ID: instID, Account: org})
	w.gh.AddRepo(instID, fakegithub.Repo{Owner: org, Name: repoName})
	w.gh.AddCommit(repoFull, w.baseSHA, map[string]string{"README.md": "# demo\n"})
	w.gh.AddCommit(repoFull, w.headSHA, demo)
	w.gh.SetBranch(repoFull, "main", w.baseSHA)
	w.gh.AddPullRequest(repoFull, fakegithub.PullRequest{Number: 1, HeadSHA: w.headSHA, BaseSHA: w.baseSHA})
	w.ddb = dynalite.Start(tb)
	return w, nil
}

// readTree reads every file under dir (the example project, dot-directories included).
func readTree(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s is empty (run from fourc's repository root or pass -repo)", dir)
	}
	return files, nil
}

// openStore opens a fresh store of kind ("bolt" or "dynalite").
func (w *world) openStore(kind string) (store.Store, error) {
	switch kind {
	case "bolt":
		return bolt.Open(filepath.Join(w.tb.TempDir(), "fourc.db"))
	case "dynalite":
		table := fmt.Sprintf("appbench-%d", time.Now().UnixNano())
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := dynamodb.CreateTable(ctx, w.ddb.Client, table); err != nil {
			return nil, err
		}
		return dynamodb.New(w.ddb.Client, table), nil
	}
	return nil, fmt.Errorf("unknown store %q", kind)
}

// recorder collects durations.
type recorder struct {
	mu sync.Mutex
	d  []time.Duration
}

func (r *recorder) add(d time.Duration) {
	r.mu.Lock()
	r.d = append(r.d, d)
	r.mu.Unlock()
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.d = nil
	r.mu.Unlock()
}

func (r *recorder) all() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.d...)
}

// timedGitHub times check-run creation, the webhook's one call to GitHub.
type timedGitHub struct {
	githubapp.GitHub
	create *recorder
}

func (g timedGitHub) CreateCheckRun(ctx context.Context, inst int64, repo githubapp.Repo, name, sha string, u githubapp.CheckRunUpdate) (int64, error) {
	start := time.Now()
	id, err := g.GitHub.CreateCheckRun(ctx, inst, repo, name, sha, u)
	g.create.add(time.Since(start))
	return id, err
}

// timedStore times the webhook's dedupe write.
type timedStore struct {
	store.Store
	record *recorder
}

func (s timedStore) RecordDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	start := time.Now()
	first, err := s.Store.RecordDelivery(ctx, id, now, ttl)
	s.record.add(time.Since(start))
	return first, err
}

// instance is the App wired as `fourc serve` wires it, with timing around its outside calls.
type instance struct {
	app            *app.App
	queue          *memory.Queue
	store          store.Store
	create, record *recorder
	stop           func()
}

// newInstance builds the App on a fresh store of kind; handle runs the queued jobs (nil: the
// jobs are taken off the queue and dropped, to measure the webhook alone).
func (w *world) newInstance(kind string, scan bool) (*instance, error) {
	st, err := w.openStore(kind)
	if err != nil {
		return nil, err
	}
	client, err := githubapp.New(githubapp.Options{BaseURL: w.gh.URL, AppID: w.gh.AppID, PrivateKey: w.gh.PrivateKeyPEM(), UserAgent: "fourc-bench"})
	if err != nil {
		return nil, err
	}
	in := &instance{store: st, create: &recorder{}, record: &recorder{}}
	in.queue = memory.New(memory.Options{Concurrency: 2, MaxAttempts: 3, RetryDelay: 100 * time.Millisecond, Capacity: 8192})
	in.app = &app.App{
		GitHub: timedGitHub{client, in.create}, Store: timedStore{st, in.record}, Queue: in.queue,
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		WebhookSecrets: func() [][]byte { return [][]byte{[]byte(secret)} },
		Version:        "bench", WorkDir: w.tb.TempDir(),
	}
	handle := func(context.Context, queue.Message) error { return nil }
	if scan {
		in.app.Scanners = analyzers.All(analyzers.Options{VulnDB: w.vulnDB})
		handle = in.app.HandleJob
	}
	if err := in.app.Init(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		in.queue.Run(ctx, handle)
	}()
	in.stop = func() {
		cancel()
		<-done
		st.Close()
	}
	return in, nil
}

// prDelivery is the real pull_request.opened example, rewritten to pull request number of
// repoFull from base to head, signed.
func prDelivery(id string, number int, head, base string) (webhooks.Delivery, error) {
	m, err := webhooks.Example("pull_request", "opened", "installation.id", "pull_request.head.repo.full_name")
	if err != nil {
		return webhooks.Delivery{}, err
	}
	fields := map[string]any{
		"installation.id": instID, "number": number, "pull_request.number": number,
		"pull_request.head.sha": head, "pull_request.base.sha": base,
		"repository.name": repoName, "repository.full_name": repoFull, "repository.owner.login": org,
	}
	if err := webhooks.Rewrite(m, fields); err != nil {
		return webhooks.Delivery{}, err
	}
	return webhooks.New(secret, "pull_request", id, m)
}

// percentile is the nearest-rank percentile the load tests use too.
var percentile = loadgen.Percentile

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
