package twsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// TestControlAPI drives every control endpoint over real HTTP and checks
// the simulator's state and what a raw client sees.
func TestControlAPI(t *testing.T) {
	s := startSim(t, Config{})
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	r := rawDial(t, s.Addr())
	r.start("v100..200", 1)

	post := func(path, body string) Snapshot {
		t.Helper()
		resp, err := http.Post(hs.URL+path, "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
		}
		var snap Snapshot
		if err := json.Unmarshal(b, &snap); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, b)
		}
		return snap
	}
	for _, tc := range []struct {
		path, body string
		check      func(Snapshot) bool
	}{
		{"/fault/stall", "", func(s Snapshot) bool { return s.Stalled }},
		{"/fault/stall?on=false", "", func(s Snapshot) bool { return !s.Stalled }},
		{"/fault/latency?d=20ms", "", func(s Snapshot) bool { return s.Latency == 20*time.Millisecond }},
		{"/fault/latency?d=0", "", func(s Snapshot) bool { return s.Latency == 0 }},
		{"/fault/handshake-stall?on=1", "", func(s Snapshot) bool { return s.HandshakeStall }},
		{"/fault/accept-close?on=true", "", func(s Snapshot) bool { return s.AcceptThenClose }},
		{"/fault/refuse?on=true", "", func(s Snapshot) bool { return s.Refusing && !s.Listening }},
		{"/fault/farm?name=ushmds&state=inactive", "", func(s Snapshot) bool { return s.FarmStates["ushmds"] == "inactive" }},
		{"/fault/iblink/lost", "", func(s Snapshot) bool { return !s.IBLinkUp }},
		{"/fault/iblink/restored?kept=true", "", func(s Snapshot) bool { return s.IBLinkUp }},
		{"/fault/inject?req=-1&code=2119", "Market data farm is connecting:usfarm", func(s Snapshot) bool { return s.Stats.ErrorsSent[2119] == 1 }},
		{"/fault/raw-frame?hex=34390031003132333400", "", func(s Snapshot) bool { return lastName(s) == "raw-frame" }},
		{"/fault/raw-bytes", "\x00\x00\x00\x05" + "49\x001\x00", func(s Snapshot) bool { return lastName(s) == "raw-bytes" }},
		{"/fault/raw-preset?name=escape-text", "", func(s Snapshot) bool { return s.Stats.ErrorsSent[2119] == 2 }},
		{"", "", nil}, // read what the raw client got before dropping it
		{"/fault/clear", "", func(s Snapshot) bool {
			return !s.HandshakeStall && !s.AcceptThenClose && s.Listening && s.FarmStates["ushmds"] == "ok"
		}},
		{"/fault/drop", "", func(s Snapshot) bool { return len(s.Sessions) == 0 }},
		{"/fault/port-reset?port=0", "", func(s Snapshot) bool { return lastName(s) == "port-reset" }},
		{"/fault/restart?down=50ms", "", func(s Snapshot) bool { return s.Restarting }},
	} {
		if tc.path == "" {
			// 2119, both raw frames and the preset reached the client (a
			// drop discards frames not yet written, as a crash would).
			r.untilErr(2119)
			if f := r.until(wire.InCurrentTime); !equal(f, []string{"49", "1", "1234"}) {
				t.Errorf("raw frame arrived as %q", f)
			}
			if f := r.until(wire.InCurrentTime); !equal(f, []string{"49", "1"}) {
				t.Errorf("raw bytes arrived as %q", f)
			}
			r.untilErr(2119)
			continue
		}
		if snap := post(tc.path, tc.body); !tc.check(snap) {
			t.Errorf("POST %s: state %+v", tc.path, snap)
		}
	}
	r.expectClosed()
	waitFor(t, "restart-up", func() bool { return lastFault(s) == "restart-up" })

	// GET /state and the help page; bad input is a 400 with a message.
	resp, err := http.Get(hs.URL + "/state")
	if err != nil {
		t.Fatal(err)
	}
	var snap Snapshot
	if err := json.NewDecoder(resp.Body).Decode(&snap); err != nil || snap.Port != s.Port() || len(snap.Faults) < 17 {
		t.Errorf("GET /state: %v %+v", err, snap)
	}
	resp.Body.Close()
	for path, want := range map[string]int{
		"/fault/latency?d=soon":    http.StatusBadRequest,
		"/fault/farm?name=xx":      http.StatusBadRequest,
		"/fault/stall?on=maybe":    http.StatusBadRequest,
		"/fault/inject?code=abc":   http.StatusBadRequest,
		"/fault/nosuch":            http.StatusNotFound,
		"/fault/raw-preset?name=x": http.StatusBadRequest,
	} {
		resp, err := http.Post(hs.URL+path, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("POST %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, err = http.Get(hs.URL + "/fault/drop")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /fault/drop: %d", resp.StatusCode)
	}
	resp, err = http.Get(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "/fault/port-reset") {
		t.Errorf("help page %q", b)
	}
}

func lastName(s Snapshot) string {
	if len(s.Faults) == 0 {
		return ""
	}
	return s.Faults[len(s.Faults)-1].Fault
}

// Out-of-range, unknown and repeated parameters get a 400 that says what
// is allowed and why, and change nothing.
func TestControlRefusesOutOfBoundsParams(t *testing.T) {
	s := startSim(t, Config{})
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	port := s.Port()
	post := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Post(hs.URL+path, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	long := strings.Repeat("9", 5000)
	for path, want := range map[string]string{
		"/fault/latency?d=100h":              "latency: d=100h0m0s: want 0s..1m0s (longer outlasts every client's timeout",
		"/fault/latency?d=-5":                "latency: d=-5ms: want 0s..1m0s",
		"/fault/latency?d=-5ms":              "latency: d=-5ms: want 0s..1m0s",
		"/fault/latency?d=99999999999999999": "latency: d=99999999999999999ms: want 0s..1m0s",
		"/fault/latency?delay=5s":            `latency: unknown parameter "delay" (known: d)`,
		"/fault/latency?d=1s&d=100h":         "latency: d given 2 times",
		"/fault/restart?down=48h":            "restart: down=48h0m0s: want 0s..1h0m0s (a real daily restart",
		"/fault/restart?down=-1s":            "restart: down=-1s: want 0s..1h0m0s",
		"/fault/port-reset?port=22":          "port-reset: port=22: want 1024..65535 (0 picks a free port; ports below 1024 are privileged)",
		"/fault/port-reset?port=-1":          "port-reset: port=-1: want 1024..65535",
		"/fault/port-reset?port=70000":       "port-reset: port=70000: want 1024..65535",
		"/fault/inject?req=-7&code=2119":     "inject: req=-7: want -1..2147483647 (TWS request ids are 32-bit",
		"/fault/inject?code=-2119":           "inject: code=-2119: want 1..2147483647 (TWS message codes are positive",
		"/fault/inject?code=99999999999":     "inject: code=99999999999: want 1..2147483647",
		"/fault/drop?all=1":                  `drop: unknown parameter "all": this endpoint takes none`,
		"/fault/stall?on=true&for=5s":        `stall: unknown parameter "for" (known: on)`,
		"/fault/latency?d=%zz":               "latency: bad query",
		"/fault/port-reset?port=" + long:     `port-reset: port="99999999999999999999`,
		"/fault/farm?name=" + long:           `farm: unknown farm "99999999999999999999`,
		"/fault/raw-preset?name=" + long:     `raw-preset: unknown preset "99999999999999999999`,
	} {
		code, body := post(path)
		if code != http.StatusBadRequest || !strings.HasPrefix(body, want) {
			t.Errorf("POST %.60s: %d %q, want 400 %q", path, code, body, want)
		}
		if code == http.StatusBadRequest && len(body) > 300 {
			t.Errorf("POST %.60s: %d-byte answer echoes the value", path, len(body))
		}
	}
	st := s.State()
	if st.Latency != 0 || st.Restarting || st.Port != port || st.Stats.ErrorsSent[2119] != 0 || len(st.Faults) != 0 {
		t.Errorf("refused requests changed the simulator: %+v", st)
	}
	// The bounds themselves are accepted.
	for _, path := range []string{"/fault/latency?d=60s", "/fault/latency?d=60000", "/fault/restart?down=0s", "/fault/clear"} {
		if code, body := post(path); code != http.StatusOK {
			t.Errorf("POST %s: %d %s", path, code, body)
		}
	}
}
