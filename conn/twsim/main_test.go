package twsim

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// syncBuf is a goroutine-safe output buffer.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMainRunsAndStops(t *testing.T) {
	var out, errOut syncBuf
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--server-version", "193", "--seed", "4", "--chaos", "--chaos-gap", "1h"}, &out, &errOut)
	}()
	apiRe := regexp.MustCompile(`API listening on (127\.0\.0\.1:\d+)`)
	ctlRe := regexp.MustCompile(`control API on (http://127\.0\.0\.1:\d+)`)
	waitFor(t, "banner", func() bool { return strings.Contains(out.String(), "Press Ctrl-C") })
	api := apiRe.FindStringSubmatch(out.String())
	ctl := ctlRe.FindStringSubmatch(out.String())
	if api == nil || ctl == nil || !strings.Contains(out.String(), "curl -X POST") {
		t.Fatalf("banner:\n%s", out.String())
	}
	r := rawDial(t, api[1])
	if v := r.start("v100..222", 1); v != "193" {
		t.Errorf("negotiated %s, want 193", v)
	}
	resp, err := http.Post(ctl[1]+"/fault/drop", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.expectClosed()
	waitFor(t, "fault logged to stderr", func() bool { return strings.Contains(errOut.String(), "fault=drop") })
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d; stderr:\n%s", code, errOut.String())
	}
	if strings.Contains(out.String(), "level=") {
		t.Errorf("log lines on stdout:\n%s", out.String())
	}
}

// cancelled is an ended context: a Main that accepts its flags returns at
// once (status 0) instead of serving until the test times out.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestMainRefusesBadArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:7497"}, "--allow-remote"},
		{[]string{"--listen", ":7497"}, "--allow-remote"},
		{[]string{"--listen", "127.0.0.1:0", "--control", "10.1.2.3:80"}, "--allow-remote"},
		{[]string{"--server-version", "201"}, "100..200"},
		{[]string{"--nosuchflag"}, "flag provided but not defined"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"--tick", "1ns"}, "--tick=1ns: want 10ms..1m0s (shorter keeps a CPU core busy"},
		{[]string{"--tick", "0"}, "--tick=0s: want 10ms..1m0s"},
		{[]string{"--tick", "2h"}, "--tick=2h0m0s: want 10ms..1m0s"},
		{[]string{"--max-lines", "-5"}, "--max-lines=-5: want 1..10000 (TWS allows 100 by default"},
		{[]string{"--max-lines", "0"}, "--max-lines=0: want 1..10000"},
		{[]string{"--snapshot-wait", "-1s"}, "--snapshot-wait=-1s: want 0s..1m0s (real TWS waits about 11s)"},
		{[]string{"--chaos-gap", "0"}, "--chaos-gap=0s: want 1s..24h0m0s (shorter gives a client no quiet time"},
		{[]string{"--accounts", ""}, "--accounts: want 1..100 comma-separated account ids, got 0"},
		{[]string{"--accounts", " , "}, "got 0"},
		{[]string{"--accounts", "DU1,DU 2"}, `--accounts: "DU 2" is not an IB account id (letters and digits, at most 20, e.g. DU1234567)`},
		{[]string{"--listen", "127.0.0.1:0", "--control", "", "--portfolio", "ZZZZ=10"}, "ZZZZ"},
		{[]string{"--listen", "127.0.0.1:0", "--control", "", "--start", "tomorrow"}, "New York time"},
	} {
		var out, errOut syncBuf
		// Free ports first (a later flag wins): a wrongly accepted case
		// must not take 7497 from a real TWS.
		args := append([]string{"--listen", "127.0.0.1:0", "--control", ""}, tc.args...)
		if code := Main(cancelled(), args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut.String())
		}
	}
}

// Account ids come back in the banner and in every session's
// MANAGED_ACCTS: escape codes or a huge value must be refused, and the
// message must neither replay the escapes nor echo the value in full.
func TestMainRefusesHostileAccounts(t *testing.T) {
	for _, acct := range []string{"DU1234567,\x1b[2J\x1b[31mpwned", strings.Repeat("A", 5000), "DU1\nlevel=ERROR"} {
		var out, errOut syncBuf
		code := Main(cancelled(), []string{"--listen", "127.0.0.1:0", "--control", "", "--accounts", acct}, &out, &errOut)
		e := errOut.String()
		if code != 2 || !strings.Contains(e, "is not an IB account id") {
			t.Errorf("exit %d, stderr %q", code, e)
		}
		if strings.ContainsAny(e, "\x1b") || strings.Count(e, "\n") != 1 || len(e) > 300 {
			t.Errorf("stderr replays the value (%d bytes): %q", len(e), e)
		}
		if out.String() != "" {
			t.Errorf("stdout %q", out.String())
		}
	}
}
