package scanner

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// testSup builds supervisors for ChainMain with the test's link binary and
// short intervals, as main.go's newSup would with the real binary.
func testSup(c conn.Config) (*conn.Supervisor, error) {
	f := fastConfig(c.Port)
	f.Host, f.ClientIDs = c.Host, c.ClientIDs
	return conn.New(f)
}

func runChain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	needLink(t)
	var out, errb bytes.Buffer
	code = ChainMain(context.Background(), args, &out, &errb, fixed(Defaults{NewSup: testSup}))
	return code, out.String(), errb.String()
}

func TestChainMainJSON(t *testing.T) {
	sim := newSim(t, frozen)
	port := strconv.Itoa(sim.Port())
	code, out, errs := runChain(t, "aapl", "--json", "--strikes", "5", "--port", port)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	var got struct {
		Symbol     string `json:"symbol"`
		ConID      int64  `json:"conId"`
		Expiry     string `json:"expiry"`
		Badge      string `json:"badge"`
		Full       bool   `json:"complete"`
		Underlying struct {
			Price *float64 `json:"price"`
		} `json:"underlying"`
		Rows []struct {
			Strike float64 `json:"strike"`
			Money  bool    `json:"money"`
			Call   *struct {
				ConID int64    `json:"conId"`
				Bid   *float64 `json:"bid"`
				Ask   *float64 `json:"ask"`
				IV    *float64 `json:"iv"`
				OI    *float64 `json:"openInterest"`
			} `json:"call"`
			Put *struct {
				ConID int64 `json:"conId"`
			} `json:"put"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	st, _ := sim.Universe().Stock("AAPL")
	if got.Symbol != "AAPL" || got.ConID != st.ConID || got.Badge != "live" || !got.Full || got.Underlying.Price == nil || len(got.Rows) != 5 {
		t.Fatalf("unexpected chain: %+v", got)
	}
	money := 0
	for _, r := range got.Rows {
		o, ok := sim.Universe().Option("AAPL", got.Expiry, 'C', r.Strike, time.Now())
		if !ok || r.Call == nil || r.Call.ConID != o.ConID || r.Put == nil {
			t.Fatalf("row %v: call %+v, want conId %d", r.Strike, r.Call, o.ConID)
		}
		if r.Call.Ask == nil || r.Call.IV == nil || r.Call.OI == nil {
			t.Errorf("row %v: missing values %+v", r.Strike, r.Call)
		}
		if r.Money {
			money++
		}
	}
	if money != 1 {
		t.Errorf("%d money rows, want 1", money)
	}
	eventually(t, "the CLI's session to end", 5*time.Second, func() bool { return len(sim.State().Sessions) == 0 })
}

func TestChainMainTextAndDeal(t *testing.T) {
	sim := newSim(t, frozen)
	port := strconv.Itoa(sim.Port())
	code, out, errs := runChain(t, "HVLN", "--port", port, "--deal", "86", "--close", "2027-02-26", "--break", "52", "--strikes", "7")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	for _, want := range []string{"HVLN  Halvorsen Therapeutics Inc", "[live]", "C BID", "STRIKE", "P OI", "deal 86.00  close 2027-02-26",
		"break 52.00  implied completion", "annualised", "LC FAR P&L", "best long call", "best short put"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Errorf("output shows NaN/Inf:\n%s", out)
	}
	if n := strings.Count(out, "> "); n != 1 {
		t.Errorf("%d money markers:\n%s", n, out)
	}
	if !regexp.MustCompile(`(?m)^expiry \d{8} \(\d+d\)  multiplier 100`).MatchString(out) {
		t.Errorf("no expiry line with days to expiry:\n%s", out)
	}
}

func TestChainMainErrors(t *testing.T) {
	sim := newSim(t, frozen)
	port := strconv.Itoa(sim.Port())
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown symbol", []string{"ZZZQ", "--port", port}, ExitUsage, "unknown symbol ZZZQ"},
		{"unlisted expiry", []string{"MSFT", "--port", port, "--expiry", "20991218"}, ExitUsage, "has no expiry 20991218; listed:"},
		{"no symbol", []string{"--port", port}, ExitUsage, "want exactly one SYMBOL"},
		{"two symbols", []string{"A", "B"}, ExitUsage, "want exactly one SYMBOL"},
		{"bad expiry", []string{"MSFT", "--expiry", "2026-12-18"}, ExitUsage, "want YYYYMMDD"},
		{"close without deal", []string{"MSFT", "--close", "2027-01-01"}, ExitUsage, "--deal"},
		{"bad flag", []string{"MSFT", "--nope"}, ExitUsage, "flag provided but not defined"},
		{"no strikes", []string{"MSFT", "--strikes", "0"}, ExitUsage, "--strikes 0: want at least 1"},
		{"negative strikes", []string{"MSFT", "--strikes", "-3"}, ExitUsage, "--strikes -3: want at least 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runChain(t, c.args...)
			if code != c.code || !strings.Contains(errs, c.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, c.code, c.msg)
			}
		})
	}
	if code, _, _ := runChain(t, "--help"); code != ExitOK {
		t.Errorf("--help exit %d", code)
	}
}

func TestChainMainUnreachable(t *testing.T) {
	// A port nobody listens on: grab one and close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	code, out, errs := runChain(t, "AAPL", "--port", port, "--timeout", "1s")
	if code != ExitUnreachable || out != "" || !strings.Contains(errs, "cannot reach TWS at 127.0.0.1:"+port) || !strings.Contains(errs, "refused") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 3 and a refused message", code, out, errs)
	}
}

// chainRows runs the chain command with --json and newSup, and returns the
// exit status, the number of rows printed, the expiry's total strikes and
// stderr.
func chainRows(t *testing.T, newSup func(conn.Config) (*conn.Supervisor, error), args ...string) (code, rows, total int, stderr string) {
	t.Helper()
	needLink(t)
	var out, errb bytes.Buffer
	code = ChainMain(context.Background(), append(args, "--json"), &out, &errb, fixed(Defaults{NewSup: newSup}))
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	var got struct {
		Total int               `json:"totalStrikes"`
		Rows  []json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	return code, len(got.Rows), got.Total, errb.String()
}

// --strikes larger than what can be shown: the message states the number
// of rows really printed and why, never the budget's ceiling when the
// expiry has fewer strikes than that.
func TestChainMainSaysHowManyStrikesItShows(t *testing.T) {
	sim := newSim(t, frozen)
	port := strconv.Itoa(sim.Port())

	_, rows, total, errs := chainRows(t, testSup, "AAPL", "--port", port, "--strikes", "100000")
	if rows != total || rows >= 47 {
		t.Fatalf("%d rows of %d strikes; the sim's nearest AAPL expiry should fit the 95-line budget", rows, total)
	}
	want := "ibwatch chain: showing " + strconv.Itoa(rows) + " of the 100000 strikes asked for: expiry "
	if !strings.Contains(errs, want) || !strings.Contains(errs, "lists only "+strconv.Itoa(total)) {
		t.Errorf("stderr %q, want %q … lists only %d", errs, want, total)
	}

	// A budget of 21 lines holds 10 strikes: the budget is the reason.
	small := func(c conn.Config) (*conn.Supervisor, error) {
		f := fastConfig(c.Port)
		f.Host, f.ClientIDs, f.MaxLines = c.Host, c.ClientIDs, 21
		return conn.New(f)
	}
	_, rows, _, errs = chainRows(t, small, "AAPL", "--port", port, "--strikes", "15")
	if rows != 10 || !strings.Contains(errs, "showing 10 of the 15 strikes asked for: the most the market-data line budget (21 lines) allows") {
		t.Errorf("%d rows, stderr %q", rows, errs)
	}

	// All shown: nothing to say.
	if _, rows, _, errs = chainRows(t, testSup, "AAPL", "--port", port, "--strikes", "5"); rows != 5 || errs != "" {
		t.Errorf("%d rows, stderr %q", rows, errs)
	}
}
