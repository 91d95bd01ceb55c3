package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fourcsec/fourc/shared/app"
	"github.com/fourcsec/fourc/shared/githubapp"
	"github.com/fourcsec/fourc/shared/queue/memory"
	"github.com/fourcsec/fourc/shared/store/bolt"
)

const serveUsage = `Usage: fourc serve [flags]

Runs the GitHub App in one process: webhooks at POST /webhook, an in-process queue and worker,
and an embedded store in --data. Every flag can also be set with the FOURC_ variable named
after it (--app-id as FOURC_APP_ID).

Flags:
`

type serveFlags struct {
	addr, githubURL, privateKey, secretFile, data string
	appID                                         int64
	workers                                       int
}

// envDefaults fills flags the command line left unset from FOURC_ variables.
func envDefaults(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := "FOURC_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" && !set[f.Name] {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
			}
		}
	})
	return errors.Join(errs...)
}

func serveCommand(ctx context.Context, args []string, env Env) (int, error) {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, serveUsage); fs.PrintDefaults() }
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&f.githubURL, "github-url", "https://api.github.com", "GitHub API URL (GitHub Enterprise Server: https://HOST/api/v3)")
	fs.Int64Var(&f.appID, "app-id", 0, "the GitHub App's id")
	fs.StringVar(&f.privateKey, "private-key", "", "file with the App's PEM private key")
	fs.StringVar(&f.secretFile, "webhook-secret-file", "", "file with the webhook secret (two lines during a rotation)")
	fs.StringVar(&f.data, "data", "fourc-data", "directory for the embedded store and scan work")
	fs.IntVar(&f.workers, "workers", 2, "scans running at once")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitClean, nil
		}
		return ExitError, usagef("%v (see fourc serve -h)", err)
	}
	if len(positional) > 0 {
		return ExitError, usagef("serve takes no arguments, got %q", positional)
	}
	if err := envDefaults(fs, env.Getenv); err != nil {
		return ExitError, usagef("%v", err)
	}
	var missing []string
	for name, empty := range map[string]bool{"--app-id": f.appID == 0, "--private-key": f.privateKey == "", "--webhook-secret-file": f.secretFile == ""} {
		if empty {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return ExitError, usagef("serve needs %s (or their FOURC_ variables)", strings.Join(sortedStrings(missing), ", "))
	}
	key, err := os.ReadFile(f.privateKey)
	if err != nil {
		return ExitError, fmt.Errorf("read private key: %w", err)
	}
	secrets, err := readSecrets(f.secretFile)
	if err != nil {
		return ExitError, err
	}
	if err := os.MkdirAll(filepath.Join(f.data, "work"), 0o700); err != nil {
		return ExitError, fmt.Errorf("data directory: %w", err)
	}
	st, err := bolt.Open(filepath.Join(f.data, "fourc.db"))
	if err != nil {
		return ExitError, err
	}
	defer st.Close()
	gh, err := githubapp.New(githubapp.Options{BaseURL: f.githubURL, AppID: f.appID, PrivateKey: key, UserAgent: "fourc/" + env.Version})
	if err != nil {
		return ExitError, fmt.Errorf("GitHub client: %w", err)
	}
	q := memory.New(memory.Options{Concurrency: f.workers, MaxAttempts: 3, RetryDelay: 5 * time.Second})
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	a := &app.App{
		GitHub: gh, Store: st, Queue: q, Log: log, Scanners: env.Scanners(ScannerOptions{VulnDB: env.Getenv("FOURC_VULNDB"), GoVersion: env.Getenv("FOURC_GO_VERSION")}),
		WebhookSecrets: func() [][]byte { return secrets }, Version: env.Version,
		WorkDir: filepath.Join(f.data, "work"), MaxAttempts: 3,
	}
	if err := a.Init(); err != nil {
		return ExitError, err
	}
	return ExitClean, serve(ctx, f.addr, a, q, log)
}

// serve runs the HTTP server and the worker until ctx ends, then drains both.
func serve(ctx context.Context, addr string, a *app.App, q *memory.Queue, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("POST /webhook", a.WebhookHandler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	log.Info("fourc serving", "addr", ln.Addr().String(), "webhook", "POST /webhook")
	workerCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	workersDone := make(chan struct{})
	go func() { q.Run(workerCtx, a.HandleJob); close(workersDone) }()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		stopWorkers()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	// The queue lives in this process: a scan cancelled now would leave its check run in
	// progress for good, and one still queued would never run. So the scans already accepted
	// finish first, within a bound, before the workers stop.
	q.Close()
	if !drain(q, drainTimeout) {
		log.Warn("scans still running at shutdown were cancelled; re-run their checks", "waited", drainTimeout.String())
	}
	stopWorkers()
	<-workersDone
	return nil
}

// drainTimeout bounds how long a shutdown waits for accepted scans.
const drainTimeout = 30 * time.Second

// drain waits until every message sent to q was handled or given up on, or until timeout; it
// reports whether the queue drained.
func drain(q *memory.Queue, timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		q.Wait()
		close(done)
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}

func readSecrets(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read webhook secret: %w", err)
	}
	secrets := githubapp.ParseSecrets(string(data))
	if len(secrets) == 0 {
		return nil, fmt.Errorf("webhook secret file %s is empty", path)
	}
	return secrets, nil
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
