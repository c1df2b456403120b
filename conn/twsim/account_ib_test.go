//go:build !race

package twsim

import (
	"testing"

	"github.com/scmhub/ibapi"
)

// Callbacks of the account, order and history answers.
func (w wrap) Position(acct string, c *ibapi.Contract, pos ibapi.Decimal, avg float64) {
	w.r.add(ev{kind: "position", text: acct, ct: c, f: pos.Float(), vals: []float64{avg}})
}
func (w wrap) PositionEnd() { w.r.add(ev{kind: "positionend"}) }
func (w wrap) UpdateAccountValue(tag, val, cur, acct string) {
	w.r.add(ev{kind: "acctvalue", text: tag, strs: []string{val, cur, acct}})
}
func (w wrap) UpdatePortfolio(c *ibapi.Contract, pos ibapi.Decimal, price, value, avg, unreal, real float64, acct string) {
	w.r.add(ev{kind: "portfolio", text: acct, ct: c, f: pos.Float(), vals: []float64{price, value, avg, unreal, real}})
}
func (w wrap) UpdateAccountTime(ts string)        { w.r.add(ev{kind: "accttime", text: ts}) }
func (w wrap) AccountDownloadEnd(acct string)     { w.r.add(ev{kind: "acctend", text: acct}) }
func (w wrap) ExecDetailsEnd(req int64)           { w.r.add(ev{kind: "execend", req: req}) }
func (w wrap) OpenOrderEnd()                      { w.r.add(ev{kind: "openend"}) }
func (w wrap) CompletedOrdersEnd()                { w.r.add(ev{kind: "completedend"}) }
func (w wrap) AccountSummaryEnd(req int64)        { w.r.add(ev{kind: "summaryend", req: req}) }
func (w wrap) PositionMultiEnd(req int64)         { w.r.add(ev{kind: "posmultiend", req: req}) }
func (w wrap) AccountUpdateMultiEnd(req int64)    { w.r.add(ev{kind: "acctmultiend", req: req}) }
func (w wrap) HeadTimestamp(req int64, ts string) { w.r.add(ev{kind: "head", req: req, text: ts}) }
func (w wrap) AccountSummary(req int64, acct, tag, val, cur string) {
	w.r.add(ev{kind: "summary", req: req, text: tag, strs: []string{val, cur, acct}})
}
func (w wrap) PositionMulti(req int64, acct, model string, c *ibapi.Contract, pos ibapi.Decimal, avg float64) {
	w.r.add(ev{kind: "posmulti", req: req, text: acct, ct: c, f: pos.Float(), vals: []float64{avg}})
}
func (w wrap) AccountUpdateMulti(req int64, acct, model, key, val, cur string) {
	w.r.add(ev{kind: "acctmulti", req: req, text: key, strs: []string{val, cur, acct}})
}
func (w wrap) Pnl(req int64, daily, unreal, real float64) {
	w.r.add(ev{kind: "pnl", req: req, vals: []float64{daily, unreal, real}})
}
func (w wrap) PnlSingle(req int64, pos ibapi.Decimal, daily, unreal, real, value float64) {
	w.r.add(ev{kind: "pnlsingle", req: req, f: pos.Float(), vals: []float64{daily, unreal, real, value}})
}
func (w wrap) HistoricalData(req int64, b *ibapi.Bar) { w.r.add(ev{kind: "hist", req: req, bar: *b}) }
func (w wrap) HistoricalDataEnd(req int64, start, end string) {
	w.r.add(ev{kind: "histend", req: req, strs: []string{start, end}})
}
func (w wrap) HistoricalDataUpdate(req int64, b *ibapi.Bar) {
	w.r.add(ev{kind: "histupd", req: req, bar: *b})
}

// TestConnectTimeSync does what ib_async and most client libraries do at
// connect: positions, account updates (single and multi), executions, open
// and completed orders. Each one must end with its end message (with the
// request's id where it has one), no error, and agree with the market.
func TestConnectTimeSync(t *testing.T) {
	for _, v := range []int{100, 176, 193, 200} {
		t.Run(itoa(int64(v)), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v})
			c := dial(t, s, 1)
			c.c.ReqPositions()
			c.c.ReqAccountUpdates(true, "")
			multi := v >= 103 // the client refuses the *Multi requests below MODELS_SUPPORT
			if multi {
				c.c.ReqAccountUpdatesMulti(9001, "", "", false)
				c.c.ReqPositionsMulti(9004, "", "")
			}
			c.c.ReqExecutions(9002, ibapi.NewExecutionFilter())
			c.c.ReqOpenOrders()
			c.c.ReqAllOpenOrders()
			c.c.ReqAccountSummary(9003, "All", "NetLiquidation,TotalCashValue,AccountType,Bogus")
			if v >= 150 {
				c.c.ReqCompletedOrders(false)
				c.r.wait(t, "CompletedOrdersEnd", isKind("completedend"))
			}
			c.r.wait(t, "PositionEnd", isKind("positionend"))
			c.r.wait(t, "AccountDownloadEnd", func(e ev) bool { return e.kind == "acctend" && e.text == DefaultAccount })
			if multi {
				c.r.wait(t, "AccountUpdateMultiEnd", isKindReq("acctmultiend", 9001))
				c.r.wait(t, "PositionMultiEnd", isKindReq("posmultiend", 9004))
				if n := len(c.r.all(isKind("posmulti"))); n != len(s.Portfolio().Holdings) {
					t.Errorf("%d PositionMulti rows, want %d", n, len(s.Portfolio().Holdings))
				}
			}
			c.r.wait(t, "ExecDetailsEnd", isKindReq("execend", 9002))
			c.r.waitN(t, "two OpenOrderEnd", 2, isKind("openend"))
			c.r.wait(t, "AccountSummaryEnd", isKindReq("summaryend", 9003))
			if errs := c.r.all(func(e ev) bool { return e.kind == "err" && e.code < 2100 }); len(errs) > 0 {
				t.Errorf("errors during sync: %s", errTexts(errs))
			}

			p := s.Portfolio()
			pos := c.r.all(isKind("position"))
			if len(pos) != len(p.Holdings) || len(pos) == 0 {
				t.Fatalf("%d positions, want %d", len(pos), len(p.Holdings))
			}
			for i, e := range pos {
				h := p.Holdings[i]
				st, _ := s.Universe().Stock(h.Symbol)
				if e.ct.Symbol != h.Symbol || e.ct.ConID != st.ConID || e.f != h.Qty || e.vals[0] != h.AvgCost || e.text != DefaultAccount {
					t.Errorf("position %d = %s %d %v @%v (%s), want %+v", i, e.ct.Symbol, e.ct.ConID, e.f, e.vals[0], e.text, h)
				}
			}
			// Portfolio rows are valued at the streamed last price.
			sumValue := 0.0
			for _, e := range c.r.all(isKind("portfolio")) {
				q, _ := s.Market().Quote(e.ct.Symbol)
				if e.vals[0] <= 0 || e.vals[1] != round2(e.f*e.vals[0]) || e.vals[0] < q.Low || e.vals[0] > q.High {
					t.Errorf("portfolio %s: price %v value %v for %v shares (day range %v..%v)", e.ct.Symbol, e.vals[0], e.vals[1], e.f, q.Low, q.High)
				}
				sumValue += e.vals[1]
			}
			vals := map[string]string{}
			for _, e := range c.r.all(isKind("acctvalue")) {
				vals[e.text] = e.strs[0]
			}
			if vals["TotalCashValue"] != "1000000.00" || vals["AccountCode"] != DefaultAccount || vals["NetLiquidation"] == "" {
				t.Errorf("account values %v", vals)
			}
			if got := c.r.all(isKind("summary")); len(got) != 3 {
				t.Errorf("summary rows %v, want NetLiquidation, TotalCashValue and AccountType", got)
			}
		})
	}
}

// TestPnLStreams checks reqPnL and reqPnLSingle against the account.
func TestPnLStreams(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	p := s.Portfolio()
	st, _ := s.Universe().Stock(p.Holdings[0].Symbol)
	c.c.ReqPnL(1, DefaultAccount, "")
	c.c.ReqPnLSingle(2, DefaultAccount, "", st.ConID)
	c.c.ReqPnLSingle(3, DefaultAccount, "", 1)
	e := c.r.wait(t, "PnL", isKindReq("pnl", 1))
	if e.vals[2] != 0 || e.vals[1] == 0 {
		t.Errorf("pnl %v: want unrealized ≠ 0 and realized 0", e.vals)
	}
	one := c.r.wait(t, "PnLSingle", isKindReq("pnlsingle", 2))
	if one.f != p.Holdings[0].Qty || one.vals[3] <= 0 {
		t.Errorf("pnl single %v %v", one.f, one.vals)
	}
	none := c.r.wait(t, "PnLSingle of a contract not held", isKindReq("pnlsingle", 3))
	if none.f != 0 || none.vals[3] != ibapi.UNSET_FLOAT {
		t.Errorf("pnl single for a contract not held: %v %v", none.f, none.vals)
	}
}
