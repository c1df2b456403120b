package scan

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
)

// runner runs one scan of deals; fresh forgets the cached option
// listings first (a re-scan sees listings that changed). New wraps
// scanner.Scan over the pane's Fetcher; the pure tests pass a fake. It is
// called from a Cmd goroutine only.
type runner func(ctx context.Context, deals []scanner.Deal, o scanner.ScanOptions, fresh bool) (scanner.ScanResult, error)

// fetcherRunner scans through f.
func fetcherRunner(f *scanner.Fetcher) runner {
	return func(ctx context.Context, deals []scanner.Deal, o scanner.ScanOptions, fresh bool) (scanner.ScanResult, error) {
		if fresh {
			f.Refresh("")
		}
		return scanner.Scan(ctx, f, deals, o)
	}
}

// run is one scan under way. Update owns the struct; the scan's goroutine
// only sends on prog and closes done.
type run struct {
	gen    uint64
	cancel context.CancelFunc
	// prog holds the latest progress (capacity 1: an older one not yet
	// read is replaced, so the scan never waits for the screen).
	prog chan scanner.Progress
	// done is closed when the scan returned: its lines are all closed.
	done    chan struct{}
	stopped bool // the user stopped it (x)
}

// latest puts p in r.prog, replacing a value not yet read. Only the
// scan's goroutine sends, so the send after the drain never blocks.
func (r *run) latest(p scanner.Progress) {
	select {
	case r.prog <- p:
	default:
		select {
		case <-r.prog:
		default:
		}
		r.prog <- p
	}
}

// Messages of the scan pane. Each carries the generation of the scan (or
// the sequence of the re-scan timer) it belongs to; Update drops the rest.
type (
	// progressMsg is where the scan gen stands.
	progressMsg struct {
		gen uint64
		p   scanner.Progress
	}
	// doneMsg is the outcome of scan gen: the result (partial when err is
	// set) and why it ended early.
	doneMsg struct {
		gen uint64
		res scanner.ScanResult
		err error
	}
	// rescanMsg says the re-scan interval of timer seq has passed.
	rescanMsg struct{ seq uint64 }
)

// scanCmd runs the scan of r in its Cmd and returns its outcome. ctx is
// the run's own context: stop (x) and the dashboard's end cancel it.
func scanCmd(ctx context.Context, r *run, fn runner, deals []scanner.Deal, o scanner.ScanOptions, fresh bool) tea.Cmd {
	return func() tea.Msg {
		defer close(r.done)
		defer r.cancel()
		o.Progress = r.latest
		res, err := fn(ctx, deals, o, fresh)
		return doneMsg{gen: r.gen, res: res, err: err}
	}
}

// waitProgressCmd is the one Cmd waiting for the next progress of r; it
// ends without a message when the scan is over.
func waitProgressCmd(r *run) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-r.prog:
			return progressMsg{gen: r.gen, p: p}
		case <-r.done:
			return nil
		}
	}
}

// rescanCmd waits d, then asks for a re-scan; it ends without a message
// when stop is closed (the interval changed, a scan started by hand) or
// ctx ends.
func rescanCmd(ctx context.Context, seq uint64, d time.Duration, stop <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return rescanMsg{seq: seq}
		case <-stop:
		case <-ctx.Done():
		}
		return nil
	}
}
