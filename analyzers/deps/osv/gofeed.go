package osv

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// fetchConcurrency bounds the advisories fetched at once from one feed.
const fetchConcurrency = 8

// GoFeed reads a Go vulnerability database served over HTTP in the v1 layout (vuln.go.dev, or
// a mirror). A lookup costs, at most: one conditional request for index/db.json, one for
// index/modules.json when the database changed, and one per advisory not already cached with the
// same modification time. Within MaxAge of the last validation a warm process asks nothing.
type GoFeed struct {
	base   string
	http   *httpCache
	maxAge time.Duration

	mu        sync.Mutex
	modules   map[string][]moduleVuln
	dbStamp   string // index/db.json as last read, to tell whether the modules index may have changed
	validated time.Time
	stale     string
	entries   map[string]*Entry
}

// NewGoFeed returns the source for the database at base (no trailing slash). cacheDir "" keeps
// nothing on disk; maxAge 0 means 5 minutes.
func NewGoFeed(base string, client *http.Client, cacheDir string, maxAge time.Duration) *GoFeed {
	if maxAge <= 0 {
		maxAge = 5 * time.Minute
	}
	return &GoFeed{base: base, http: newHTTPCache(client, cacheDir, base), maxAge: maxAge, entries: map[string]*Entry{}}
}

func (g *GoFeed) String() string { return g.base }

// Lookup answers Go queries by module path; other ecosystems are not in a Go database.
func (g *GoFeed) Lookup(ctx context.Context, queries []Query) ([]Answer, error) {
	answers := make([]Answer, len(queries))
	modules, stale, err := g.index(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for i := range answers {
			answers[i].Err = err
		}
		return answers, nil
	}
	need := map[string]moduleVuln{}
	for _, q := range queries {
		if q.Ecosystem != Go {
			continue
		}
		for _, v := range modules[q.Name] {
			need[v.ID] = v
		}
	}
	got, fetchErrs, entryStale := g.fetchEntries(ctx, need)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if stale == "" {
		stale = entryStale
	}
	for i, q := range queries {
		if q.Ecosystem != Go {
			answers[i].Err = fmt.Errorf("%s: %w", q.Ecosystem, ErrUnsupportedEcosystem)
			continue
		}
		answers[i].Stale = stale
		seen := map[string]bool{}
		for _, v := range modules[q.Name] {
			if seen[v.ID] {
				continue // listed once per affected range
			}
			seen[v.ID] = true
			if e := got[v.ID]; e != nil {
				answers[i].Entries = append(answers[i].Entries, e)
			} else if answers[i].Err == nil {
				answers[i].Err = fetchErrs[v.ID]
			}
		}
	}
	return answers, nil
}

// index returns the modules index, revalidating it when it is older than maxAge.
func (g *GoFeed) index(ctx context.Context) (map[string][]moduleVuln, string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.modules != nil && time.Since(g.validated) < g.maxAge {
		return g.modules, g.stale, nil
	}
	db, err := g.http.get(ctx, g.base+"/index/db.json", "index/db.json")
	if err != nil {
		if g.modules != nil {
			// A process that already holds an index keeps using it through an outage.
			return g.modules, fmt.Sprintf("the Go vulnerability database could not be revalidated (%v)", err), nil
		}
		return nil, "", fmt.Errorf("fetch the Go vulnerability database index: %w", err)
	}
	var meta dbMeta
	if err := json.Unmarshal(db.data, &meta); err != nil {
		return nil, "", fmt.Errorf("read the Go vulnerability database index %s/index/db.json: %w", g.base, err)
	}
	stamp := string(db.data)
	if g.modules == nil || stamp != g.dbStamp {
		mods, err := g.http.get(ctx, g.base+"/index/modules.json", "index/modules.json")
		if err != nil {
			return nil, "", fmt.Errorf("fetch the Go vulnerability database index: %w", err)
		}
		var list []moduleMeta
		if err := json.Unmarshal(mods.data, &list); err != nil {
			return nil, "", fmt.Errorf("read the Go vulnerability database index %s/index/modules.json: %w", g.base, err)
		}
		index := make(map[string][]moduleVuln, len(list))
		for _, m := range list {
			index[m.Path] = append(index[m.Path], m.Vulns...)
		}
		g.modules = index
		if db.stale == "" {
			db.stale = mods.stale
		}
	}
	g.dbStamp = stamp
	g.validated = time.Now()
	g.stale = db.stale
	return g.modules, g.stale, nil
}

// fetchEntries returns the advisories by id: from memory or the disk cache when their
// modification time matches the index, else fetched (conditionally), several at a time.
func (g *GoFeed) fetchEntries(ctx context.Context, need map[string]moduleVuln) (map[string]*Entry, map[string]error, string) {
	got := map[string]*Entry{}
	errs := map[string]error{}
	var todo []moduleVuln
	g.mu.Lock()
	for id, v := range need {
		if e := g.entries[id]; e != nil && e.ModifiedTime().Equal(v.Modified) {
			got[id] = e
			continue
		}
		todo = append(todo, v)
	}
	g.mu.Unlock()
	sort.Slice(todo, func(i, j int) bool { return todo[i].ID < todo[j].ID })

	var mu sync.Mutex
	stale := ""
	var eg errgroup.Group
	eg.SetLimit(fetchConcurrency)
	for _, v := range todo {
		eg.Go(func() error {
			e, st, err := g.entry(ctx, v)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[v.ID] = err
				return nil
			}
			if st != "" && stale == "" {
				stale = st
			}
			got[v.ID] = e
			return nil
		})
	}
	_ = eg.Wait()
	g.mu.Lock()
	for id, e := range got {
		g.entries[id] = e
	}
	g.mu.Unlock()
	return got, errs, stale
}

func (g *GoFeed) entry(ctx context.Context, v moduleVuln) (*Entry, string, error) {
	if !safeID(v.ID) {
		return nil, "", fmt.Errorf("the Go vulnerability database lists an invalid advisory id %q", v.ID)
	}
	key := "ID/" + v.ID + ".json"
	if data, ok := g.http.cached(key); ok {
		var e Entry
		if json.Unmarshal(data, &e) == nil && e.ID == v.ID && e.ModifiedTime().Equal(v.Modified) {
			return &e, "", nil
		}
	}
	f, err := g.http.get(ctx, g.base+"/"+key, key)
	if err != nil {
		return nil, "", fmt.Errorf("fetch advisory %s: %w", v.ID, err)
	}
	var e Entry
	if err := json.Unmarshal(f.data, &e); err != nil || e.ID != v.ID {
		return nil, "", fmt.Errorf("read advisory %s/%s: not the OSV entry %s", g.base, key, v.ID)
	}
	return &e, f.stale, nil
}
