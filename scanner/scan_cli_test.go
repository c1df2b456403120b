package scanner

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func runScan(t *testing.T, deals []Deal, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	needLink(t)
	var out, errb bytes.Buffer
	code = ScanMain(context.Background(), args, &out, &errb, false, fixed(Defaults{Deals: deals, NewSup: testSup}))
	return code, out.String(), errb.String()
}

// scanDoc is the JSON of `ibwatch scan --json` as a user's script reads it.
type scanDoc struct {
	QuotesTime string `json:"quotes_time"`
	Complete   bool   `json:"complete"`
	Deals      []struct {
		Symbol string   `json:"symbol"`
		Price  *float64 `json:"price"`
		Close  *string  `json:"close"`
		Break  *float64 `json:"break"`
	} `json:"deals"`
	Rows []struct {
		Rank      *int    `json:"rank"`
		Symbol    string  `json:"symbol"`
		Structure string  `json:"structure"`
		Expiry    *string `json:"expiry"`
		Legs      []struct {
			Action string   `json:"action"`
			Right  string   `json:"right"`
			Strike *float64 `json:"strike"`
			Bid    *float64 `json:"bid"`
			Ask    *float64 `json:"ask"`
		} `json:"legs"`
		CostFar     *float64 `json:"cost_far"`
		CostMid     *float64 `json:"cost_mid"`
		MaxProfit   *float64 `json:"max_profit"`
		MaxLoss     *float64 `json:"max_loss"`
		LossIfBreak *float64 `json:"loss_if_break"`
		Breakeven   *float64 `json:"breakeven"`
		ReturnFar   *float64 `json:"return_far"`
		Annualized  *float64 `json:"annualized_far"`
		EV          *float64 `json:"ev"`
		MinOI       *float64 `json:"min_oi"`
		Width       *float64 `json:"width"`
		Multiplier  float64  `json:"multiplier"`
	} `json:"rows"`
}

// decimals matches JSON number values with more than 4 decimals (float
// noise); timestamps are strings and do not match.
var decimals = regexp.MustCompile(`[:\[,]\s*-?[0-9]+\.[0-9]{5,}\s*[,\]}\n]`)

func TestScanMainJSON(t *testing.T) {
	sim := newSim(t, frozen)
	var deals []Deal
	for _, d := range simDeals(sim) {
		if d.Symbol == "BRCV" || d.Symbol == "QRST" {
			deals = append(deals, d)
		}
	}
	code, out, errs := runScan(t, deals, "--json", "--port", strconv.Itoa(sim.Port()))
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if errs != "" {
		t.Errorf("stderr is not a terminal, yet got %q", errs)
	}
	var doc scanDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if m := decimals.FindString(out); m != "" {
		t.Errorf("unrounded number %s in the JSON", m)
	}
	if !doc.Complete || doc.QuotesTime == "" || len(doc.Deals) != 2 || len(doc.Rows) == 0 {
		t.Fatalf("doc: complete %v, time %q, %d deals, %d rows", doc.Complete, doc.QuotesTime, len(doc.Deals), len(doc.Rows))
	}
	for _, d := range doc.Deals {
		if d.Price == nil || d.Close == nil || (d.Symbol == "BRCV") != (d.Break != nil) {
			t.Errorf("deal terms %+v", d)
		}
	}
	prev := math.Inf(1)
	ranked, stock := 0, 0
	for i, r := range doc.Rows {
		if r.Rank != nil {
			ranked++
			if *r.Rank != ranked || i != ranked-1 || r.Annualized == nil || *r.Annualized > prev || *r.Annualized < 0 {
				t.Fatalf("row %d rank %d annualized %v after %v", i, *r.Rank, r.Annualized, prev)
			}
			prev = *r.Annualized
		}
		if _, ok := ParseKind(r.Structure); !ok || len(r.Legs) == 0 || r.Multiplier != 100 {
			t.Errorf("row %d: %+v", i, r)
		}
		if r.Structure == "stock" {
			stock++
			if r.Expiry != nil || r.Legs[0].Right != "STK" || r.Legs[0].Action != "BUY" {
				t.Errorf("stock row %+v", r)
			}
		} else if r.Expiry == nil || len(*r.Expiry) != 8 || r.Legs[len(r.Legs)-1].Strike == nil {
			t.Errorf("option row %+v", r)
		}
		if r.Symbol == "QRST" && r.LossIfBreak != nil { // QRST has no break price
			t.Errorf("QRST loss if break %v without B", *r.LossIfBreak)
		}
		if r.Annualized != nil && *r.Annualized < 0 {
			t.Errorf("row %d: a loss annualized", i)
		}
	}
	if ranked == 0 || stock != 2 {
		t.Errorf("%d ranked rows, %d stock rows", ranked, stock)
	}
}

func TestScanMainText(t *testing.T) {
	sim := newSim(t, frozen)
	deal, _ := FindDeal(simDeals(sim), "BRCV")
	code, out, errs := runScan(t, nil, "--kinds", "call_vertical,short_put", "--top", "5", "--deal",
		"BRCV:"+FormatPrice(deal.Price)+":"+deal.ExpectedClose.Format("2006-01-02")+":24", "--port", strconv.Itoa(sim.Port()))
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	for _, want := range []string{"BRCV   D 34.50", "ANNUAL", "call_vertical", "more rows", "annualized = return x 365 / days to exit"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "long_call") || strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Errorf("filtered kinds or NaN in\n%s", out)
	}
}

func TestScanMainUsage(t *testing.T) {
	sim := newSim(t, frozen)
	port := strconv.Itoa(sim.Port())
	brcv := []Deal{{Symbol: "BRCV", Price: 34.5}}
	for _, c := range []struct {
		name  string
		deals []Deal
		args  []string
		code  int
		msg   string
	}{
		{"no deals", nil, []string{"--port", port}, ExitUsage, "no deals to scan"},
		{"not a deal", brcv, []string{"AAPL", "--port", port}, ExitUsage, "no deal for AAPL"},
		{"bad sort", brcv, []string{"--sort", "best"}, ExitUsage, "unknown sort key"},
		{"bad kind", brcv, []string{"--kinds", "straddle"}, ExitUsage, "unknown structure"},
		{"bad deal", nil, []string{"--deal", "XYZ:abc"}, ExitUsage, "want SYMBOL:PRICE"},
		{"json and csv", brcv, []string{"--json", "--csv"}, ExitUsage, "choose one"},
		{"unknown symbol", []Deal{{Symbol: "ZZZZQ", Price: 10}}, []string{"--port", port}, ExitUsage, "ZZZZQ"},
		{"unreachable", brcv, []string{"--port", closedPort(t), "--timeout", "500ms"}, ExitUnreachable, "cannot reach TWS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runScan(t, c.deals, c.args...)
			if code != c.code || !strings.Contains(errs, c.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, c.code, c.msg)
			}
		})
	}
}

// closedPort is a loopback port nobody listens on: grabbed and closed.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// docWriter counts the JSON documents written and ends the run after n.
type docWriter struct {
	bytes.Buffer
	docs   int
	n      int
	cancel context.CancelFunc
}

func (w *docWriter) Write(p []byte) (int, error) {
	w.docs++ // json.Encoder writes each document in one call
	if w.docs == w.n {
		w.cancel()
	}
	return w.Buffer.Write(p)
}

// TestScanMainEvery: --every scans again until interrupted; each scan is
// one JSON document.
func TestScanMainEvery(t *testing.T) {
	needLink(t)
	sim := newSim(t, frozen)
	qrst, _ := FindDeal(simDeals(sim), "QRST")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &docWriter{n: 2, cancel: cancel}
	var errb bytes.Buffer
	code := ScanMain(ctx, []string{"--json", "--every", "10ms", "--port", strconv.Itoa(sim.Port())}, out, &errb, false, fixed(Defaults{Deals: []Deal{qrst}, NewSup: testSup}))
	if code != ExitOK || out.docs != 2 {
		t.Fatalf("exit %d after %d documents, stderr %q", code, out.docs, errb.String())
	}
	dec := json.NewDecoder(&out.Buffer)
	for i := range 2 {
		var doc scanDoc
		if err := dec.Decode(&doc); err != nil || !doc.Complete || len(doc.Rows) == 0 {
			t.Errorf("document %d: %v, complete %v, %d rows", i, err, doc.Complete, len(doc.Rows))
		}
	}
}

func TestParseScanFlags(t *testing.T) {
	d, err := parseDealFlag("xyz:25.5:2027-03-31:18:0.25:0.8")
	if err != nil || d.Symbol != "XYZ" || d.Price != 25.5 || d.ExpectedClose.Format("2006-01-02") != "2027-03-31" ||
		d.BreakPrice != 18 || d.Dividends != 0.25 || d.Prob != 0.8 {
		t.Errorf("--deal: %+v, %v", d, err)
	}
	if d, err := parseDealFlag("XYZ:25.5::18"); err != nil || !d.ExpectedClose.IsZero() || d.BreakPrice != 18 {
		t.Errorf("--deal without a close: %+v, %v", d, err)
	}
	for _, bad := range []string{"XYZ", "XYZ:-1", "XYZ:25:2027-13-01", "XYZ:25::0", "XYZ:25:::-0.1", "XYZ:25::::1.5", "XYZ:25::18:0:0.5:7", "XYZ:NaN"} {
		if _, err := parseDealFlag(bad); err == nil {
			t.Errorf("--deal %s accepted", bad)
		}
	}
	var errb bytes.Buffer
	o, err := parseScanArgs([]string{"--long", "0.8-0.95", "--short-calls", "1-1.05", "--short-put-max", "1", "--days-before", "30", "--after", "1", "--short-within", "2"}, &errb)
	want := Selection{DaysBefore: 30, After: 1, LongLo: 0.8, LongHi: 0.95, ShortCallLo: 1, ShortCallHi: 1.05, ShortPutHi: 1, ShortWithin: 2}
	if err != nil || o.sel != want {
		t.Errorf("selection %+v, %v; want %+v", o.sel, err, want)
	}
	if o, _ := parseScanArgs(nil, &errb); o.sel.withDefaults() != DefaultSelection().withDefaults() || o.sel.Unknown != 0 {
		t.Errorf("default selection %+v", o.sel)
	}
	if _, err := parseScanArgs([]string{"--long", "1-0.5"}, &errb); err == nil {
		t.Error("--long 1-0.5 accepted")
	}
	// 0 would quietly become the scanner's default: refused, named.
	for _, bad := range [][]string{{"--days-before", "0"}, {"--after", "-1"}, {"--short-within", "0"}, {"--short-put-max", "0"}, {"--short-put-max", "11"}} {
		if _, err := parseScanArgs(bad, &errb); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}
