package engine

import (
	"sort"
	"sync"
	"sync/atomic"
)

// Progress is what a run has done so far; scanners add to it and a terminal UI polls Snapshot.
type Progress struct {
	files    atomic.Int64
	packages atomic.Int64
	total    atomic.Int64
	mu       sync.Mutex
	running  map[string]bool
}

// AddFiles counts files a scanner has finished.
func (p *Progress) AddFiles(n int) {
	if p != nil {
		p.files.Add(int64(n))
	}
}

// AddPackages counts Go packages a scanner has finished.
func (p *Progress) AddPackages(n int) {
	if p != nil {
		p.packages.Add(int64(n))
	}
}

func (p *Progress) setTotal(n int) { p.total.Store(int64(n)) }

func (p *Progress) start(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running == nil {
		p.running = map[string]bool{}
	}
	p.running[name] = true
}

func (p *Progress) finish(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, name)
}

// ProgressSnapshot is a consistent-enough view for a progress line.
type ProgressSnapshot struct {
	Files, TotalFiles, Packages int64
	Running                     []string
}

// Snapshot reads the counters.
func (p *Progress) Snapshot() ProgressSnapshot {
	p.mu.Lock()
	running := make([]string, 0, len(p.running))
	for n := range p.running {
		running = append(running, n)
	}
	p.mu.Unlock()
	sort.Strings(running)
	return ProgressSnapshot{Files: p.files.Load(), TotalFiles: p.total.Load(), Packages: p.packages.Load(), Running: running}
}
