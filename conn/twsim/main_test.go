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
		{[]string{"--listen", "127.0.0.1:0", "--control", "", "--portfolio", "ZZZZ=10"}, "ZZZZ"},
		{[]string{"--listen", "127.0.0.1:0", "--control", "", "--start", "tomorrow"}, "New York time"},
	} {
		var out, errOut syncBuf
		if code := Main(context.Background(), tc.args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut.String())
		}
	}
}
