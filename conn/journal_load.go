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
	"time"
)

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
