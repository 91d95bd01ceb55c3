package osv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

const (
	// batchSize is the most queries the OSV API takes in one querybatch request.
	batchSize = 1000
	// maxPages bounds the pages followed for one package; a package with more advisories than
	// this many pages hold is reported as partially answered.
	maxPages = 20
)

// OSVAPI reads advisories from the OSV.dev API: one querybatch request per thousand packages
// says which advisories affect each package version (ids and modification times only), then
// each advisory is read from /v1/vulns/<id>, unless the disk cache holds it with the same
// modification time.
type OSVAPI struct {
	base string
	http *httpCache

	mu      sync.Mutex
	entries map[string]*Entry
}

// NewOSVAPI returns the source for the API at base (no trailing slash).
func NewOSVAPI(base string, client *http.Client, cacheDir string) *OSVAPI {
	return &OSVAPI{base: base, http: newHTTPCache(client, cacheDir, base), entries: map[string]*Entry{}}
}

func (o *OSVAPI) String() string { return o.base }

type batchQuery struct {
	Package struct {
		Name      string `json:"name"`
		Ecosystem string `json:"ecosystem"`
	} `json:"package"`
	Version   string `json:"version,omitempty"`
	PageToken string `json:"page_token,omitempty"`
}

type batchResponse struct {
	Results []struct {
		Vulns []struct {
			ID       string `json:"id"`
			Modified string `json:"modified"`
		} `json:"vulns"`
		NextPageToken string `json:"next_page_token"`
	} `json:"results"`
}

// Lookup asks the API which advisories affect each package version and reads them.
func (o *OSVAPI) Lookup(ctx context.Context, queries []Query) ([]Answer, error) {
	answers := make([]Answer, len(queries))
	ids := make([]map[string]string, len(queries)) // id → modified, per query
	pending := make([]int, 0, len(queries))
	tokens := make([]string, len(queries))
	for i := range queries {
		ids[i] = map[string]string{}
		pending = append(pending, i)
	}
	for page := 0; len(pending) > 0; page++ {
		if page == maxPages {
			for _, i := range pending {
				answers[i].Err = fmt.Errorf("OSV API %s: more than %d pages of advisories for %s; only the first were read", o.base, maxPages, queries[i].Name)
			}
			break
		}
		var next []int
		for start := 0; start < len(pending); start += batchSize {
			chunk := pending[start:min(start+batchSize, len(pending))]
			resp, err := o.queryBatch(ctx, queries, tokens, chunk)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				for _, i := range chunk {
					answers[i].Err = err
				}
				continue
			}
			for j, i := range chunk {
				r := resp.Results[j]
				for _, v := range r.Vulns {
					ids[i][v.ID] = v.Modified
				}
				if r.NextPageToken != "" {
					tokens[i] = r.NextPageToken
					next = append(next, i)
				}
			}
		}
		pending = next
	}

	need := map[string]string{}
	for i := range queries {
		for id, mod := range ids[i] {
			need[id] = mod
		}
	}
	got, errs, stale := o.fetchEntries(ctx, need)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	for i := range queries {
		answers[i].Stale = stale
		list := make([]string, 0, len(ids[i]))
		for id := range ids[i] {
			list = append(list, id)
		}
		sort.Strings(list)
		for _, id := range list {
			if e := got[id]; e != nil {
				answers[i].Entries = append(answers[i].Entries, e)
			} else if answers[i].Err == nil {
				answers[i].Err = errs[id]
			}
		}
	}
	return answers, nil
}

func (o *OSVAPI) queryBatch(ctx context.Context, queries []Query, tokens []string, chunk []int) (*batchResponse, error) {
	var body struct {
		Queries []batchQuery `json:"queries"`
	}
	for _, i := range chunk {
		var bq batchQuery
		bq.Package.Name = queries[i].Name
		bq.Package.Ecosystem = queries[i].Ecosystem
		bq.Version = queries[i].Version
		bq.PageToken = tokens[i]
		body.Queries = append(body.Queries, bq)
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("OSV API query: %w", err)
	}
	endpoint := o.base + "/v1/querybatch"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("OSV API query: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := o.http.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("OSV API query: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{URL: endpoint, Status: resp.Status, Code: resp.StatusCode}
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize))
	if err != nil {
		return nil, fmt.Errorf("OSV API query: %w", err)
	}
	var out batchResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("OSV API query: malformed response: %w", err)
	}
	if len(out.Results) != len(chunk) {
		return nil, fmt.Errorf("OSV API query: %d results for %d queries", len(out.Results), len(chunk))
	}
	return &out, nil
}

// fetchEntries reads the advisories by id, trusting a cached copy whose modification time is
// the one the batch answer gave.
func (o *OSVAPI) fetchEntries(ctx context.Context, need map[string]string) (map[string]*Entry, map[string]error, string) {
	got := map[string]*Entry{}
	errs := map[string]error{}
	var todo []string
	o.mu.Lock()
	for id, mod := range need {
		if e := o.entries[id]; e != nil && sameTime(e.Modified, mod) {
			got[id] = e
			continue
		}
		todo = append(todo, id)
	}
	o.mu.Unlock()
	sort.Strings(todo)

	var mu sync.Mutex
	stale := ""
	var eg errgroup.Group
	eg.SetLimit(fetchConcurrency)
	for _, id := range todo {
		eg.Go(func() error {
			e, st, err := o.entry(ctx, id, need[id])
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[id] = err
				return nil
			}
			if st != "" && stale == "" {
				stale = st
			}
			got[id] = e
			return nil
		})
	}
	_ = eg.Wait()
	o.mu.Lock()
	for id, e := range got {
		o.entries[id] = e
	}
	o.mu.Unlock()
	return got, errs, stale
}

func (o *OSVAPI) entry(ctx context.Context, id, modified string) (*Entry, string, error) {
	if !safeID(id) {
		return nil, "", fmt.Errorf("OSV API returned an invalid advisory id %q", id)
	}
	key := "vulns/" + id + ".json"
	if data, ok := o.http.cached(key); ok {
		var e Entry
		if json.Unmarshal(data, &e) == nil && e.ID == id && sameTime(e.Modified, modified) {
			return &e, "", nil
		}
	}
	f, err := o.http.get(ctx, o.base+"/v1/vulns/"+id, key)
	if err != nil {
		return nil, "", fmt.Errorf("OSV API: %w", err)
	}
	var e Entry
	if err := json.Unmarshal(f.data, &e); err != nil || e.ID != id {
		return nil, "", fmt.Errorf("OSV API %s/v1/vulns/%s: not the OSV entry %s", o.base, id, id)
	}
	return &e, f.stale, nil
}

// sameTime compares RFC 3339 times that may be written with different precision.
func sameTime(a, b string) bool {
	if a == b {
		return true
	}
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	return errA == nil && errB == nil && ta.Equal(tb)
}
