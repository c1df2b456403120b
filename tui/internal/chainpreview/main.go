// Command chainpreview runs the option-chain pane against the real thing
// without TWS: the simulator (conn/twsim) in-process, a real
// conn.Supervisor with its link process, and the dashboard with the chain
// pane wired in (or the chain pane alone with -alone), so humans can try
// the search, the chain and the lens in tmux at several sizes:
//
//	go run ./tui/internal/chainpreview               # dashboard, tab to the chain
//	go run ./tui/internal/chainpreview -alone        # the chain pane only
//	curl -X POST '127.0.0.1:7491/fault/restart?down=3s'   # TWS restarts: stale → live
//
// The link binary is built into a temporary directory unless -link names
// one. Logs go to -log, never to the terminal. It is a development tool,
// not part of the ibwatch binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/twsim"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui"
	"github.com/ibwatch/ibwatch/tui/chain"
)

func main() { os.Exit(run()) }

func run() int {
	alone := flag.Bool("alone", false, "show the chain pane alone, without the dashboard")
	noColor := flag.Bool("no-color", false, "no colours")
	light := flag.Bool("light", false, "light background")
	linkBin := flag.String("link", "", "link binary (default: build conn/link/cmd/ibwatch-link)")
	control := flag.String("control", "127.0.0.1:7491", "simulator control API address (loopback); empty: none")
	logPath := flag.String("log", filepath.Join(os.TempDir(), "ibwatch-chainpreview.log"), "log file")
	flag.Parse()

	logf, err := os.Create(*logPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chainpreview:", err)
		return 1
	}
	defer logf.Close()
	lg := slog.New(slog.NewTextHandler(logf, nil))
	bin := *linkBin
	if bin == "" {
		dir, err := os.MkdirTemp("", "chainpreview")
		if err != nil {
			fmt.Fprintln(os.Stderr, "chainpreview:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		if bin, err = buildLink(dir); err != nil {
			fmt.Fprintln(os.Stderr, "chainpreview:", err)
			return 1
		}
	}
	sim := twsim.New(twsim.Config{Listen: "127.0.0.1:0", Logger: lg.With("component", "sim")})
	if err := sim.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "chainpreview: simulator:", err)
		return 1
	}
	defer sim.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if *control != "" {
		stop, err := serveControl(*control, sim)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chainpreview: control API:", err)
			return 1
		}
		defer stop()
	}
	sup, err := conn.New(conn.Config{Host: "127.0.0.1", Port: sim.Port(), ClientIDs: []int64{41, 42, 43},
		LinkCommand: []string{bin, "link"}, LinkStderr: logf, Logger: lg.With("component", "conn")})
	if err != nil {
		fmt.Fprintln(os.Stderr, "chainpreview:", err)
		return 1
	}
	supDone := make(chan error, 1)
	go func() { supDone <- sup.Run(ctx) }()

	st := theme.New(theme.Options{NoColor: *noColor || theme.NoColorEnv(), Dark: !*light})
	chain := chain.New(chain.Options{Client: sup, Deals: simDeals(sim), Watchlist: []string{"SPY", "AAPL"},
		Styles: st, Context: ctx})
	var model tea.Model
	if *alone {
		model = &alonePane{pane: chain, st: st, sup: sup, ctx: ctx}
	} else {
		model = tui.New(tui.Options{Sup: sup, Styles: st, Context: ctx, Chain: chain, LogPath: *logPath})
	}
	_, runErr := tea.NewProgram(model, tea.WithAltScreen()).Run()
	chain.Close()
	cancel()
	supErr := <-supDone
	if runErr != nil || supErr != nil {
		fmt.Fprintln(os.Stderr, "chainpreview:", errors.Join(runErr, supErr))
		return 1
	}
	return 0
}

// buildLink builds the link process binary into dir.
func buildLink(dir string) (string, error) {
	bin := filepath.Join(dir, "ibwatch-link")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/ibwatch/ibwatch/conn/link/cmd/ibwatch-link")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the link binary: %v\n%s", err, out)
	}
	return bin, nil
}

// simDeals are the simulator's deal stocks as config deals.
func simDeals(sim *twsim.Server) []scanner.Deal {
	var out []scanner.Deal
	for _, s := range sim.Universe().Stocks() {
		if s.Deal != nil {
			out = append(out, scanner.Deal{Symbol: s.Symbol, Price: s.Deal.Price, ExpectedClose: s.Deal.ExpectedClose,
				BreakPrice: s.Deal.BreakPrice})
		}
	}
	return out
}

// serveControl serves the simulator's fault API on a loopback address.
func serveControl(addr string, sim *twsim.Server) (func(), error) {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%q is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	return func() { _ = srv.Close(); <-done }, nil
}

// alonePane shows the chain pane by itself, focused, with its help line:
// the smallest host a Pane needs (size, keys, its messages, quit).
type alonePane struct {
	pane tui.Pane
	st   *theme.Styles
	sup  *conn.Supervisor
	ctx  context.Context
	w, h int
}

func (m *alonePane) Init() tea.Cmd {
	m.pane.Focus()
	return drainEvents(m.ctx, m.sup)
}

func (m *alonePane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.pane.SetSize(m.w, max(1, m.h-2))
		return m, nil
	case tea.KeyMsg:
		if key.Matches(msg, interrupt) || (!m.pane.Typing() && key.Matches(msg, quit)) {
			return m, tea.Quit
		}
	case eventMsg:
		return m, drainEvents(m.ctx, m.sup)
	}
	var cmd tea.Cmd
	m.pane, cmd = m.pane.Update(msg)
	return m, cmd
}

func (m *alonePane) View() string {
	h := help.New()
	h.Styles = m.st.Help
	h.Width = m.w
	return m.st.Bold.Render(" "+m.pane.Title()) + "\n" + m.pane.View() + "\n" + h.ShortHelpView(m.pane.ShortHelp())
}

var (
	quit      = key.NewBinding(key.WithKeys("q"))
	interrupt = key.NewBinding(key.WithKeys("ctrl+c"))
)

// eventMsg says one supervisor event was read (and dropped: the pane
// alone shows no log, but the channel must be drained).
type eventMsg struct{}

func drainEvents(ctx context.Context, sup *conn.Supervisor) tea.Cmd {
	return func() tea.Msg {
		select {
		case _, ok := <-sup.Events():
			if !ok {
				return nil
			}
			return eventMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}
