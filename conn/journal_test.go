package conn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestJournalRoundTripAndDailyFiles(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir, 14)
	if err != nil {
		t.Fatal(err)
	}
	day1 := time.Date(2026, 11, 26, 23, 59, 0, 123456789, time.Local)
	day2 := day1.Add(2 * time.Minute)
	in := []Event{
		{Time: day1, Kind: KindState, State: StateBackoff, Prev: StateConnected, Cause: CauseHeartbeatTimeout, Severity: SevConnectivity, Epoch: 3},
		{Time: day2, Kind: KindTWS, State: StateConnected, Code: 1100, Message: "lost", Severity: SevConnectivity, Epoch: 4},
	}
	for _, ev := range in {
		if err := j.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	if n := len(journalFiles(dir)); n != 2 {
		t.Fatalf("want one file per local day, got %d", n)
	}
	out, rep, err := LoadJournal(dir, day1.Add(-time.Hour))
	if err != nil || rep.Skipped != 0 || len(out) != 2 {
		t.Fatalf("load: %v, %+v, %d events", err, rep, len(out))
	}
	if !out[0].Time.Equal(day1) || out[0].Cause != CauseHeartbeatTimeout || out[1].Code != 1100 || out[1].Epoch != 4 {
		t.Fatalf("round trip changed events: %+v", out)
	}
	// since filters
	out, _, _ = LoadJournal(dir, day2)
	if len(out) != 1 {
		t.Fatalf("since: %d events", len(out))
	}
}

func TestJournalSkipsCorruptAndTruncatedLines(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	good := `{"time":"` + now.Format(time.RFC3339Nano) + `","kind":"state","state":"connected","severity":"info","epoch":1}`
	content := good + "\n" + "{not json\n" + `{"kind":"tws"}` + "\n" + good + "\n" + `{"time":"` + now.Format(time.RFC3339Nano) + `","kind":"st`
	name := filepath.Join(dir, journalPrefix+now.Format(time.DateOnly)+journalSuffix)
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	out, rep, err := LoadJournal(dir, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || rep.Skipped != 3 {
		t.Fatalf("got %d events, skipped %d (%v); want 2 and 3", len(out), rep.Skipped, rep.Errors)
	}
	if !strings.Contains(strings.Join(rep.Errors, "\n"), "truncated") {
		t.Errorf("truncated last line not reported: %v", rep.Errors)
	}
}

func TestJournalPrunesOldFiles(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, journalPrefix+"2020-01-01"+journalSuffix)
	os.WriteFile(old, []byte("{}\n"), 0o600)
	j, _ := OpenJournal(dir, 3)
	if err := j.Append(Event{Time: time.Now(), Kind: KindApp}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatal("file older than the retention survived")
	}
}

func TestLoadJournalMissingDir(t *testing.T) {
	out, rep, err := LoadJournal(filepath.Join(t.TempDir(), "nope"), time.Now())
	if err != nil || len(out) != 0 || rep.Skipped != 0 {
		t.Fatalf("missing dir: %v %+v", err, rep)
	}
}

func FuzzDecodeJournal(f *testing.F) {
	f.Add([]byte(`{"time":"2026-11-27T10:00:00Z","kind":"state","state":"connected","severity":"info"}` + "\n"))
	f.Add([]byte("{\n}\n\x00\xff"))
	f.Add([]byte(`{"time":"2026-11-27T10:00:00Z","kind":"bogus"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, rep := DecodeJournal(strings.NewReader(string(b)), time.Time{})
		if rep.Events != len(evs) {
			t.Fatalf("report says %d events, got %d", rep.Events, len(evs))
		}
		for _, ev := range evs {
			if ev.Time.IsZero() || Sanitize(ev.Message) != ev.Message {
				t.Fatalf("unsanitised or timeless event: %+v", ev)
			}
		}
	})
}
