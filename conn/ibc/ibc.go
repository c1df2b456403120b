// Package ibc is a client for IBC's command server. IBC (the program that
// runs TWS or IB Gateway unattended) listens, when its setting
// CommandServerPort is non-zero, for plain-text commands: one command per
// line, answered by one line "OK <text>" or "ERROR <text>". IBC may also
// send "INFO <text>" lines (unless SuppressInfoMessages=yes, its default)
// and a prompt (CommandPrompt, written without a newline before each
// command is read). EXIT ends the command connection (not TWS); STOP shuts
// TWS down for good, which a watcher must never ask for.
//
// The client sends one command per connection: dial with a deadline, write
// the command line, read lines until OK or ERROR with a deadline, then say
// EXIT and close. Every failure is one of the typed errors below.
package ibc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Command is a command ibwatch may send to IBC.
type Command string

// The commands ibwatch sends. STOP and ENABLEAPI are left out on purpose:
// STOP ends TWS with nothing to bring it back.
const (
	// ReconnectData makes TWS reconnect its market and historical data
	// farms (TWS's Ctrl+Alt+F).
	ReconnectData Command = "RECONNECTDATA"
	// ReconnectAccount makes TWS reconnect to IB's servers (Ctrl+Alt+R).
	ReconnectAccount Command = "RECONNECTACCOUNT"
	// Restart restarts TWS (File ▸ Restart; on IB Gateway IBC sets the
	// auto-restart time a minute or two ahead). IBC answers, then closes.
	Restart Command = "RESTART"
)

// Commands lists the commands in the order menus and help show them.
var Commands = []Command{ReconnectData, ReconnectAccount, Restart}

// ParseCommand accepts a command name in any case.
func ParseCommand(s string) (Command, error) {
	c := Command(strings.ToUpper(strings.TrimSpace(s)))
	for _, k := range Commands {
		if c == k {
			return c, nil
		}
	}
	switch c {
	case "STOP", "EXIT":
		return "", fmt.Errorf("%s is not sent by ibwatch: STOP would shut TWS down for good and EXIT only ends a command connection", c)
	}
	return "", fmt.Errorf("unknown IBC command %q: want one of RECONNECTDATA, RECONNECTACCOUNT, RESTART", s)
}

// The failures of Send, for errors.Is.
var (
	// ErrUnreachable: nothing answered at the address (refused, no route,
	// dial deadline).
	ErrUnreachable = errors.New("IBC command server unreachable")
	// ErrTimeout: connected, but no OK/ERROR line before the deadline.
	ErrTimeout = errors.New("IBC did not answer in time")
	// ErrClosed: IBC closed the connection without an answer (an address
	// not listed in its ControlFrom setting is closed at once).
	ErrClosed = errors.New("IBC closed the connection without answering")
)

// ReplyError is an "ERROR …" answer.
type ReplyError struct {
	Command Command
	Text    string // IBC's words, cleaned of control characters
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("IBC refused %s: %s", e.Command, e.Text)
}

// Client sends commands to one IBC command server.
type Client struct {
	Addr         string        // host:port, e.g. 127.0.0.1:7462
	DialTimeout  time.Duration // default 2 s
	ReplyTimeout time.Duration // from the write to the answer; default 10 s
}

// maxLine bounds one line read from IBC (its lines are short).
const maxLine = 4096

// Send sends cmd and returns IBC's "OK" text. It returns within
// DialTimeout + ReplyTimeout, or sooner when ctx ends.
func (c Client) Send(ctx context.Context, cmd Command) (string, error) {
	dialTO, replyTO := c.DialTimeout, c.ReplyTimeout
	if dialTO <= 0 {
		dialTO = 2 * time.Second
	}
	if replyTO <= 0 {
		replyTO = 10 * time.Second
	}
	d := net.Dialer{Timeout: dialTO}
	nc, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return "", fmt.Errorf("%w at %s: %v", ErrUnreachable, c.Addr, err)
	}
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Now()) })
	defer stop()
	_ = nc.SetDeadline(time.Now().Add(replyTO))
	if _, err := nc.Write([]byte(string(cmd) + "\n")); err != nil {
		return "", c.ioErr(ctx, err)
	}
	r := bufio.NewReaderSize(nc, maxLine)
	for {
		line, err := readLine(r)
		if err != nil {
			return "", c.ioErr(ctx, err)
		}
		kind, text := parseLine(line)
		switch kind {
		case "OK":
			if cmd != Restart { // IBC closes after RESTART by itself
				_, _ = nc.Write([]byte("EXIT\n"))
			}
			return text, nil
		case "ERROR":
			_, _ = nc.Write([]byte("EXIT\n"))
			return "", &ReplyError{Command: cmd, Text: text}
		}
		// INFO lines, prompts and blank lines carry no answer.
	}
}

func (c Client) ioErr(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("IBC at %s: %w", c.Addr, ctx.Err())
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w (%s)", ErrTimeout, c.Addr)
	default:
		return fmt.Errorf("%w (%s): %v", ErrClosed, c.Addr, err)
	}
}

// readLine reads one line; a line longer than maxLine is an error.
func readLine(r *bufio.Reader) (string, error) {
	b, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("a line longer than %d bytes", maxLine)
	}
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// parseLine finds the answer word in a line: the first of OK, ERROR or
// INFO among its words (a configured prompt may precede it), and the
// cleaned text after it.
func parseLine(line string) (kind, text string) {
	words := strings.Fields(line)
	for i, w := range words {
		if w == "OK" || w == "ERROR" || w == "INFO" {
			return w, Clean(strings.Join(words[i+1:], " "))
		}
	}
	return "", ""
}

// Clean makes untrusted text from IBC safe to show: control characters
// go, and it is cut at 200 characters.
func Clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return strings.TrimSpace(s)
}

// CheckAddr validates an IBC address: host:port, and a loopback host
// unless remote is allowed (the command server is unauthenticated: its
// only guard is IBC's ControlFrom list).
func CheckAddr(addr string, remote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q is not host:port like 127.0.0.1:7462", addr)
	}
	if remote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is not a loopback address: IBC's command server has no authentication, so ibwatch talks to it on this machine only", addr)
}
