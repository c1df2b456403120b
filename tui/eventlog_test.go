package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/ibwatch/ibwatch/conn"
)

func TestLogFilter(t *testing.T) {
	evs := []conn.Event{
		twsEv(t0, 2104, conn.SevInfo, "info", "", 0),
		twsEv(t0, 10167, conn.SevWarning, "warning", "", 0),
		twsEv(t0, 354, conn.SevError, "error", "", 0),
		twsEv(t0, 1100, conn.SevConnectivity, "connectivity", "", 0),
		stateEv(t0, conn.StateConnected, conn.StateBackoff, conn.CauseRefused, 0),
	}
	tests := []struct {
		f    logFilter
		want int
	}{{filterAll, 5}, {filterWarning, 4}, {filterError, 3}, {filterConnectivity, 2}}
	for _, tc := range tests {
		t.Run(tc.f.String(), func(t *testing.T) {
			p := newLogPane(testStyles())
			p.SetSize(100, 10)
			for _, ev := range evs {
				p.appendEntry(ev, false)
			}
			p.filter = tc.f
			p.rebuild()
			if got := p.matchCount(); got != tc.want {
				t.Fatalf("%v shows %d, want %d", tc.f, got, tc.want)
			}
		})
	}
}

func TestLogSearchHighlightsAndFilters(t *testing.T) {
	p := newLogPane(testStyles())
	p.SetSize(100, 10)
	for i := 0; i < 20; i++ {
		p.appendEntry(twsEv(t0, int64(2100+i), conn.SevInfo, fmt.Sprintf("farm message %d", i), "", 0), false)
	}
	p.setQuery("MESSAGE 1")
	if p.matchCount() != 11 { // 1, 10..19
		t.Fatalf("matches %d", p.matchCount())
	}
	if !strings.Contains(p.Title(), "/message 1 (11)") {
		t.Fatalf("title %q", p.Title())
	}
}

// A search kept with enter stays a filter until esc drops it; esc without
// a kept search does nothing to the log.
func TestLogKeptSearchClearsWithEsc(t *testing.T) {
	p := newLogPane(testStyles())
	p.SetSize(100, 10)
	p.Focus()
	for i := 0; i < 20; i++ {
		p.appendEntry(twsEv(t0, int64(2100+i), conn.SevInfo, fmt.Sprintf("farm message %d", i), "", 0), false)
	}
	p.startSearch()
	for _, r := range "message 1" {
		p.Update(runes(string(r)))
	}
	p.Update(keyEnter)
	if p.Typing() || p.matchCount() != 11 || !strings.Contains(p.Title(), "/message 1 (11)") {
		t.Fatalf("after enter: typing %v, %d shown, title %q", p.Typing(), p.matchCount(), p.Title())
	}
	if !slices.ContainsFunc(p.ShortHelp(), func(b key.Binding) bool { return b.Help().Key == "esc" }) {
		t.Fatal("help does not offer esc while a search is kept")
	}
	p.Update(keyEsc)
	if p.matchCount() != 20 || strings.Contains(p.Title(), "/") {
		t.Fatalf("after esc: %d shown, title %q", p.matchCount(), p.Title())
	}
	p.Update(keyEsc)
	if p.matchCount() != 20 {
		t.Fatalf("a second esc changed the log: %d shown", p.matchCount())
	}
}

func TestLogKeepsPlaceWhenFiltering(t *testing.T) {
	p := newLogPane(testStyles())
	p.SetSize(100, 5)
	for i := 0; i < 100; i++ {
		sev := conn.SevInfo
		if i%2 == 0 {
			sev = conn.SevWarning
		}
		p.appendEntry(twsEv(t0.Add(time.Duration(i)*time.Second), 1, sev, fmt.Sprintf("msg %03d", i), "", 0), false)
	}
	p.follow = false
	p.offset = 41 // the marker line is line 0: this is msg 040
	p.refresh()
	if !strings.Contains(p.window[0], "msg 040") {
		t.Fatalf("window starts %q", p.window[0])
	}
	p.cycleFilter()
	if !strings.Contains(p.window[0], "msg 040") {
		t.Fatalf("after filtering window starts %q", p.window[0])
	}
}

func TestHistoryIsMarked(t *testing.T) {
	m, _ := testModel(t, previousNight())
	v := m.View()
	if !strings.Contains(v, "previous session ↑ ended 06:00:00 · this session ↓") {
		t.Fatalf("no session marker:\n%s", v)
	}
	if !m.log.entries[1].prev {
		t.Fatal("history entries not marked as previous")
	}
	if _, ok := m.tl.availability(t0); !ok {
		t.Fatal("history did not reach the timeline")
	}
}

func TestLogTrimsOldest(t *testing.T) {
	p := newLogPane(testStyles())
	p.SetSize(80, 10)
	for i := 0; i < maxLogEntries+5; i++ {
		p.push(logEntry{ev: conn.Event{Time: t0, Kind: conn.KindApp, Message: "x"}})
	}
	if len(p.entries) > maxLogEntries || len(p.vis) != len(p.entries) {
		t.Fatalf("entries %d vis %d", len(p.entries), len(p.vis))
	}
}
