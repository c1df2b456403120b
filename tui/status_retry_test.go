package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// The retry schedule of a long refusal is shortened to fit a narrow pane
// rather than cut: the slow interval is the part that matters all night.
func TestRetryScheduleFitsThePane(t *testing.T) {
	now := time.Date(2026, 12, 7, 22, 0, 10, 0, time.Local)
	cv := connView{state: conn.StateBackoff, since: now.Add(-10 * time.Second), cause: conn.CauseRefused, attempt: 4,
		retry: &conn.RefusedRetry{Every: 5 * time.Second, Fast: 200 * time.Millisecond, FastUntil: now.Add(5 * time.Minute)}}
	for w, want := range map[int]string{
		74: "retry   every 200ms until 22:05:10, then every 5s",
		43: "retry   every 200ms until 22:05:10, then 5s",
		41: "retry   every 200ms to 22:05:10, then 5s",
	} {
		p := newStatusPane(testStyles())
		p.SetSize(w, 8)
		p.set(cv, conn.Metrics{}, now)
		if v := p.View(); !strings.Contains(v, want+"\n") && !strings.Contains(v, want+" ") {
			t.Errorf("width %d: want %q in\n%s", w, want, v)
		}
	}
	// After the fast path: the slow schedule alone, no countdown.
	p := newStatusPane(testStyles())
	p.SetSize(41, 8)
	p.set(cv, conn.Metrics{}, now.Add(6*time.Minute))
	if v := p.View(); !strings.Contains(v, "retry   every 5s") || strings.Contains(v, "attempt") {
		t.Errorf("after the fast path:\n%s", v)
	}
}
