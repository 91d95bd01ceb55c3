package osv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Query asks for the advisories about one package. Version is the version in use: the Go
// database answers by module alone, but the OSV API matches versions itself and needs it.
type Query struct {
	Ecosystem string
	Name      string
	Version   string
}

// Answer is what a source knows about one query.
type Answer struct {
	// Entries name the package; some may not affect the queried version (the caller matches
	// versions, so that fixed versions can be computed from the same data).
	Entries []*Entry
	// Err says why the query could not be answered: the caller must then treat the package as
	// unchecked, never as clean.
	Err error
	// Stale, when set, says the answer came from a cached copy because the feed could not be
	// reached; the scan is then partial.
	Stale string
}

// Source is a vulnerability database. One Lookup answers a whole batch, because the OSV API
// answers in batches and a Go database answers every module from one index: one round trip per
// scan instead of one per dependency.
type Source interface {
	// Lookup answers each query, in order. The error is for the lookup as a whole (a cancelled
	// context); a query the source cannot answer gets an Answer.Err instead.
	Lookup(ctx context.Context, queries []Query) ([]Answer, error)
	// String names the source in messages.
	String() string
}

// ErrUnsupportedEcosystem answers queries for an ecosystem no configured source covers.
var ErrUnsupportedEcosystem = errors.New("no vulnerability database is configured for this ecosystem")

// Router sends each query to the source for its ecosystem.
type Router struct {
	byEcosystem map[string]Source
}

// NewRouter routes the ecosystems in the map; queries for others get ErrUnsupportedEcosystem.
func NewRouter(byEcosystem map[string]Source) *Router {
	return &Router{byEcosystem: byEcosystem}
}

func (r *Router) String() string {
	names := make([]string, 0, len(r.byEcosystem))
	for eco, s := range r.byEcosystem {
		names = append(names, eco+": "+s.String())
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Lookup splits the batch by source and merges the answers back in query order.
func (r *Router) Lookup(ctx context.Context, queries []Query) ([]Answer, error) {
	answers := make([]Answer, len(queries))
	groups := map[Source][]int{}
	var order []Source
	for i, q := range queries {
		s, ok := r.byEcosystem[q.Ecosystem]
		if !ok {
			answers[i].Err = fmt.Errorf("%s: %w", q.Ecosystem, ErrUnsupportedEcosystem)
			continue
		}
		if _, seen := groups[s]; !seen {
			order = append(order, s)
		}
		groups[s] = append(groups[s], i)
	}
	for _, s := range order {
		idx := groups[s]
		sub := make([]Query, len(idx))
		for j, i := range idx {
			sub[j] = queries[i]
		}
		got, err := s.Lookup(ctx, sub)
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			if j < len(got) {
				answers[i] = got[j]
			}
		}
	}
	return answers, nil
}

// Defaults for the live feeds.
const (
	GoVulnDBURL = "https://vuln.go.dev"
	OSVAPIURL   = "https://api.osv.dev"
)

// Options configure Open.
type Options struct {
	// CacheDir keeps fetched indexes and advisories between runs; "" means DefaultCacheDir().
	CacheDir string
	// HTTPClient fetches the feeds; nil means a client with a 60-second timeout.
	HTTPClient *http.Client
	// OSVAPI is the OSV API base URL used for npm and PyPI; "" means OSVAPIURL.
	OSVAPI string
	// MaxAge is how long a warm process trusts the Go index it last validated before asking the
	// server again (with a conditional request); 0 means 5 minutes.
	MaxAge time.Duration
}

// DefaultCacheDir is the user's cache directory (os.UserCacheDir()/fourc/vulndb), or a folder
// in the temporary directory where there is none (a Lambda function has no home directory).
func DefaultCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "fourc", "vulndb")
	}
	return filepath.Join(os.TempDir(), "fourc-vulndb")
}

// Open returns the source a --vulndb value names:
//
//   - "" (the default): the Go vulnerability database at vuln.go.dev for Go, and the OSV API
//     for npm and PyPI;
//   - a directory, or a file:// URL of one: a folder of OSV files (any ecosystems) or the root
//     of a Go vulnerability database in the v1 layout (Go only);
//   - an http(s) URL: a Go vulnerability database served in the v1 layout, with the OSV API
//     for npm and PyPI.
//
// Open does no I/O for URLs; a directory is read at once, so that a mistyped path fails early.
func Open(spec string, opts Options) (Source, error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.CacheDir == "" {
		opts.CacheDir = DefaultCacheDir()
	}
	if opts.OSVAPI == "" {
		opts.OSVAPI = OSVAPIURL
	}
	osvAPI := NewOSVAPI(opts.OSVAPI, opts.HTTPClient, opts.CacheDir)
	if spec == "" {
		spec = GoVulnDBURL
	}
	u, err := url.Parse(spec)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		goFeed := NewGoFeed(strings.TrimRight(spec, "/"), opts.HTTPClient, opts.CacheDir, opts.MaxAge)
		return NewRouter(map[string]Source{Go: goFeed, NPM: osvAPI, PyPI: osvAPI}), nil
	}
	dir := spec
	if err == nil && u.Scheme == "file" {
		dir = u.Path
	} else if err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		return nil, fmt.Errorf("vulnerability database %q: unsupported scheme %q (want a directory, file://, http:// or https://)", spec, u.Scheme)
	}
	return OpenDir(dir)
}
