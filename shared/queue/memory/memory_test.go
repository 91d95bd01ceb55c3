package memory_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/queue"
	"github.com/fourcsec/fourc/shared/queue/memory"
)

func TestAtLeastOnceWithRedeliveryAndDeadLetters(t *testing.T) {
	q := memory.New(memory.Options{Concurrency: 2, MaxAttempts: 3, RetryDelay: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	attempts := map[string][]int{}
	go q.Run(ctx, func(_ context.Context, m queue.Message) error {
		mu.Lock()
		attempts[string(m.Body)] = append(attempts[string(m.Body)], m.Attempt)
		mu.Unlock()
		switch string(m.Body) {
		case "flaky":
			if m.Attempt < 2 {
				return errors.New("GitHub answered 502")
			}
		case "poison":
			return errors.New("always fails")
		case "panics":
			panic("nil map")
		}
		return nil
	})
	for _, body := range []string{"ok", "flaky", "poison", "panics"} {
		if err := q.Send(ctx, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	q.Wait()
	want := map[string]int{"ok": 1, "flaky": 2, "poison": 3, "panics": 3}
	for body, n := range want {
		if got := attempts[body]; len(got) != n || got[len(got)-1] != n {
			t.Errorf("%s delivered with attempts %v, want %d deliveries", body, got, n)
		}
	}
	dead := q.DeadLetters()
	if len(dead) != 2 {
		t.Fatalf("dead letters = %d, want poison and panics", len(dead))
	}
}

func TestSendAfterCloseFails(t *testing.T) {
	q := memory.New(memory.Options{})
	q.Close()
	if err := q.Send(context.Background(), []byte("x")); err == nil {
		t.Error("Send after Close succeeded")
	}
}
