package ibc

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// scripted is a loopback server that runs serve on each connection: the
// stand-in for IBC's command server in the cases the simulator does not
// produce (prompts, INFO lines, silence, garbage).
func scripted(t *testing.T, serve func(c net.Conn, r *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve(c, bufio.NewReader(c))
			_ = c.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-done })
	return ln.Addr().String()
}

func TestSendParsesAnswers(t *testing.T) {
	seen := make(chan string, 16)
	addr := scripted(t, func(c net.Conn, r *bufio.Reader) {
		_, _ = c.Write([]byte("INFO IBC Command Server\nibc> "))
		line, _ := r.ReadString('\n')
		seen <- strings.TrimSpace(line)
		switch strings.TrimSpace(line) {
		case "RECONNECTDATA":
			_, _ = c.Write([]byte("OK \nibc> "))
		case "RESTART":
			_, _ = c.Write([]byte("OK Restart in progress\n"))
			return
		default:
			_, _ = c.Write([]byte("ERROR Command invalid\x1b[31m\n"))
		}
		line, _ = r.ReadString('\n')
		seen <- strings.TrimSpace(line)
	})
	cl := Client{Addr: addr, ReplyTimeout: 5 * time.Second}
	if text, err := cl.Send(context.Background(), ReconnectData); err != nil || text != "" {
		t.Fatalf("RECONNECTDATA: %q, %v", text, err)
	}
	if text, err := cl.Send(context.Background(), Restart); err != nil || text != "Restart in progress" {
		t.Fatalf("RESTART: %q, %v", text, err)
	}
	_, err := cl.Send(context.Background(), ReconnectAccount)
	var re *ReplyError
	if !errors.As(err, &re) || re.Text != "Command invalid[31m" || re.Command != ReconnectAccount {
		t.Fatalf("ERROR answer: %v", err)
	}
	for _, want := range []string{"RECONNECTDATA", "EXIT", "RESTART", "RECONNECTACCOUNT", "EXIT"} {
		select {
		case got := <-seen:
			if got != want {
				t.Fatalf("server saw %q, want %q", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("server never saw %q", want)
		}
	}
}

func TestSendFailures(t *testing.T) {
	silent := scripted(t, func(c net.Conn, r *bufio.Reader) { _, _ = r.ReadString('\n'); _, _ = r.ReadString('\n') })
	closes := scripted(t, func(net.Conn, *bufio.Reader) {})
	long := scripted(t, func(c net.Conn, r *bufio.Reader) {
		_, _ = r.ReadString('\n')
		_, _ = c.Write([]byte(strings.Repeat("x", 3*maxLine)))
	})
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	_ = ln.Close()

	for _, c := range []struct {
		name, addr string
		want       error
	}{
		{"nothing listening", down, ErrUnreachable},
		{"no answer", silent, ErrTimeout},
		{"closed at once", closes, ErrClosed},
		{"endless line", long, ErrClosed},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := Client{Addr: c.addr, DialTimeout: time.Second, ReplyTimeout: 300 * time.Millisecond}.Send(context.Background(), ReconnectData)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("Send took %v: its deadlines did not hold", time.Since(start))
			}
		})
	}
	// A cancelled context ends a wait for the answer at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Client{Addr: silent}).Send(ctx, ReconnectData); !errors.Is(err, context.Canceled) && !errors.Is(err, ErrUnreachable) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestParseCommandAndAddr(t *testing.T) {
	if c, err := ParseCommand(" restart "); err != nil || c != Restart {
		t.Fatalf("restart: %v %v", c, err)
	}
	for _, bad := range []string{"STOP", "exit", "ENABLEAPI", ""} {
		if _, err := ParseCommand(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for addr, ok := range map[string]bool{"127.0.0.1:7462": true, "localhost:7462": true, "[::1]:7462": true,
		"10.0.0.5:7462": false, "127.0.0.1": false, "127.0.0.1:0": false, "127.0.0.1:x": false, ":7462": false} {
		if err := CheckAddr(addr, false); (err == nil) != ok {
			t.Errorf("CheckAddr(%q) = %v, want ok %v", addr, err, ok)
		}
	}
	if err := CheckAddr("10.0.0.5:7462", true); err != nil {
		t.Errorf("remote allowed: %v", err)
	}
}
