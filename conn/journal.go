package conn

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Journal appends events as JSON lines to daily files named
// events-YYYY-MM-DD.jsonl (local date of the event) in one directory, and
// prunes files older than the retention. Each event is written with one
// write(2) and no user-space buffering, so a crash loses nothing that was
// already handed to a consumer.
//
// A record is a whole line or nothing: a write that fails part-way (a full
// disk) is cut off again, and if even that fails the next record starts on
// a fresh line, so one torn record never swallows the next. Records that
// could not be written are counted (TakeLoss).
//
// A Journal is used by one goroutine (the publisher).
type Journal struct {
	dir       string
	retention int
	open      func(name string) (journalFile, error)
	f         journalFile
	day       string
	size      int64 // bytes in f that end in a whole line; -1 if unknown
	torn      bool  // f may end in a partial line we could not cut off
	lost      JournalLoss
}

// journalFile is what the journal needs of an open file (*os.File has it);
// tests substitute one that fails like a full disk.
type journalFile interface {
	io.Writer
	io.ReaderAt
	Truncate(size int64) error
	Stat() (os.FileInfo, error)
	Close() error
}

// JournalLoss counts the records that could not be written since the last
// TakeLoss.
type JournalLoss struct {
	N           int
	First, Last time.Time // times of the first and last lost events
	Err         error     // the last write error
}

const journalPrefix, journalSuffix = "events-", ".jsonl"

// OpenJournal prepares dir (created if needed) for appending.
func OpenJournal(dir string, retentionDays int) (*Journal, error) {
	return openJournal(dir, retentionDays, openJournalFile)
}

func openJournal(dir string, retentionDays int, open func(string) (journalFile, error)) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if retentionDays <= 0 {
		retentionDays = 14
	}
	if open == nil {
		open = openJournalFile
	}
	return &Journal{dir: dir, retention: retentionDays, open: open}, nil
}

// openJournalFile opens a daily file for appending; read access lets the
// journal check whether the file ends in a torn line.
func openJournalFile(name string) (journalFile, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Append writes ev as one whole line, or nothing (and counts it as lost).
func (j *Journal) Append(ev Event) error {
	err := j.write(ev)
	if err != nil {
		if j.lost.N == 0 {
			j.lost.First = ev.Time
		}
		j.lost.N++
		j.lost.Last, j.lost.Err = ev.Time, err
	}
	return err
}

// TakeLoss returns the records lost since the last call and starts a new count.
func (j *Journal) TakeLoss() JournalLoss {
	l := j.lost
	j.lost = JournalLoss{}
	return l
}

func (j *Journal) write(ev Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	day := ev.Time.Local().Format(time.DateOnly)
	if j.f == nil || day != j.day {
		if err := j.rotate(day, ev.Time); err != nil {
			return err
		}
	}
	line := make([]byte, 0, len(b)+2)
	if j.torn {
		line = append(line, '\n') // end the fragment: it stays one bad line
	}
	line = append(append(line, b...), '\n')
	n, err := j.f.Write(line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if err == nil {
		j.torn = false
		if j.size >= 0 {
			j.size += int64(n)
		}
		return nil
	}
	if n > 0 {
		j.cut(int64(n))
	}
	return fmt.Errorf("journal: %w", err)
}

// cut removes the n bytes of a partly written line; if it cannot, the next
// record starts with a newline.
func (j *Journal) cut(n int64) {
	if j.size >= 0 && j.f.Truncate(j.size) == nil {
		return
	}
	if j.size >= 0 {
		j.size += n
	}
	j.torn = true
}

func (j *Journal) rotate(day string, now time.Time) error {
	if j.f != nil {
		_ = j.f.Close()
		j.f = nil
	}
	f, err := j.open(filepath.Join(j.dir, journalPrefix+day+journalSuffix))
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.f, j.day, j.size, j.torn = f, day, -1, false
	if fi, err := f.Stat(); err == nil {
		j.size = fi.Size()
		// A crash or an earlier full disk may have left a partial last line.
		last := make([]byte, 1)
		if j.size > 0 {
			if _, err := f.ReadAt(last, j.size-1); err == nil && last[0] != '\n' {
				j.torn = true
			}
		}
	}
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
