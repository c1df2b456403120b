package scanner

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzScanFigures: whatever the quotes and deal terms (junk from TWS or a
// typo in the config), no structure figure is NaN or Inf, the JSON
// encodes, and no JSON field, table cell or CSV cell says NaN or Inf.
func FuzzScanFigures(f *testing.F) {
	f.Add(34.5, 24.0, 0.0, 0.0, 33.8, 33.9, 30.0, 35.0, 3.9, 4.2, 0.5, 0.7, 0.2, 0.35, 1.2, 1.4, 500.0, int64(62), int64(83))
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, int64(0), int64(0))
	f.Add(math.NaN(), math.Inf(1), math.Inf(-1), 2.0, 1e308, 1e308, -1.0, 5e-324, 1e308, math.NaN(), 0.0, -0.0, 1e-300, 1e300, 3.0, 2.0, math.Inf(1), int64(-5), int64(1e9))
	f.Add(10.0, 10.0, 10.0, 1.0, 10.0, 10.0, 10.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2147483647.0, int64(1), int64(1))
	f.Fuzz(func(t *testing.T, d, b, div, prob, sb, sa, k1, k2, c1b, c1a, c2b, c2a, p1b, p1a, p2b, p2a, oi float64, closeDays, expDays int64) {
		deal := Deal{Symbol: "X", Price: d, BreakPrice: b, Dividends: div, Prob: prob,
			ExpectedClose: lensNow.AddDate(0, 0, int(closeDays%100000))}
		if closeDays%7 == 0 {
			deal.ExpectedClose = time.Time{}
		}
		exp := lensNow.AddDate(0, 0, int(expDays%100000)).Format(expiryLayout)
		stock := Leg{Buy: true, Right: "STK", Bid: sb, Ask: sa, OI: math.NaN()}
		C1 := Leg{Right: "C", Strike: k1, Bid: c1b, Ask: c1a, OI: oi}
		C2 := Leg{Right: "C", Strike: k2, Bid: c2b, Ask: c2a, OI: oi}
		P1 := Leg{Right: "P", Strike: k1, Bid: p1b, Ask: p1a, OI: oi}
		P2 := Leg{Right: "P", Strike: k2, Bid: p2b, Ask: p2a, OI: oi}
		ss := []Structure{
			{Kind: KindStock, Legs: []Leg{stock}},
			{Kind: KindLongCall, Legs: []Leg{buy(C1)}},
			{Kind: KindCallVertical, Legs: []Leg{buy(C1), sell(C2)}},
			{Kind: KindPutVertical, Legs: []Leg{sell(P2), buy(P1)}},
			{Kind: KindShortPut, Legs: []Leg{sell(P1)}},
			{Kind: KindCoveredCall, Legs: []Leg{stock, sell(C2)}},
		}
		for i := range ss {
			ss[i].Symbol, ss[i].Multiplier = "X", oi
			if ss[i].Kind != KindStock {
				ss[i].Expiry = exp
			}
			ss[i].Price(deal, stock, lensNow)
			s := ss[i]
			checkFinite(t, "Far", reflect.ValueOf(s.Far))
			checkFinite(t, "Mid", reflect.ValueOf(s.Mid))
			checkFinite(t, "rest", reflect.ValueOf(struct {
				MinOI, Width, Prob, Days Num
				Mult                     float64
			}{s.MinOI, s.Width, s.Prob, s.Exit.Days, s.Multiplier}))
			if s.Far.Annual.OK && (s.Far.Return.V < 0 || !s.Exit.Days.OK) {
				t.Fatalf("%v: annualised a loss or without an exit", s.Kind)
			}
		}
		res := ScanResult{Deals: []DealScan{{Deal: deal, Header: ComputeDealHeader(deal, stock.mid().Float(), lensNow)}}, Structures: ss, Complete: true}
		rep := ScanReport{Result: res, Ranked: Rank(res.Structures, SortEV, Filter{PreClose: true})}
		js, err := json.Marshal(rep)
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		var text, csv bytes.Buffer
		if err := RenderScanText(&text, rep, 0); err != nil {
			t.Fatal(err)
		}
		if err := RenderScanCSV(&csv, rep); err != nil {
			t.Fatal(err)
		}
		for what, out := range map[string]string{"JSON": string(js), "table": text.String(), "CSV": csv.String()} {
			if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
				t.Fatalf("%s has NaN/Inf:\n%s", what, out)
			}
		}
	})
}
