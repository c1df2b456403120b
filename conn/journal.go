package conn

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Journal appends events as JSON lines to daily files named
// events-YYYY-MM-DD.jsonl (local date of the event) in one directory, and
// prunes files older than the retention. Each event is written with one
// write(2) and no user-space buffering, so a crash loses nothing that was
// already handed to a consumer.
//
// A Journal is used by one goroutine (the publisher).
type Journal struct {
	dir       string
	retention int
	f         *os.File
	day       string
}

const journalPrefix, journalSuffix = "events-", ".jsonl"

// OpenJournal prepares dir (created if needed) for appending.
func OpenJournal(dir string, retentionDays int) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if retentionDays <= 0 {
		retentionDays = 14
	}
	return &Journal{dir: dir, retention: retentionDays}, nil
}

// Append writes ev as one line.
func (j *Journal) Append(ev Event) error {
	day := ev.Time.Local().Format(time.DateOnly)
	if j.f == nil || day != j.day {
		if err := j.rotate(day, ev.Time); err != nil {
			return err
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = j.f.Write(append(b, '\n'))
	return err
}

func (j *Journal) rotate(day string, now time.Time) error {
	if j.f != nil {
		_ = j.f.Close()
		j.f = nil
	}
	f, err := os.OpenFile(filepath.Join(j.dir, journalPrefix+day+journalSuffix), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.f, j.day = f, day
	j.prune(now)
	return nil
}

// prune removes daily files older than the retention.
func (j *Journal) prune(now time.Time) {
	cutoff := now.Local().AddDate(0, 0, -j.retention).Format(time.DateOnly)
	for _, name := range journalFiles(j.dir) {
		day := strings.TrimSuffix(strings.TrimPrefix(name, journalPrefix), journalSuffix)
		if day < cutoff {
			_ = os.Remove(filepath.Join(j.dir, name))
		}
	}
}

// Close closes the current file.
func (j *Journal) Close() error {
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

func journalFiles(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() && strings.HasPrefix(n, journalPrefix) && strings.HasSuffix(n, journalSuffix) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// LoadReport says what LoadJournal skipped.
type LoadReport struct {
	Files   int
	Events  int
	Skipped int      // corrupt or truncated lines
	Errors  []string // the first few problems, "file:line: what"
}

// LoadJournal reads the events at or after since from dir, oldest first.
// Truncated and corrupt lines are skipped and reported, never fatal; a
// missing directory is an empty history.
func LoadJournal(dir string, since time.Time) ([]Event, LoadReport, error) {
	var rep LoadReport
	var out []Event
	firstDay := since.Local().AddDate(0, 0, -1).Format(time.DateOnly)
	for _, name := range journalFiles(dir) {
		day := strings.TrimSuffix(strings.TrimPrefix(name, journalPrefix), journalSuffix)
		if day < firstDay {
			continue
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			rep.note(name, 0, err.Error())
			continue
		}
		rep.Files++
		evs, err := decodeJournal(f, name, since, &rep)
		_ = f.Close()
		if err != nil {
			rep.note(name, 0, err.Error())
		}
		out = append(out, evs...)
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.Time.Compare(b.Time) })
	rep.Events = len(out)
	return out, rep, nil
}

// DecodeJournal reads events from r (one JSON object per line), skipping
// and counting bad lines; it is what LoadJournal uses per file.
func DecodeJournal(r io.Reader, since time.Time) ([]Event, LoadReport) {
	var rep LoadReport
	evs, err := decodeJournal(r, "input", since, &rep)
	if err != nil {
		rep.note("input", 0, err.Error())
	}
	rep.Events = len(evs)
	return evs, rep
}

func decodeJournal(r io.Reader, name string, since time.Time, rep *LoadReport) ([]Event, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []Event
	for line := 1; ; line++ {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// An absurdly long line: skip to its end.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			rep.note(name, line, "line too long")
			if err != nil {
				break
			}
			continue
		}
		if len(b) > 0 {
			var ev Event
			if uerr := json.Unmarshal(b, &ev); uerr != nil || ev.Time.IsZero() {
				reason := "no time"
				if uerr != nil {
					reason = uerr.Error()
				}
				if err != nil && b[len(b)-1] != '\n' {
					reason = "truncated last line"
				}
				rep.note(name, line, reason)
			} else if !ev.Time.Before(since) {
				ev.Message = Sanitize(ev.Message)
				ev.Explain = Sanitize(ev.Explain)
				out = append(out, ev)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
	}
	return out, nil
}

func (r *LoadReport) note(file string, line int, what string) {
	r.Skipped++
	if len(r.Errors) < 10 {
		r.Errors = append(r.Errors, fmt.Sprintf("%s:%d: %s", file, line, what))
	}
}

// publisher is the goroutine between the supervisor and consumers: it
// appends each event to the journal, then hands it on.
type publisher struct {
	in  <-chan Event
	out chan<- Event
	j   *Journal
	log func(msg string, args ...any)
	obs func(Event)
	met *metricsState
	mu  *sync.Mutex
}

func newPublisher(cfg Config, in <-chan Event, out chan<- Event, met *metricsState, mu *sync.Mutex) (*publisher, error) {
	p := &publisher{in: in, out: out, log: cfg.Logger.Error, obs: cfg.OnEvent, met: met, mu: mu}
	if cfg.JournalDir == "" {
		return p, nil
	}
	j, err := OpenJournal(cfg.JournalDir, cfg.JournalRetention)
	if err != nil {
		return p, err
	}
	p.j = j
	return p, nil
}

func (p *publisher) run() {
	defer close(p.out)
	if p.j != nil {
		defer p.j.Close()
	}
	failed := false
	for ev := range p.in {
		if p.j != nil {
			if err := p.j.Append(ev); err != nil && !failed {
				failed = true // log once per outage of the disk
				p.log("journal write failed", "err", err)
			} else if err == nil {
				failed = false
			}
		}
		if p.obs != nil {
			p.obs(ev)
		}
		select {
		case p.out <- ev:
			continue
		default:
		}
		if ev.Kind == KindState {
			// State changes must arrive: give a slow consumer a moment.
			t := time.NewTimer(time.Second)
			select {
			case p.out <- ev:
				t.Stop()
				continue
			case <-t.C:
			}
		}
		p.met.with(p.mu, func(m *metricsState) { m.dropped++ })
	}
}
