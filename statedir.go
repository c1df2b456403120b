package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// prepareStateDir creates the state and journal directories (private:
// they hold the trading night's history and the log) and returns a
// warning for each one that already existed with permissions for group or
// others: it is the user's directory, so it is kept as it is, but said.
func prepareStateDir(stateDir, journalDir string) ([]string, error) {
	var warnings []string
	for _, dir := range []string{stateDir, journalDir} {
		if dir == "" {
			continue
		}
		if w := loosePermissions(dir); w != "" {
			warnings = append(warnings, w)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

// loosePermissions describes an existing directory that group or others
// may read, write or enter ("" if it is private or does not exist yet).
// Windows has no such mode bits (ACLs instead): nothing to say there.
func loosePermissions(dir string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return ""
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Sprintf("%s has permissions %04o: other users may read the event history and log; run chmod 700 %s", dir, perm, dir)
	}
	return ""
}

// startupEvents turns warnings found before the supervisor ran into
// events, shown in the dashboard's event log and the headless stream.
func startupEvents(warnings []string) []conn.Event {
	now := time.Now()
	var evs []conn.Event
	for _, w := range warnings {
		evs = append(evs, conn.Event{Time: now, Kind: conn.KindApp, Severity: conn.SevWarning, Message: conn.Sanitize(w)})
	}
	return evs
}
