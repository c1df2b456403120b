package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

func TestTimelineSlotsAndAvailability(t *testing.T) {
	tl := &timeline{}
	start := t0.Add(-12 * time.Hour)
	for _, ev := range []conn.Event{
		stateEv(start, conn.StateIdle, conn.StateConnecting, conn.CauseStart, 0),
		stateEv(start.Add(time.Second), conn.StateConnecting, conn.StateConnected, conn.CauseReady, 1),
		// 10 s blip at 02:00: must still show in a 30-minute cell.
		stateEv(t0.Add(-6*time.Hour), conn.StateConnected, conn.StateBackoff, conn.CauseHeartbeatTimeout, 1),
		stateEv(t0.Add(-6*time.Hour+10*time.Second), conn.StateBackoff, conn.StateConnected, conn.CauseReady, 2),
		// TWS down for an hour: excluded from availability.
		stateEv(t0.Add(-3*time.Hour), conn.StateConnected, conn.StateBackoff, conn.CauseRefused, 2),
		stateEv(t0.Add(-2*time.Hour), conn.StateBackoff, conn.StateConnected, conn.CauseReady, 3),
		stateEv(t0.Add(-time.Hour), conn.StateConnected, conn.StateDegraded, conn.CauseIBLinkLost, 3),
	} {
		tl.add(&ev)
	}
	cells, _, slot := tl.slots(48, t0)
	if slot != 30*time.Minute {
		t.Fatalf("slot %v", slot)
	}
	var b strings.Builder
	for _, c := range cells {
		b.WriteString(cellGlyph(c))
	}
	// 48 cells of 30 min ending with the slot holding 08:00 (08:00–08:30).
	want := strings.Repeat("·", 23) + strings.Repeat("█", 12) + "▁" + strings.Repeat("█", 5) +
		"▁▁" + "██" + "▒▒▒"
	if got := b.String(); got != want {
		t.Fatalf("strip\n got %q\nwant %q", got, want)
	}
	a, ok := tl.availability(t0)
	// Watched: 12 h, less the first connect (1 s) and the hour TWS
	// refused connections; down 10 s of it.
	watched := 11*time.Hour - time.Second
	wantA := 1 - (10*time.Second).Seconds()/watched.Seconds()
	if !ok || a < wantA-1e-9 || a > wantA+1e-9 {
		t.Fatalf("availability %v, want %v", a, wantA)
	}
}

func TestTimelineFirstConnectIsNotAnOutage(t *testing.T) {
	tl := &timeline{}
	tl.add(&conn.Event{Kind: conn.KindState, Time: t0.Add(-time.Minute), State: conn.StateConnecting})
	tl.add(&conn.Event{Kind: conn.KindState, Time: t0.Add(-time.Minute + time.Second), State: conn.StateConnected})
	cells, _, _ := tl.slots(24, t0)
	if cells[23] != slotUp {
		t.Fatalf("last cell %v, want up", cells[23])
	}
}

func TestHourAxisLabelsAligned(t *testing.T) {
	start := time.Date(2025, 1, 13, 8, 0, 0, 0, time.UTC)
	axis := hourAxis(48, start, 30*time.Minute)
	if len(axis) != 48 || !strings.HasPrefix(axis, "08") || axis[4:6] != "10" {
		t.Fatalf("axis %q", axis)
	}
	narrow := hourAxis(24, start, time.Hour)
	if !strings.HasPrefix(narrow, "08") || strings.Contains(narrow, "0809") {
		t.Fatalf("labels touch: %q", narrow)
	}
}

// With NO_COLOR the strip must still tell "not watched" from "up" or
// "down" by glyph, as the README documents: unknown cells are "·", not
// blanks that look like an unfinished drawing.
func TestTimelineUnknownCellsAreDotsWithoutColour(t *testing.T) {
	m, _ := testModel(t, nil)
	if !m.st.NoColor {
		t.Fatal("test styles have colour")
	}
	m = feed(t, m,
		stateEv(t0.Add(-time.Hour), conn.StateIdle, conn.StateConnecting, conn.CauseStart, 0),
		stateEv(t0.Add(-time.Hour), conn.StateConnecting, conn.StateConnected, conn.CauseReady, 1))
	strip, _ := m.tl.render(m.st, 48, t0)
	// 48 cells of 30 min ending with 08:00–08:30: unknown until 07:00, then
	// up in 07:00, 07:30 and 08:00.
	if want := strings.Repeat("·", 45) + "███"; strip != want {
		t.Errorf("strip\n got %q\nwant %q", strip, want)
	}
	if v := m.View(); !strings.Contains(v, "│ "+strings.Repeat("·", 20)) {
		t.Errorf("dashboard timeline has no unknown cells drawn as ·:\n%s", v)
	}
}
