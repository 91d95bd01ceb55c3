package osv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// maxEntrySize bounds one advisory file; real ones are a few kilobytes.
const maxEntrySize = 16 << 20

// Dir is a database on the local disk: either a folder of OSV files (searched recursively, any
// ecosystems) read entirely into an index by package, or the root of a Go vulnerability database
// in the v1 layout (index/modules.json, ID/<id>.json) whose advisories are read when a module
// asks for them.
type Dir struct {
	root string
	// byPackage indexes a folder of OSV files by ecosystem and normalized package name.
	byPackage  map[packageKey][]*Entry
	ecosystems map[string]int
	// problems lists files that could not be read: advisories the scan may be missing.
	problems []string

	// v1 is set for a Go database root: modules maps each module to its advisory ids.
	v1      bool
	modules map[string][]string
	mu      sync.Mutex
	byID    map[string]*Entry
}

type packageKey struct{ ecosystem, name string }

// OpenDir reads a local database. A folder of OSV files is loaded at once (the 4,300 entries of
// the Go database take about a quarter of a second on two cores); a v1 root only has its module
// index read.
func OpenDir(dir string) (*Dir, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("vulnerability database: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("vulnerability database %s is not a directory", dir)
	}
	d := &Dir{root: dir}
	if data, err := readLimited(filepath.Join(dir, "index", "modules.json")); err == nil {
		return d, d.loadV1Index(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("vulnerability database %s: %w", dir, err)
	}
	return d, d.loadFolder()
}

func (d *Dir) String() string { return d.root }

// Problems lists the files that could not be read; the caller reports the scan as partial.
func (d *Dir) Problems() []string { return d.problems }

// Ecosystems counts the advisories by ecosystem (for a v1 root: modules of the Go ecosystem).
func (d *Dir) Ecosystems() map[string]int { return d.ecosystems }

// Len is the number of advisories indexed (for a v1 root, the number of modules).
func (d *Dir) Len() int {
	n := 0
	for _, c := range d.ecosystems {
		n += c
	}
	return n
}

func (d *Dir) loadV1Index(data []byte) error {
	var mods []struct {
		Path  string `json:"path"`
		Vulns []struct {
			ID string `json:"id"`
		} `json:"vulns"`
	}
	if err := json.Unmarshal(data, &mods); err != nil {
		return fmt.Errorf("vulnerability database %s: index/modules.json: %w", d.root, err)
	}
	d.v1 = true
	d.modules = make(map[string][]string, len(mods))
	d.byID = map[string]*Entry{}
	for _, m := range mods {
		for _, v := range m.Vulns {
			// An entry with several affected ranges for one module is listed once per range.
			if !slices.Contains(d.modules[m.Path], v.ID) {
				d.modules[m.Path] = append(d.modules[m.Path], v.ID)
			}
		}
	}
	d.ecosystems = map[string]int{Go: len(d.modules)}
	return nil
}

// loadFolder reads every .json file under the root in parallel: decoding is the cost, and it
// spreads over the cores.
func (d *Dir) loadFolder() error {
	var files []string
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == d.root {
				return err
			}
			d.problems = append(d.problems, fmt.Sprintf("%s: %v", d.rel(p), err))
			return nil
		}
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".json") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("vulnerability database %s: %w", d.root, err)
	}
	entries := make([]*Entry, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				entries[i], errs[i] = readEntry(files[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	d.byPackage = map[packageKey][]*Entry{}
	d.ecosystems = map[string]int{}
	for i, e := range entries {
		if errs[i] != nil {
			d.problems = append(d.problems, fmt.Sprintf("%s: %v", d.rel(files[i]), errs[i]))
			continue
		}
		d.add(e)
	}
	if len(entries) == 0 {
		return fmt.Errorf("vulnerability database %s holds no OSV files (*.json)", d.root)
	}
	return nil
}

func (d *Dir) add(e *Entry) {
	seen := map[packageKey]bool{}
	for _, a := range e.Affected {
		eco := EcosystemOf(a.Package.Ecosystem)
		k := packageKey{eco, NormalizeName(eco, a.Package.Name)}
		if seen[k] {
			continue // one entry per package, however many affected objects name it
		}
		seen[k] = true
		d.byPackage[k] = append(d.byPackage[k], e)
	}
	counted := map[string]bool{}
	for k := range seen {
		if !counted[k.ecosystem] {
			counted[k.ecosystem] = true
			d.ecosystems[k.ecosystem]++
		}
	}
}

func (d *Dir) rel(p string) string {
	if r, err := filepath.Rel(d.root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return p
}

func readEntry(path string) (*Entry, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("not an OSV entry: %w", err)
	}
	if e.ID == "" {
		return nil, errors.New("not an OSV entry: no id")
	}
	return &e, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEntrySize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxEntrySize {
		return nil, fmt.Errorf("larger than %d bytes", maxEntrySize)
	}
	return data, nil
}

// Lookup answers from the index. A folder that holds no advisory of the queried ecosystem cannot
// vouch for its packages, so such queries get an error rather than an empty answer.
func (d *Dir) Lookup(ctx context.Context, queries []Query) ([]Answer, error) {
	answers := make([]Answer, len(queries))
	for i, q := range queries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if d.ecosystems[q.Ecosystem] == 0 {
			answers[i].Err = fmt.Errorf("the vulnerability database %s holds no %s advisories", d.root, q.Ecosystem)
			continue
		}
		if !d.v1 {
			answers[i].Entries = d.byPackage[packageKey{q.Ecosystem, NormalizeName(q.Ecosystem, q.Name)}]
			continue
		}
		answers[i] = d.lookupV1(q.Name)
	}
	return answers, nil
}

func (d *Dir) lookupV1(module string) Answer {
	var ans Answer
	ids := d.modules[module]
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range ids {
		e, ok := d.byID[id]
		if !ok {
			if !safeID(id) {
				ans.Err = fmt.Errorf("the vulnerability database %s lists an invalid advisory id %q", d.root, id)
				continue
			}
			var err error
			e, err = readEntry(filepath.Join(d.root, "ID", id+".json"))
			if err != nil {
				ans.Err = fmt.Errorf("the vulnerability database %s: ID/%s.json: %w", d.root, id, err)
				continue
			}
			d.byID[id] = e
		}
		ans.Entries = append(ans.Entries, e)
	}
	sort.Slice(ans.Entries, func(i, j int) bool { return ans.Entries[i].ID < ans.Entries[j].ID })
	return ans
}

// safeID keeps advisory ids from naming files outside the database when used in a path or URL.
func safeID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return !strings.Contains(id, "..")
}
