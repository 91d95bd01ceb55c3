// Package bolt is the embedded store for `fourc serve`: one bbolt file, no server.
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/fourcsec/fourc/shared/store"
)

var (
	bucketDeliveries    = []byte("deliveries")
	bucketInstallations = []byte("installations")
	bucketRepos         = []byte("repos")
	bucketScans         = []byte("scans")
	bucketFindings      = []byte("findings")
	bucketWeeks         = []byte("weeks")
	bucketSummaries     = []byte("summaries")
)

// Store is a store.Store in a bbolt file.
type Store struct {
	db *bbolt.DB
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the database file at path.
func Open(path string) (*Store, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketDeliveries, bucketInstallations, bucketRepos, bucketScans, bucketFindings, bucketWeeks, bucketSummaries} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise store %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func id64(id int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(id))
	return b
}

// join builds composite keys; NUL cannot occur in repository names, SHAs or fingerprints.
func join(parts ...[]byte) []byte { return bytes.Join(parts, []byte{0}) }

func scanKey(k store.ScanKey) []byte {
	return join([]byte(k.Repo), []byte(k.SHA), []byte(k.Variant))
}

func put(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func get(b *bbolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return store.ErrNotFound
	}
	return json.Unmarshal(data, v)
}

func (s *Store) RecordDelivery(_ context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	first := false
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDeliveries)
		if v := b.Get([]byte(id)); v != nil && int64(binary.BigEndian.Uint64(v)) > now.UnixNano() {
			return nil
		}
		first = true
		return b.Put([]byte(id), id64(now.Add(ttl).UnixNano()))
	})
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", id, err)
	}
	return first, nil
}

func (s *Store) ForgetDelivery(_ context.Context, id string) error {
	return wrap("forget delivery "+id, s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDeliveries).Delete([]byte(id))
	}))
}

func (s *Store) PutInstallation(_ context.Context, in store.Installation) error {
	return wrap("put installation", s.db.Update(func(tx *bbolt.Tx) error {
		return put(tx.Bucket(bucketInstallations), id64(in.ID), in)
	}))
}

func (s *Store) GetInstallation(_ context.Context, id int64) (store.Installation, error) {
	var in store.Installation
	err := s.db.View(func(tx *bbolt.Tx) error { return get(tx.Bucket(bucketInstallations), id64(id), &in) })
	return in, wrap(fmt.Sprintf("get installation %d", id), err)
}

func (s *Store) DeleteInstallation(_ context.Context, id int64) error {
	return wrap("delete installation", s.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucketInstallations).Delete(id64(id)); err != nil {
			return err
		}
		return deletePrefix(tx.Bucket(bucketRepos), id64(id))
	}))
}

func (s *Store) ListInstallations(_ context.Context) ([]store.Installation, error) {
	var out []store.Installation
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketInstallations).ForEach(func(_, v []byte) error {
			var in store.Installation
			if err := json.Unmarshal(v, &in); err != nil {
				return err
			}
			out = append(out, in)
			return nil
		})
	})
	return out, wrap("list installations", err)
}

func (s *Store) PutRepo(_ context.Context, r store.Repo) error {
	return wrap("put repo", s.db.Update(func(tx *bbolt.Tx) error {
		return put(tx.Bucket(bucketRepos), join(id64(r.InstallationID), []byte(r.FullName)), r)
	}))
}

func (s *Store) GetRepo(_ context.Context, installationID int64, fullName string) (store.Repo, error) {
	var r store.Repo
	err := s.db.View(func(tx *bbolt.Tx) error {
		return get(tx.Bucket(bucketRepos), join(id64(installationID), []byte(fullName)), &r)
	})
	return r, wrap("get repo "+fullName, err)
}

func (s *Store) DeleteRepo(_ context.Context, installationID int64, fullName string) error {
	return wrap("delete repo", s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketRepos).Delete(join(id64(installationID), []byte(fullName)))
	}))
}

func (s *Store) ListRepos(_ context.Context, installationID int64) ([]store.Repo, error) {
	var out []store.Repo
	err := s.db.View(func(tx *bbolt.Tx) error {
		return forPrefix(tx.Bucket(bucketRepos), append(id64(installationID), 0), func(_, v []byte) error {
			var r store.Repo
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, wrap("list repos", err)
}

func weekKey(sc *store.Scan) []byte {
	return join(id64(sc.InstallationID), []byte(sc.Week()), scanKey(sc.Key))
}

func (s *Store) PutScan(_ context.Context, sc store.Scan) error {
	if err := sc.Key.Validate(); err != nil {
		return err
	}
	return wrap("put scan "+sc.Key.String(), s.db.Update(func(tx *bbolt.Tx) error {
		weeks := tx.Bucket(bucketWeeks)
		var old store.Scan
		if err := get(tx.Bucket(bucketScans), scanKey(sc.Key), &old); err == nil && !old.CompletedAt.IsZero() {
			if err := weeks.Delete(weekKey(&old)); err != nil {
				return err
			}
		}
		if !sc.CompletedAt.IsZero() {
			if err := weeks.Put(weekKey(&sc), nil); err != nil {
				return err
			}
		}
		return put(tx.Bucket(bucketScans), scanKey(sc.Key), sc)
	}))
}

func (s *Store) GetScan(_ context.Context, k store.ScanKey) (store.Scan, error) {
	var sc store.Scan
	err := s.db.View(func(tx *bbolt.Tx) error { return get(tx.Bucket(bucketScans), scanKey(k), &sc) })
	return sc, wrap("get scan "+k.String(), err)
}

func findingKey(k store.ScanKey, f *store.StoredFinding) []byte {
	return join(scanKey(k), []byte(store.FindingID(f)))
}

func (s *Store) PutFindings(_ context.Context, sc store.Scan, fs []store.StoredFinding) error {
	if err := sc.Key.Validate(); err != nil {
		return err
	}
	return wrap("put findings of "+sc.Key.String(), s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketFindings)
		for i := range fs {
			if err := put(b, findingKey(sc.Key, &fs[i]), fs[i]); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (s *Store) Findings(_ context.Context, k store.ScanKey) ([]store.StoredFinding, error) {
	var out []store.StoredFinding
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		out, err = findingsOf(tx, k)
		return err
	})
	return out, wrap("findings of "+k.String(), err)
}

func findingsOf(tx *bbolt.Tx, k store.ScanKey) ([]store.StoredFinding, error) {
	var out []store.StoredFinding
	err := forPrefix(tx.Bucket(bucketFindings), append(scanKey(k), 0), func(_, v []byte) error {
		var f store.StoredFinding
		if err := json.Unmarshal(v, &f); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	store.SortFindings(out)
	return out, err
}

func (s *Store) Week(_ context.Context, installationID int64, week string) ([]store.Scan, map[store.ScanKey][]store.StoredFinding, error) {
	var scans []store.Scan
	findings := map[store.ScanKey][]store.StoredFinding{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		prefix := join(id64(installationID), []byte(week), nil)
		return forPrefix(tx.Bucket(bucketWeeks), prefix, func(k, _ []byte) error {
			var sc store.Scan
			if err := get(tx.Bucket(bucketScans), k[len(prefix):], &sc); err != nil {
				return err
			}
			fs, err := findingsOf(tx, sc.Key)
			if err != nil {
				return err
			}
			scans = append(scans, sc)
			findings[sc.Key] = fs
			return nil
		})
	})
	store.SortScans(scans)
	return scans, findings, wrap(fmt.Sprintf("week %s of installation %d", week, installationID), err)
}

func (s *Store) PutSummaryIssue(_ context.Context, si store.SummaryIssue, onlyIfAbsent bool) error {
	return wrap("put summary issue", s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSummaries)
		key := join(id64(si.InstallationID), []byte(si.Week))
		if onlyIfAbsent && b.Get(key) != nil {
			return store.ErrConflict
		}
		return put(b, key, si)
	}))
}

func (s *Store) GetSummaryIssue(_ context.Context, installationID int64, week string) (store.SummaryIssue, error) {
	var si store.SummaryIssue
	err := s.db.View(func(tx *bbolt.Tx) error {
		return get(tx.Bucket(bucketSummaries), join(id64(installationID), []byte(week)), &si)
	})
	return si, wrap("get summary issue", err)
}

func forPrefix(b *bbolt.Bucket, prefix []byte, fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func deletePrefix(b *bbolt.Bucket, prefix []byte) error {
	var keys [][]byte
	if err := forPrefix(b, prefix, func(k, _ []byte) error {
		keys = append(keys, append([]byte(nil), k...))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// wrap adds context to errors but leaves the sentinel errors recognisable with errors.Is.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
