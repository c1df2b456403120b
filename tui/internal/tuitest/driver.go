package tuitest

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// Driver is a small Bubble Tea runtime for one pane in the live tests: it
// runs every Cmd in its own goroutine, as Bubble Tea does, and applies the
// messages to the pane on the test goroutine only. Cmds end by themselves
// or when ctx does; Wait collects them.
type Driver struct {
	t    *testing.T
	p    pane.Model
	ctx  context.Context
	msgs chan tea.Msg
	wg   sync.WaitGroup
}

// NewDriver drives p; ctx is the pane's context (cancel it before Wait).
func NewDriver(t *testing.T, ctx context.Context, p pane.Model) *Driver {
	return &Driver{t: t, p: p, ctx: ctx, msgs: make(chan tea.Msg, 64)}
}

// Run starts cmd (and each Cmd of a batch) in the background.
func (d *Driver) Run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		msg := cmd()
		if msg == nil {
			return
		}
		select {
		case d.msgs <- msg:
		case <-d.ctx.Done():
		}
	}()
}

// Send applies msg to the pane and runs the Cmd it returns.
func (d *Driver) Send(msg tea.Msg) {
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			d.Run(c)
		}
		return
	}
	var cmd tea.Cmd
	d.p, cmd = d.p.Update(msg)
	d.Run(cmd)
}

// Until applies messages as they come until cond holds, or fails after
// timeout showing the pane.
func (d *Driver) Until(what string, timeout time.Duration, cond func() bool) {
	d.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.Send(msg)
		case <-deadline.C:
			d.t.Fatalf("timed out after %v waiting for %s; screen:\n%s", timeout, what, d.p.View())
		}
	}
}

// Wait ends the driver: it drops late messages until every Cmd returned
// (the caller has cancelled ctx).
func (d *Driver) Wait() {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	for {
		select {
		case <-d.msgs:
		case <-done:
			return
		}
	}
}
