package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
)

// connEventMsg is one event received from the supervisor.
type connEventMsg struct{ ev conn.Event }

// streamClosedMsg says the supervisor's event channel is closed: the
// supervisor stopped and nothing more will arrive.
type streamClosedMsg struct{}

// snapshotMsg carries the supervisor's Status and Metrics, fetched by a Cmd
// when the clock ticks or after an event, and the clock reading taken at
// the same moment.
type snapshotMsg struct {
	now     time.Time
	status  conn.Status
	metrics conn.Metrics
	seq     uint64 // the tick chain it belongs to (tick.go); 0: a one-off after an event
}

// waitEventCmd waits for one event. It is the only receiver on the channel;
// Update re-arms it after each event. It also ends when ctx does, because
// Bubble Tea cannot cancel a running Cmd.
func waitEventCmd(ctx context.Context, ch <-chan conn.Event) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case ev, ok := <-ch:
			if !ok {
				return streamClosedMsg{}
			}
			return connEventMsg{ev: ev}
		case <-ctx.Done():
			return nil
		}
	}
}

// snapshotCmd reads Status and Metrics after delay (zero: at once). The
// supervisor's getters run here, in the Cmd goroutine, never in Update.
func snapshotCmd(ctx context.Context, sup Supervisor, now func() time.Time, delay time.Duration, seq uint64) tea.Cmd {
	if sup == nil {
		return nil
	}
	return func() tea.Msg {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil
			}
		}
		return snapshotMsg{now: now(), status: sup.Status(), metrics: sup.Metrics(), seq: seq}
	}
}

// reconnectCmd asks the supervisor to reconnect now. The method does not
// block; the outcome arrives later as ordinary state events.
func reconnectCmd(sup Supervisor) tea.Cmd {
	if sup == nil {
		return nil
	}
	return func() tea.Msg {
		sup.ReconnectNow()
		return nil
	}
}

// ibcAskedMsg says whether the supervisor took a request for IBC (AskIBC).
// IBC's answer comes later, as an event.
type ibcAskedMsg struct {
	cmd ibc.Command
	err error
}

// askIBCCmd hands cmd to the supervisor, which sends it to IBC from its
// own goroutine; AskIBC does not block.
func askIBCCmd(sup Supervisor, cmd ibc.Command) tea.Cmd {
	if sup == nil {
		return nil
	}
	return func() tea.Msg { return ibcAskedMsg{cmd: cmd, err: sup.AskIBC(cmd)} }
}

// bellCmd rings the terminal bell through the function main injected (which
// writes "\a" to the terminal: it moves no cursor and prints nothing).
func bellCmd(f func()) tea.Cmd {
	if f == nil {
		return nil
	}
	return func() tea.Msg {
		f()
		return nil
	}
}
