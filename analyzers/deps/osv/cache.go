package osv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// maxResponseSize bounds one response; the Go modules index is about 1 MB.
const maxResponseSize = 128 << 20

// httpCache fetches URLs with conditional requests (If-None-Match, If-Modified-Since) and keeps
// the bodies on disk, so a response the server says is unchanged costs a 304 and no download,
// and a feed that is down can still be answered from the last copy (flagged as stale).
type httpCache struct {
	client *http.Client
	// dir is this feed's folder in the cache; "" disables the disk cache (nothing writable).
	dir string
}

// cacheMeta is kept beside each cached body.
type cacheMeta struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Fetched      time.Time `json:"fetched"`
}

// fetched is a body and where it came from.
type fetched struct {
	data []byte
	// fromCache is set when the server answered 304 or the cached copy was used unasked.
	fromCache bool
	// stale is set, with the reason, when the server could not be reached and the cached copy
	// stood in.
	stale string
}

func newHTTPCache(client *http.Client, cacheRoot, feedURL string) *httpCache {
	c := &httpCache{client: client}
	if cacheRoot == "" {
		return c
	}
	sum := sha256.Sum256([]byte(feedURL))
	host := "feed"
	if u, err := url.Parse(feedURL); err == nil && u.Host != "" {
		host = strings.NewReplacer(":", "_", "/", "_").Replace(u.Host)
	}
	dir := filepath.Join(cacheRoot, host+"-"+hex.EncodeToString(sum[:4]))
	if err := os.MkdirAll(dir, 0o700); err == nil {
		c.dir = dir
	}
	return c
}

// cached reads a body from the disk cache without asking the server.
func (c *httpCache) cached(key string) ([]byte, bool) {
	if c.dir == "" {
		return nil, false
	}
	data, err := readLimited(filepath.Join(c.dir, filepath.FromSlash(key)))
	return data, err == nil
}

// get fetches url, revalidating a cached copy stored under key (a slash path made by the caller
// from trusted parts).
func (c *httpCache) get(ctx context.Context, rawURL, key string) (fetched, error) {
	var meta cacheMeta
	body, haveBody := c.cached(key)
	if haveBody {
		if m, err := os.ReadFile(c.metaPath(key)); err == nil {
			_ = json.Unmarshal(m, &meta) // a garbled sidecar only costs the conditional request
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fetched{}, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if haveBody && meta.URL == rawURL {
		if meta.ETag != "" {
			req.Header.Set("If-None-Match", meta.ETag)
		}
		if meta.LastModified != "" {
			req.Header.Set("If-Modified-Since", meta.LastModified)
		}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		if ctx.Err() == nil && haveBody {
			return fetched{data: body, fromCache: true, stale: staleReason(rawURL, err, meta.Fetched)}, nil
		}
		return fetched{}, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && haveBody:
		return fetched{data: body, fromCache: true}, nil
	case resp.StatusCode == http.StatusOK:
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize+1))
		if err != nil {
			return fetched{}, fmt.Errorf("GET %s: %w", rawURL, err)
		}
		if len(data) > maxResponseSize {
			return fetched{}, fmt.Errorf("GET %s: response larger than %d bytes", rawURL, maxResponseSize)
		}
		c.store(key, data, cacheMeta{
			URL: rawURL, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Fetched: time.Now().UTC(),
		})
		return fetched{data: data}, nil
	case resp.StatusCode >= 500 && haveBody:
		return fetched{data: body, fromCache: true, stale: staleReason(rawURL, errors.New(resp.Status), meta.Fetched)}, nil
	default:
		return fetched{}, &StatusError{URL: rawURL, Status: resp.Status, Code: resp.StatusCode}
	}
}

// StatusError is an HTTP answer other than 200 or 304.
type StatusError struct {
	URL    string
	Status string
	Code   int
}

func (e *StatusError) Error() string { return fmt.Sprintf("GET %s: %s", e.URL, e.Status) }

func staleReason(rawURL string, err error, fetchedAt time.Time) string {
	when := "an earlier run"
	if !fetchedAt.IsZero() {
		when = fetchedAt.Format("2006-01-02 15:04 UTC")
	}
	return fmt.Sprintf("%s could not be reached (%v); used the copy cached at %s", rawURL, err, when)
}

func (c *httpCache) metaPath(key string) string {
	return filepath.Join(c.dir, filepath.FromSlash(key)+".meta")
}

// store writes the body and its sidecar atomically (temporary file and rename), so concurrent
// scans sharing the cache never read half a file. Failing to cache is not an error.
func (c *httpCache) store(key string, data []byte, meta cacheMeta) {
	if c.dir == "" {
		return
	}
	p := filepath.Join(c.dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return
	}
	m, err := json.Marshal(meta)
	if err != nil {
		return
	}
	if writeAtomic(p, data) == nil {
		_ = writeAtomic(c.metaPath(key), m)
	}
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return errors.Join(werr, cerr)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
