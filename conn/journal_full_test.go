package conn

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// fullDisk opens real journal files whose writes fail like a full disk
// while full is set: half the line reaches the file, then ENOSPC.
type fullDisk struct {
	mu       sync.Mutex
	full     bool
	cutFails bool // Truncate fails too
}

func (d *fullDisk) set(full bool) {
	d.mu.Lock()
	d.full = full
	d.mu.Unlock()
}

func (d *fullDisk) open(name string) (journalFile, error) {
	f, err := openJournalFile(name)
	if err != nil {
		return nil, err
	}
	return &fullFile{File: f.(*os.File), d: d}, nil
}

type fullFile struct {
	*os.File
	d *fullDisk
}

func (f *fullFile) Write(b []byte) (int, error) {
	f.d.mu.Lock()
	full := f.d.full
	f.d.mu.Unlock()
	if !full {
		return f.File.Write(b)
	}
	n, _ := f.File.Write(b[:len(b)/2])
	return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

func (f *fullFile) Truncate(size int64) error {
	if f.d.cutFails {
		return errors.New("truncate refused")
	}
	return f.File.Truncate(size)
}

// journalLines returns every line of every journal file in dir.
func journalLines(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, name := range journalFiles(dir) {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			out = append(out, sc.Text())
		}
		f.Close()
	}
	return out
}

func TestJournalFullDiskLeavesNoTornLine(t *testing.T) {
	dir := t.TempDir()
	disk := &fullDisk{}
	j, err := openJournal(dir, 14, disk.open)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	t0 := time.Now()
	ev := func(i int) Event {
		return Event{Time: t0.Add(time.Duration(i) * time.Second), Kind: KindApp, Message: strings.Repeat("x", i)}
	}
	if err := j.Append(ev(1)); err != nil {
		t.Fatal(err)
	}
	disk.set(true)
	for i := 2; i <= 4; i++ {
		if err := j.Append(ev(i)); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("append %d on a full disk: %v", i, err)
		}
	}
	disk.set(false)
	if err := j.Append(ev(5)); err != nil {
		t.Fatal(err)
	}
	loss := j.TakeLoss()
	if loss.N != 3 || !loss.First.Equal(ev(2).Time) || !loss.Last.Equal(ev(4).Time) || !errors.Is(loss.Err, syscall.ENOSPC) {
		t.Fatalf("loss %+v, want 3 events from +2s to +4s with ENOSPC", loss)
	}
	if again := j.TakeLoss(); again.N != 0 {
		t.Fatalf("TakeLoss did not reset: %+v", again)
	}
	lines := journalLines(t, dir)
	for i, l := range lines {
		var e Event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %d is torn (%v): %q", i+1, err, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("want the two written records, got %d lines: %q", len(lines), lines)
	}
}

// When the torn part cannot be cut off, the next record still starts on a
// fresh line: the fragment is one bad line, not glued to a good record.
func TestJournalTornFragmentIsNotGluedToTheNextRecord(t *testing.T) {
	dir := t.TempDir()
	disk := &fullDisk{cutFails: true}
	j, err := openJournal(dir, 14, disk.open)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	disk.set(true)
	_ = j.Append(Event{Time: now, Kind: KindApp, Message: "lost"})
	disk.set(false)
	if err := j.Append(Event{Time: now.Add(time.Second), Kind: KindApp, Message: "kept"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	out, rep, err := LoadJournal(dir, now.Add(-time.Hour))
	if err != nil || len(out) != 1 || out[0].Message != "kept" || rep.Skipped != 1 {
		t.Fatalf("want the kept record and one skipped fragment, got %v %+v %+v", err, out, rep)
	}
}

// A file left with a partial last line (a crash mid-write) gets a newline
// before the next record.
func TestJournalReopenAfterTornTail(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	name := filepath.Join(dir, journalPrefix+now.Format(time.DateOnly)+journalSuffix)
	if err := os.WriteFile(name, []byte(`{"time":"2026-12-0`), 0o600); err != nil {
		t.Fatal(err)
	}
	j, _ := OpenJournal(dir, 14)
	if err := j.Append(Event{Time: now, Kind: KindApp, Message: "after"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	out, rep, _ := LoadJournal(dir, now.Add(-time.Hour))
	if len(out) != 1 || out[0].Message != "after" || rep.Skipped != 1 {
		t.Fatalf("record glued to the torn tail: %+v %+v", out, rep)
	}
}

// The supervisor reports a journal outage in its event stream: once when
// it starts, and with the count of lost events when writing works again.
func TestJournalOutageIsReportedAsEvents(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	dir := t.TempDir()
	disk := &fullDisk{}
	h := newHarness(t, sim, func(c *Config) {
		c.JournalDir = dir
		c.journalOpen = disk.open
	})
	h.waitState(0, StateConnected, 10*time.Second)
	from := h.mark()
	disk.set(true)
	h.waitFor("journal failure event", 5*time.Second, func(evs []Event) bool {
		return hasApp(evs[from:], SevWarning, "events are not being saved") >= 0
	})
	// Heartbeats (every 200 ms) keep producing events that are lost.
	h.waitFor("events lost", 5*time.Second, func(evs []Event) bool {
		n := 0
		for _, ev := range evs[from:] {
			if ev.Kind == KindHeartbeat {
				n++
			}
		}
		return n >= 3
	})
	mid := h.mark()
	disk.set(false)
	var notice Event
	h.waitFor("journal recovery event", 5*time.Second, func(evs []Event) bool {
		i := hasApp(evs[mid:], SevWarning, "could not be written")
		if i >= 0 {
			notice = evs[mid+i]
		}
		return i >= 0
	})
	if !strings.Contains(notice.Message, "no space left on device") || strings.Contains(notice.Message, "journal: 0 event") {
		t.Errorf("recovery event: %q", notice.Message)
	}
	h.close()
	for i, l := range journalLines(t, dir) {
		var e Event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("journal line %d is torn (%v): %q", i+1, err, l)
		}
	}
	if n := countApp(h.events(), "events are not being saved"); n != 1 {
		t.Errorf("failure reported %d times, want once per outage", n)
	}
}

// An events directory that cannot be created is a warning event, and the
// supervisor keeps running.
func TestJournalDirUnusableIsAWarning(t *testing.T) {
	sim := newSim(t, twsim.Config{})
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, sim, func(c *Config) { c.JournalDir = filepath.Join(file, "events") })
	h.waitState(0, StateConnected, 10*time.Second)
	if hasApp(h.events(), SevWarning, "not a directory") < 0 {
		t.Fatalf("no warning about the unusable events directory:\n%s", dump(h.events()))
	}
}

// hasApp returns the index of the first app event of severity sev whose
// message contains text, or -1.
func hasApp(evs []Event, sev Severity, text string) int {
	for i, ev := range evs {
		if ev.Kind == KindApp && ev.Severity == sev && strings.Contains(ev.Message, text) {
			return i
		}
	}
	return -1
}

func countApp(evs []Event, text string) int {
	n := 0
	for _, ev := range evs {
		if ev.Kind == KindApp && strings.Contains(ev.Message, text) {
			n++
		}
	}
	return n
}
