package store_test

import (
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/store"
)

func TestISOWeek(t *testing.T) {
	tests := []struct {
		week   string
		monday time.Time
	}{
		{"2026-W47", time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)},
		{"2026-W01", time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC)}, // week 1 starts in the previous year
		{"2020-W53", time.Date(2020, 12, 28, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := store.ParseISOWeek(tt.week)
		if err != nil || !got.Equal(tt.monday) {
			t.Errorf("ParseISOWeek(%s) = %v, %v; want %v", tt.week, got, err, tt.monday)
		}
		if w := store.ISOWeek(tt.monday.Add(6*24*time.Hour + 23*time.Hour)); w != tt.week {
			t.Errorf("ISOWeek(Sunday of %s) = %s", tt.week, w)
		}
	}
	for _, bad := range []string{"2026-47", "2026-W54", "2026-W00", "2021-W53", "W47", "2026-W4"} {
		if _, err := store.ParseISOWeek(bad); err == nil {
			t.Errorf("ParseISOWeek(%q) accepted", bad)
		}
	}
}
