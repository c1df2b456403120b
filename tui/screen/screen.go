// Package screen draws a Bubble Tea program on the terminal and wakes only
// when the view changed, in place of Bubble Tea's standard renderer (which
// repaints 60 times a second whether or not anything changed).
//
// Open takes the terminal over; Screen.Model wraps the program's model and
// Screen.ProgramOptions are the options to run it with; Close gives the
// terminal back, and Panic tells what ended the program if it crashed.
// Attach does the same on a terminal the caller manages (a pty, a remote
// session), which reports size changes through Screen.Resized. Nothing in
// the package knows the dashboard.
package screen

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// paintGap is the shortest time between two paints: frames that arrive
// closer together are merged (see renderer). 16 ms is one frame at 60 Hz,
// well under what a typist can notice.
const paintGap = 16 * time.Millisecond

// Screen owns the terminal while the program runs and draws it in place
// of Bubble Tea's standard renderer.
//
// Why: Bubble Tea v1.3's renderer repaints on a 60 Hz ticker for as long as
// the program runs, whether or not anything changed. On a small VM, where a
// goroutine wake-up costs a few hundred microseconds, that ticker alone
// burns ~9 s of CPU per idle 10 minutes. The Screen wakes only when the
// view changed: the model returned by Model hands each new frame to a
// renderer goroutine, which writes the rows that differ and then sleeps.
//
// The program must run with ProgramOptions (tea.WithoutRenderer and the
// Screen's input). Bubble Tea then still reads keys and runs Update and
// View, but leaves the terminal alone, so the Screen does what its
// renderer did: raw input mode, the alternate screen, a hidden cursor,
// bracketed paste, the window size (SIGWINCH → tea.WindowSizeMsg, with a
// full repaint) and the window title (OSC 2, from the model's
// WindowTitle). Commands that act through Bubble Tea's renderer
// (tea.EnterAltScreen, tea.ClearScreen, tea.SetWindowTitle, tea.Println,
// mouse modes) do nothing under a Screen; the dashboard uses none of them.
//
// Where SIGWINCH does not exist (Windows) Open falls back to Bubble
// Tea's own renderer, which sees resizes through the console.
//
// The caller closes the Screen after Program.Run returns, with defer so a
// panic restores the terminal too.
type Screen struct {
	fallback bool     // Bubble Tea's renderer draws; the Screen only passes titles
	in       *os.File // the keyboard, in raw mode while open
	ownIn    bool     // in was opened here (/dev/tty): Close closes it
	inState  *term.State
	out      io.Writer
	size     func() (w, h int, err error)
	winch    chan os.Signal
	r        *renderer
	failed   chan struct{} // closed when the renderer died of a panic

	// lastView is the last view posted. Only View touches it, and Bubble
	// Tea calls View from its event loop goroutine alone.
	lastView *screenFrame

	pmu      sync.Mutex
	panicMsg string // the first panic in the model or the renderer, with its stack

	closeOnce sync.Once
	closeErr  error
}

// Open takes over the terminal: in is the keyboard (nil or not a
// terminal: /dev/tty, as Bubble Tea does), out the terminal to draw on.
// It enters raw mode and the alternate screen at once; Close undoes both.
func Open(in, out *os.File) (*Screen, error) {
	if !ownRenderer {
		return &Screen{fallback: true, in: in}, nil
	}
	if in == nil || !term.IsTerminal(in.Fd()) {
		if tty, err := os.Open("/dev/tty"); err == nil {
			s, err := openScreen(tty, true, out)
			if err != nil {
				_ = tty.Close()
			}
			return s, err
		}
	}
	return openScreen(in, false, out)
}

// Attach draws on a terminal the caller set up: out receives the drawing,
// size reports its size, and in (nil: none) is the keyboard, left in the
// mode it is in. Like Open it enters the alternate screen at once and Close
// leaves it. Where the terminal does not signal this process on a resize
// (SIGWINCH), the caller reports it with Resized.
func Attach(in *os.File, out io.Writer, size func() (w, h int, err error)) (*Screen, error) {
	s := newScreen(in, out, size)
	if err := s.begin(); err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	return s, nil
}

func openScreen(in *os.File, ownIn bool, out *os.File) (*Screen, error) {
	s := newScreen(in, out, func() (int, int, error) { return term.GetSize(out.Fd()) })
	s.ownIn = ownIn
	if in != nil && term.IsTerminal(in.Fd()) {
		st, err := term.MakeRaw(in.Fd())
		if err != nil {
			return nil, fmt.Errorf("terminal raw mode: %w", err)
		}
		s.inState = st
	}
	if err := s.begin(); err != nil {
		_ = s.restoreInput()
		return nil, fmt.Errorf("terminal: %w", err)
	}
	return s, nil
}

// newScreen builds a Screen that draws on out; begin takes the screen
// over.
func newScreen(in *os.File, out io.Writer, size func() (int, int, error)) *Screen {
	return &Screen{in: in, out: out, size: size, winch: make(chan os.Signal, 1),
		r: newRenderer(out, paintGap), failed: make(chan struct{})}
}

// begin enters the alternate screen, hides the cursor, asks for bracketed
// paste, and starts the renderer and the resize signal.
func (s *Screen) begin() error {
	if _, err := io.WriteString(s.out, seqAltScreenOn+seqClearHome+seqCursorHide+seqPasteOn); err != nil {
		return err
	}
	notifyResize(s.winch)
	go s.r.run(func(v any) {
		s.recordPanic(v, debug.Stack())
		close(s.failed)
	})
	return nil
}

// ProgramOptions are the options the program needs to run on this Screen.
func (s *Screen) ProgramOptions() []tea.ProgramOption {
	if s.fallback {
		return []tea.ProgramOption{tea.WithAltScreen()}
	}
	return []tea.ProgramOption{tea.WithoutRenderer(), tea.WithInput(s.in)}
}

// Close stops drawing and gives the terminal back as it was: main screen,
// visible cursor, cooked input. It is safe to call more than once.
func (s *Screen) Close() error {
	if s.fallback {
		return nil
	}
	s.closeOnce.Do(func() {
		signal.Stop(s.winch)
		close(s.r.done)
		<-s.r.ended // nothing writes to the terminal after this
		_, err := io.WriteString(s.out, seqPasteOff+seqCursorShow+seqAltScreenOff)
		s.closeErr = errors.Join(err, s.restoreInput())
	})
	return s.closeErr
}

// Resized tells the Screen that its terminal changed size: it reads the
// size again and repaints everything, as on SIGWINCH. It does not block.
func (s *Screen) Resized() {
	select {
	case s.winch <- resizeNote{}:
	default: // a resize is pending already; it reads the newest size
	}
}

// resizeNote is what Resized puts where SIGWINCH arrives otherwise.
type resizeNote struct{}

func (resizeNote) String() string { return "resize" }
func (resizeNote) Signal()        {}

func (s *Screen) restoreInput() error {
	var err error
	if s.inState != nil {
		if e := term.Restore(s.in.Fd(), s.inState); e != nil {
			err = fmt.Errorf("terminal restore: %w", e)
		}
		s.inState = nil
	}
	if s.ownIn {
		_ = s.in.Close()
		s.ownIn = false
	}
	return err
}

// Panic is the first panic seen in the model's Init, Update or View or in
// the renderer, with its stack ("" if none). Bubble Tea recovers such a
// panic and prints it while the alternate screen still shows, where it
// vanishes; the caller prints this after Close instead.
func (s *Screen) Panic() string {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	return s.panicMsg
}

func (s *Screen) recordPanic(v any, stack []byte) {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	if s.panicMsg == "" {
		s.panicMsg = fmt.Sprintf("panic: %v\n\n%s", v, stack)
	}
}

// catch records a panic on its way up and lets it go on: Bubble Tea
// recovers it and ends the program, and Close restores the terminal.
// It must be deferred directly.
func (s *Screen) catch() {
	if v := recover(); v != nil {
		s.recordPanic(v, debug.Stack())
		panic(v)
	}
}
