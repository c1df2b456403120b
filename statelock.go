package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// lockFileName is the lock file in the journal directory. It is never
// removed: removing a locked file would let a second instance lock a new
// file of the same name while the first still writes.
const lockFileName = "ibwatch.lock"

// journalLock is the exclusive lock on one journal directory, held for the
// life of the process: two instances appending to one journal interleaved
// their records. The operating system drops it when the process dies, so
// a crash leaves no stale lock.
type journalLock struct {
	f *os.File // nil: no journal, nothing locked
}

// lockHolder is what the lock file records about the instance holding it.
type lockHolder struct {
	PID   int       `json:"pid"`
	Since time.Time `json:"since"`
}

// errLockHeld is wrapped by the error of a directory another process holds.
var errLockHeld = errors.New("held by another process")

// inUseError says who holds the directory.
type inUseError struct {
	dir    string
	holder lockHolder // zero if the file could not be read
}

func (e *inUseError) Error() string {
	who := "another process"
	if e.holder.PID > 0 {
		who = fmt.Sprintf("pid %d (since %s)", e.holder.PID, e.holder.Since.Local().Format("2006-01-02 15:04:05"))
	}
	return fmt.Sprintf("%s is in use by %s; stop it or choose another --state-dir", e.dir, who)
}

func (e *inUseError) Unwrap() error { return errLockHeld }

// lockExitCode is 2 for a directory in use (like a bad flag: the user must
// choose), 1 for anything else.
func lockExitCode(err error) int {
	if errors.Is(err, errLockHeld) {
		return 2
	}
	return 1
}

// lockJournal takes the lock on dir without waiting, and records our pid
// and start time in it.
func lockJournal(dir string) (*journalLock, error) {
	if dir == "" {
		return &journalLock{}, nil
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	held, err := tryLock(f)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if held {
		e := &inUseError{dir: dir}
		if b, err := io.ReadAll(io.LimitReader(f, 4096)); err == nil {
			_ = json.Unmarshal(b, &e.holder) // unreadable: "another process"
		}
		_ = f.Close()
		return nil, e
	}
	b, _ := json.Marshal(lockHolder{PID: os.Getpid(), Since: time.Now()})
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(append(b, '\n'), 0)
	}
	// A record we could not write only makes a second instance's message
	// vaguer; the lock itself is what matters.
	return &journalLock{f: f}, nil
}

// Release gives the directory up (closing the file drops the lock).
func (l *journalLock) Release() {
	if l != nil && l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
}
