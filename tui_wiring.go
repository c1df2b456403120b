package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/twsim"
	"github.com/ibwatch/ibwatch/internal/config"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui"
	"github.com/ibwatch/ibwatch/tui/chain"
	"github.com/ibwatch/ibwatch/tui/scan"
	"github.com/ibwatch/ibwatch/tui/screen"
)

// runTUI runs the dashboard until the user quits or ctx ends, then stops the
// supervisor (which kills and reaps the link process) before returning.
// startup events (warnings found before the supervisor ran) follow the
// history in the event log.
func runTUI(ctx context.Context, s *config.Settings, sup *conn.Supervisor, cfg conn.Config, startup []conn.Event) int {
	history := append(loadHistory(cfg.JournalDir), startup...)
	noColor := s.NoColor || os.Getenv("NO_COLOR") != ""
	// Decide light/dark before the program owns the terminal: asking the
	// terminal later can stall (lipgloss issue #73).
	dark := true
	switch s.Background {
	case "light":
		dark = false
	case "dark":
	default:
		dark = noColor || theme.DetectDark()
	}
	styles := theme.New(theme.Options{NoColor: noColor, Dark: dark})

	// The Screen draws only when the view changed (Bubble Tea's renderer
	// would wake 60 times a second all night). It owns the terminal until
	// Close, deferred so that a panic restores the terminal too.
	scr, err := screen.Open(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ibwatch:", err)
		return 1
	}
	defer scr.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	supDone := make(chan error, 1)
	go func() { supDone <- sup.Run(ctx) }()

	chain := chain.New(chain.Options{
		Client: sup, Deals: s.Deals, Watchlist: s.Watchlist,
		Styles: styles, Context: ctx,
	})
	// The scan leaves a default chain's lines free under the budget.
	// The config's [scan] table gives the pane its selection, ranking,
	// filters and re-scan interval; the keys change them while it runs.
	scans := scan.New(scan.Options{Client: sup, Deals: s.Deals, Styles: styles, Context: ctx,
		Lines:     max(1, sup.Config().MaxLines-(2*scanner.DefaultStrikes+1)),
		Selection: s.Scan.Selection, PerDeal: s.PerDeal(), Sort: s.Scan.Sort, Filter: s.Scan.Filter, Every: s.Scan.Every})
	model := tui.New(tui.Options{
		Sup: sup, History: history, Styles: styles, Bell: s.Bell,
		BellFunc: func() { _, _ = os.Stdout.WriteString("\a") },
		LogPath:  s.LogFile, Context: ctx, Chain: chain, Scan: scans, IBC: cfg.IBC.On(),
	})
	// Without Bubble Tea's signal handler: main owns SIGINT, SIGTERM and
	// SIGHUP (they cancel ctx, which ends the program). With both listening,
	// Bubble Tea's handler could take the signal after its event loop had
	// already ended on ctx and block for ever sending into it, and Run
	// waits for that handler: the process hung with a frozen screen.
	opts := append(scr.ProgramOptions(), tea.WithContext(ctx), tea.WithoutSignalHandler())
	p := tea.NewProgram(scr.Model(model), opts...)
	_, runErr := p.Run()
	closeErr := scr.Close()
	interrupted := ctx.Err() != nil // a signal, not a failure
	chain.Close()                   // frees the chain's lines while the supervisor still runs
	scans.Close()                   // and the scan's
	cancel()
	supErr := <-supDone
	// The terminal is ours again: errors may be printed now.
	if msg := scr.Panic(); msg != "" {
		fmt.Fprintln(os.Stderr, "ibwatch:", msg)
		return 1
	}
	if runErr != nil && !interrupted {
		fmt.Fprintln(os.Stderr, "ibwatch:", runErr)
		return 1
	}
	if closeErr != nil && interrupted {
		// After SIGHUP the terminal is gone: giving it back cannot work and
		// is no failure of ours. Said in the log, in case it was another signal.
		slog.Warn("terminal not restored after the stop signal", "err", closeErr)
	} else if closeErr != nil {
		fmt.Fprintln(os.Stderr, "ibwatch:", closeErr)
		return 1
	}
	if supErr != nil {
		fmt.Fprintln(os.Stderr, "ibwatch:", supErr)
		return 1
	}
	return 0
}

// loadHistory reads the last 24 hours of the journal; problems become an
// event in the log rather than a failure.
func loadHistory(dir string) []conn.Event {
	if dir == "" {
		return nil
	}
	now := time.Now()
	evs, rep, err := conn.LoadJournal(dir, now.Add(-24*time.Hour))
	if err != nil || rep.Skipped > 0 {
		msg := fmt.Sprintf("event history: skipped %d unreadable line(s)", rep.Skipped)
		if err != nil {
			msg = "event history could not be read: " + err.Error()
		} else if len(rep.Errors) > 0 {
			msg += " (first: " + rep.Errors[0] + ")"
		}
		evs = append(evs, conn.Event{Time: now, Kind: conn.KindApp, Severity: conn.SevWarning, Message: conn.Sanitize(msg)})
	}
	return evs
}

// demoDeals are the simulator's pending takeovers, so that --demo shows the
// merger-arbitrage lens for them without any configuration.
func demoDeals(sim *twsim.Server) []scanner.Deal {
	var out []scanner.Deal
	for _, s := range sim.Universe().Stocks() {
		if s.Deal != nil {
			out = append(out, scanner.Deal{Symbol: s.Symbol, Price: s.Deal.Price,
				ExpectedClose: s.Deal.ExpectedClose, BreakPrice: s.Deal.BreakPrice})
		}
	}
	return out
}
