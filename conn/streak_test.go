package conn

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// A night of refusals is summarised at doubling gaps, from a minute up to
// half an hour: the log keeps the start of the outage in detail and the
// rest in a few lines. A new run starts over.
func TestRetryStreakSummariesThinOut(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	var r retryStreak
	var at []time.Duration
	for d := time.Duration(0); d <= 8*time.Hour; d += 5 * time.Second {
		now := t0.Add(d)
		r.failed(CauseRefused, now, false)
		if quiet, summary := r.quiet(StateBackoff, now); !quiet && summary != "" {
			if !strings.Contains(summary, "since 22:00:00") {
				t.Fatalf("summary %q", summary)
			}
			at = append(at, d)
		}
	}
	want := []time.Duration{1, 3, 7, 15, 31, 61, 91}
	for i, m := range want {
		want[i] = m * time.Minute
	}
	if len(at) < len(want) || !slices.Equal(at[:len(want)], want) {
		t.Fatalf("summaries at %v, want them to start %v", at, want)
	}
	if len(at) > 20 {
		t.Fatalf("%d summaries in 8 hours: %v", len(at), at)
	}
	// After a connection, a new run is summarised a minute in again.
	up := t0.Add(9 * time.Hour)
	r.end()
	r.failed(CauseRefused, up, true)
	for d := time.Duration(0); d <= 2*time.Minute; d += 5 * time.Second {
		r.failed(CauseRefused, up.Add(d), false)
		if quiet, summary := r.quiet(StateBackoff, up.Add(d)); !quiet && summary != "" {
			if d != time.Minute {
				t.Fatalf("first summary of a new run after %v", d)
			}
			return
		}
	}
	t.Fatal("no summary in a new run's first two minutes")
}
