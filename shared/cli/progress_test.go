package cli

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/engine"
)

// lockedBuffer is a concurrency-safe writer: the progress line is drawn from its own goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		name           string
		tty, quiet     bool
		runFor         time.Duration
		wantDrawn      bool
		wantLastSuffix string
	}{
		{"terminal, long scan: drawn then cleared", true, false, progressDelay + 300*time.Millisecond, true, "\r\x1b[K"},
		{"terminal, quick scan: nothing", true, false, 50 * time.Millisecond, false, ""},
		{"not a terminal: nothing", false, false, progressDelay + 300*time.Millisecond, false, ""},
		{"quiet: nothing", true, true, progressDelay + 300*time.Millisecond, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out lockedBuffer
			p := &engine.Progress{}
			p.AddFiles(12)
			stop := startProgress(Env{Stderr: &out, StderrTTY: tt.tty}, tt.quiet, p)
			time.Sleep(tt.runFor)
			stop()
			got := out.String()
			if drawn := strings.Contains(got, "scanning"); drawn != tt.wantDrawn {
				t.Fatalf("progress drawn = %v, want %v; output %q", drawn, tt.wantDrawn, got)
			}
			if tt.wantDrawn && (!strings.HasSuffix(got, tt.wantLastSuffix) || !strings.Contains(got, "12 file checks done")) {
				t.Errorf("progress output %q must show the counts and end by clearing the line", got)
			}
		})
	}
}
