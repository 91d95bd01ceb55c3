package cli

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/fourcsec/fourc/shared/engine"
)

// progressDelay keeps quick scans free of flicker: the line appears only after a second.
const progressDelay = time.Second

// startProgress draws a live progress line on a terminal's standard error and returns the
// function that stops and clears it.
func startProgress(env Env, quiet bool, p *engine.Progress) (stop func()) {
	if quiet || !env.StderrTTY {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		started := time.Now()
		timer := time.NewTimer(progressDelay)
		defer timer.Stop()
		select {
		case <-done:
			return
		case <-timer.C:
		}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			fmt.Fprintf(env.Stderr, "\r\x1b[K%s", progressLine(p.Snapshot(), time.Since(started)))
			select {
			case <-done:
				fmt.Fprint(env.Stderr, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func progressLine(s engine.ProgressSnapshot, elapsed time.Duration) string {
	// Several scanners count the same file, so done is not a fraction of the tree's size.
	parts := []string{fmt.Sprintf("scanning %d files: %d file checks done", s.TotalFiles, s.Files)}
	if s.Packages > 0 {
		parts = append(parts, fmt.Sprintf("%d packages", s.Packages))
	}
	if len(s.Running) > 0 {
		parts = append(parts, "running "+strings.Join(s.Running, ", "))
	}
	parts = append(parts, elapsed.Round(100*time.Millisecond).String())
	return strings.Join(parts, " · ")
}
