package link

import (
	"io"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// Tests in this file need no TWS simulator.

func TestLinkExitsWhenStdinCloses(t *testing.T) {
	p := startLink(t)
	p.ping()
	_ = p.stdin.Close()
	code, ok := p.exitStatus(time.Second)
	if !ok || code != ExitOK {
		t.Fatalf("exit after stdin EOF: code %d, ended %v; want %d within 1s", code, ok, ExitOK)
	}
}

func TestLinkExitCommand(t *testing.T) {
	p := startLink(t)
	p.send(linkproto.Exit{})
	code, ok := p.exitStatus(time.Second)
	if !ok || code != ExitOK {
		t.Fatalf("exit after linkproto.Exit: code %d, ended %v; want %d", code, ok, ExitOK)
	}
}

// blockedWriter is a stdout whose reader never reads: every write blocks
// until the test ends.
type blockedWriter struct{ release chan struct{} }

func (b blockedWriter) Write(p []byte) (int, error) {
	<-b.release
	return 0, io.ErrClosedPipe
}

// A parent that stops reading reports is gone or hung: once the report queue
// stays full for reportStall, the link exits instead of living on.
func TestLinkExitsWhenParentStopsReading(t *testing.T) {
	old := reportStall
	reportStall = 200 * time.Millisecond
	t.Cleanup(func() { reportStall = old })

	inR, inW := io.Pipe()
	out := blockedWriter{release: make(chan struct{})}
	t.Cleanup(func() { close(out.release) })
	done := make(chan int, 1)
	go func() { done <- Main(inR, out, io.Discard) }()
	go func() {
		defer inW.Close()
		line, _ := linkproto.Encode(linkproto.Ping{Seq: 1})
		for i := 0; i < reportQueue+100; i++ {
			if _, err := inW.Write(line); err != nil {
				return
			}
		}
	}()
	select {
	case code := <-done:
		if code != ExitParentGone {
			t.Fatalf("exit status %d, want %d", code, ExitParentGone)
		}
	case <-time.After(wait):
		t.Fatal("link still running with a parent that does not read")
	}
	_ = inR.Close() // unblock the pinger
}

func TestLinkBadCommandLineIsFatal(t *testing.T) {
	for name, line := range map[string]string{
		"not json":       "hello there\n",
		"unknown op":     `{"op":"place_order","m":{}}` + "\n",
		"report as cmd":  `{"op":"tick_price","m":{"a":1}}` + "\n",
		"wrong body":     `{"op":"connect","m":{"a":"x"}}` + "\n",
		"truncated json": `{"op":"ping","m":{"n":1}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			p := startLink(t)
			if _, err := p.stdin.Write([]byte(line)); err != nil {
				t.Fatal(err)
			}
			f := waitFor[linkproto.Fatal](p, nil)
			if f.Detail == "" {
				t.Error("linkproto.Fatal without detail")
			}
			code, ok := p.exitStatus(wait)
			if !ok || code != ExitBadCommand {
				t.Fatalf("exit code %d (ended %v), want %d", code, ok, ExitBadCommand)
			}
		})
	}
}

func TestLinkRefusedOnClosedPort(t *testing.T) {
	port := closedPort(t)

	p := startLink(t)
	p.send(linkproto.Connect{Attempt: 1, Host: "127.0.0.1", Port: port, ClientID: 1, DialTimeoutMs: 2000, HandshakeTimeoutMs: 2000})
	cl := closedFor(p, 1)
	if cl.Cause != linkproto.CauseRefused || cl.EClient {
		t.Fatalf("closed = %+v, want cause %q without EClient", cl, linkproto.CauseRefused)
	}
	if n := count[linkproto.Dialed](p, nil); n != 0 {
		t.Errorf("linkproto.Dialed sent for a refused dial")
	}
}

func TestLinkInvalidPortIsDialError(t *testing.T) {
	p := startLink(t)
	p.send(linkproto.Connect{Attempt: 7, Port: 70000})
	if cl := closedFor(p, 7); cl.Cause != linkproto.CauseDialError {
		t.Fatalf("closed = %+v, want %q", cl, linkproto.CauseDialError)
	}
}

func TestRepairLongName(t *testing.T) {
	for in, want := range map[string]string{
		"[65 80 80 76 69 32 73 78 67]":    "APPLE INC",
		"[]":                              "",
		"APPLE INC":                       "APPLE INC",
		"[65 80 300]":                     "[65 80 300]",
		"[A B]":                           "[A B]",
		"[65  80]":                        "[65  80]",
		"[78 69 83 84 76 195 137]":        "NESTLÉ",
		"[67 97 102 92 117 48 48 101 57]": "Café",
		"[92 117 122 122 122 122]":        `\uzzzz`,
		"[91 49 93]":                      "[1]",
		"Bracketed [but] text":            "Bracketed [but] text",
		"[1234]":                          "[1234]",
		"[65 66 67 68 69 70 71 72 73 74 75 76 77 78]": "ABCDEFGHIJKLMN",
	} {
		if got := repairLongName(in); got != want {
			t.Errorf("repairLongName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrailingPort(t *testing.T) {
	for in, want := range map[string]int{
		"TWS socket port has been reset and this connection is being dropped. Please reconnect on the new port - 7498": 7498,
		"... new port - 4002.":  4002,
		"new port 99999":        0,
		"no number here":        0,
		"port - 0":              0,
		"port - 1234567":        0,
		"reconnect on port 443": 443,
	} {
		if got := trailingPort(in); got != want {
			t.Errorf("trailingPort(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseServerReply(t *testing.T) {
	ok := []struct {
		payload string
		ver     int
	}{
		{"200\x0020260101 10:00:00 EST\x00", 200},
		{"176\x00\x00", 176},
	}
	for _, c := range ok {
		v, _, err := parseServerReply([]byte(c.payload), 200)
		if err != nil || v != c.ver {
			t.Errorf("parseServerReply(%q) = %d, %v; want %d", c.payload, v, err, c.ver)
		}
	}
	for _, bad := range []string{
		"", "200\x00", "200\x00t", "200\x00t\x00x\x00", "abc\x00t\x00", "99\x00t\x00", "201\x00t\x00",
		"+200\x00t\x00", " 200\x00t\x00", "99999999999999999999\x00t\x00",
	} {
		if v, _, err := parseServerReply([]byte(bad), 200); err == nil {
			t.Errorf("parseServerReply(%q) accepted version %d", bad, v)
		}
	}
}

func TestInspectErrMsgLayouts(t *testing.T) {
	l := &link{}
	for _, c := range []struct {
		ver     int
		fields  []any
		code    int64
		newPort int
	}{
		{200, []any{"4", -1, 326, "Unable to connect as the client id is already in use.", "", int64(1)}, 326, 0},
		{193, []any{"4", 2, -1, 326, "Unable to connect as the client id is already in use.", ""}, 326, 0},
		{200, []any{"4", -1, 1300, "TWS socket port has been reset ... new port - 7498", "", 0}, 1300, 7498},
		{176, []any{"4", 2, -1, 1300, "... on the new port - 4001", ""}, 1300, 4001},
		{200, []any{"4", -1, 2104, "Market data farm connection is OK:usfarm", "", 0}, 0, 0},
		{200, []any{"4", -1}, 0, 0},
		{200, []any{"49", 1, 326}, 0, 0},
	} {
		a := &attempt{l: l, version: c.ver}
		a.inspect(wire.Encode(c.fields...))
		if a.seenCode != c.code || a.newPort != c.newPort {
			t.Errorf("v%d %v: seen code %d port %d, want %d %d", c.ver, c.fields, a.seenCode, a.newPort, c.code, c.newPort)
		}
	}
}
