//go:build !race

package twsim

import (
	"slices"
	"testing"
)

func TestContractDetails(t *testing.T) {
	for _, v := range []int{100, 163, 164, 176, 193, 200} {
		t.Run(itoa(int64(v)), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v})
			u := s.Universe()
			c := dial(t, s, 1)

			c.c.ReqContractDetails(1, stk("AAPL"))
			cd := c.r.wait(t, "AAPL details", isKindReq("cd", 1)).cd
			c.r.wait(t, "AAPL end", isKindReq("cdend", 1))
			aapl, _ := u.Stock("AAPL")
			k := cd.Contract
			if k.ConID != aapl.ConID || k.Symbol != "AAPL" || k.SecType != "STK" || k.PrimaryExchange != aapl.PrimaryExch ||
				k.Currency != "USD" || cd.MinTick != 0.01 || cd.TimeZoneID != "US/Eastern" || cd.Industry != aapl.Industry {
				t.Errorf("AAPL details %+v", cd)
			}
			if v >= verStockType && (cd.StockType != "COMMON" || cd.MarketRuleIDs == "") || cd.TradingHours == "" {
				t.Errorf("stock type %q rules %q hours %q", cd.StockType, cd.MarketRuleIDs, cd.TradingHours)
			}

			c.c.ReqContractDetails(2, stk("NOSUCH"))
			c.r.wait(t, "200 for an unknown symbol", isErr(2, 200))

			// Strike left blank: every strike that exists for the expiry.
			exp := u.Expirations("AAPL", fixedNow)[3]
			c.c.ReqContractDetails(3, opt("AAPL", exp, "C", 0))
			c.r.wait(t, "chain end", isKindReq("cdend", 3))
			rows := c.r.all(isKindReq("cd", 3))
			want := u.Strikes("AAPL", exp, fixedNow)
			var got []float64
			for _, e := range rows {
				k := e.cd.Contract
				o, ok := u.Option("AAPL", exp, 'C', k.Strike, fixedNow)
				if !ok || k.ConID != o.ConID || k.Right != "C" || k.Multiplier != "100" || k.LastTradeDateOrContractMonth != exp ||
					k.LocalSymbol != o.LocalSymbol || k.TradingClass != "AAPL" || e.cd.UnderConID != aapl.ConID {
					t.Errorf("option row %+v (universe %+v)", k, o)
				}
				got = append(got, k.Strike)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("strikes %v, want %v", got, want)
			}

			// A fully specified option, and one by conId.
			o, _ := u.Option("AAPL", exp, 'P', want[len(want)/2], fixedNow)
			c.c.ReqContractDetails(4, opt("AAPL", exp, "P", o.Strike))
			c.r.wait(t, "one option", isKindReq("cdend", 4))
			byID := stk("")
			byID.SecType, byID.ConID = "", o.ConID
			c.c.ReqContractDetails(5, byID)
			c.r.wait(t, "by conId", isKindReq("cdend", 5))
			for _, req := range []int64{4, 5} {
				if r := c.r.all(isKindReq("cd", req)); len(r) != 1 || r[0].cd.Contract.ConID != o.ConID {
					t.Errorf("req %d: %d rows", req, len(r))
				}
			}
			c.c.ReqContractDetails(6, opt("AAPL", exp, "P", want[0]+0.37))
			c.r.wait(t, "200 for a strike that does not exist", isErr(6, 200))
		})
	}
}

func TestSecDefOptParams(t *testing.T) {
	s := startSim(t, Config{ServerVersion: 193})
	u := s.Universe()
	c := dial(t, s, 1)
	spy, _ := u.Stock("SPY")
	c.c.ReqSecDefOptParams(1, "SPY", "", "STK", spy.ConID)
	c.r.wait(t, "end", isKindReq("secdefend", 1))
	rows := c.r.all(isKindReq("secdef", 1))
	var exchanges []string
	for _, r := range rows {
		exchanges = append(exchanges, r.strs[0])
		if r.n != spy.ConID || r.strs[1] != "SPY" || r.strs[2] != "100" {
			t.Errorf("row %v", r.strs[:3])
		}
		if !slices.Equal(r.strs[3:], u.Expirations("SPY", fixedNow)) {
			t.Errorf("%s expirations differ", r.strs[0])
		}
		if !slices.Equal(r.vals, u.AllStrikes("SPY", fixedNow)) {
			t.Errorf("%s strikes differ", r.strs[0])
		}
	}
	for _, ex := range []string{"SMART", "CBOE", "AMEX", "ISE"} {
		if !slices.Contains(exchanges, ex) {
			t.Errorf("no %s row in %v", ex, exchanges)
		}
	}
	c.c.ReqSecDefOptParams(2, "SPY", "CBOE", "STK", spy.ConID)
	c.r.wait(t, "end", isKindReq("secdefend", 2))
	if r := c.r.all(isKindReq("secdef", 2)); len(r) != 1 || r[0].strs[0] != "CBOE" {
		t.Errorf("CBOE only: %d rows", len(r))
	}
	c.c.ReqSecDefOptParams(3, "NOSUCH", "", "STK", 0)
	c.r.wait(t, "200", isErr(3, 200))
}

func TestMatchingSymbols(t *testing.T) {
	for _, v := range []int{175, 193} {
		t.Run(itoa(int64(v)), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v})
			c := dial(t, s, 1)
			c.c.ReqMatchingSymbols(1, "aap")
			rows := c.r.wait(t, "samples", isKindReq("samples", 1)).descs
			if len(rows) == 0 || rows[0].Contract.Symbol != "AAPL" || rows[0].Contract.SecType != "STK" ||
				rows[0].Contract.Currency != "USD" || !slices.Contains(rows[0].DerivativeSecTypes, "OPT") {
				t.Fatalf("rows %+v", rows)
			}
			wantDesc := ""
			if v >= 176 {
				wantDesc = "Apple Inc"
			}
			if rows[0].Contract.Description != wantDesc {
				t.Errorf("description %q at %d", rows[0].Contract.Description, v)
			}
			c.c.ReqMatchingSymbols(2, "a")
			if n := len(c.r.wait(t, "samples", isKindReq("samples", 2)).descs); n == 0 || n > 16 {
				t.Errorf("%d rows for 'a'", n)
			}
			c.c.ReqMatchingSymbols(3, "zzzzqqq")
			if n := len(c.r.wait(t, "samples", isKindReq("samples", 3)).descs); n != 0 {
				t.Errorf("%d rows for nonsense", n)
			}
		})
	}
}

func TestUnsupportedRequest(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	c.c.ReqMktDepth(9, stk("AAPL"), 5, false, nil)
	e := c.r.wait(t, "321", isErr(9, 321))
	if e.text != "Error validating request.-'bk' : cause - reqMktDepth is not supported by the simulator" {
		t.Errorf("text %q", e.text)
	}
	c.c.ReqScannerParameters()
	c.r.wait(t, "321 for scanner parameters", isErr(-1, 321))
}
