package scanner

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
	"github.com/ibwatch/ibwatch/conn/twsim/market"
)

// frozen is a simulator whose prices do not move after start (the market
// steps once an hour), so the chain can be compared with what it serves.
var frozen = twsim.Config{TickInterval: time.Hour}

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %v, want %v ± %v", what, got, want, tol)
	}
}

// checkRows compares every row of s with the simulator's listing and
// quotes: structure exactly, values within a tick.
func checkRows(t *testing.T, sim *twsim.Server, s Snapshot) {
	t.Helper()
	now := time.Now()
	wantStrikes := sim.Universe().Strikes(s.Symbol, s.Expiry, now)
	if s.Total != len(wantStrikes) {
		t.Errorf("%s %s: %d strikes listed, simulator lists %d", s.Symbol, s.Expiry, s.Total, len(wantStrikes))
	}
	for i, r := range s.Rows {
		if k := s.First + i; k >= len(wantStrikes) || wantStrikes[k] != r.Strike {
			t.Fatalf("row %d strike %v is not the simulator's strike #%d", i, r.Strike, k)
		}
		for _, leg := range []struct {
			right byte
			sd    Side
		}{{'C', r.Call}, {'P', r.Put}} {
			o, ok := sim.Universe().Option(s.Symbol, s.Expiry, leg.right, r.Strike, now)
			if !ok {
				t.Fatalf("%s %s %c %v not listed by the simulator", s.Symbol, s.Expiry, leg.right, r.Strike)
			}
			sd := leg.sd
			if sd.Contract.ConID != o.ConID || sd.Contract.Right != string(leg.right) || !sd.HasLine {
				t.Errorf("%v%c: conId %d right %q line %v, want %d %c", r.Strike, leg.right, sd.Contract.ConID, sd.Contract.Right, sd.HasLine, o.ConID, leg.right)
			}
			q, ok := sim.Market().OptionQuote(o, now)
			if !ok {
				t.Fatalf("no simulator quote for %v%c", r.Strike, leg.right)
			}
			what := s.Symbol + " " + FormatStrike(r.Strike) + string(leg.right)
			if q.Bid > 0 {
				within(t, what+" bid", sd.Bid, q.Bid, 0.051)
			}
			within(t, what+" ask", sd.Ask, q.Ask, 0.051)
			within(t, what+" last", sd.Last, q.Last, 0.051)
			within(t, what+" IV", sd.IV, q.IV, 0.005)
			within(t, what+" delta", sd.Delta, q.Delta, 0.01)
			within(t, what+" OI", sd.OI, q.OpenInterest, 0)
		}
		u := s.UnderPrice
		if r.Call.ITM != (r.Strike < u) || r.Put.ITM != (r.Strike > u) {
			t.Errorf("strike %v ITM flags call %v put %v with the underlying at %v", r.Strike, r.Call.ITM, r.Put.ITM, u)
		}
	}
}

func TestChainMatchesSimulator(t *testing.T) {
	e := newEnv(t, frozen)
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	ctx := context.Background()
	now := time.Now()

	def, err := f.Definition(ctx, "aapl")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := e.sim.Universe().Stock("AAPL")
	if def.ConID != st.ConID || def.Symbol != "AAPL" || def.Name != st.Name || def.Multiplier != "100" || def.OptExchange != "SMART" {
		t.Errorf("definition %+v, want conId %d name %q multiplier 100 exchange SMART", def, st.ConID, st.Name)
	}
	if want := e.sim.Universe().Expirations("AAPL", now); !slices.Equal(def.Expiries, want) {
		t.Errorf("expiries %v, want %v", def.Expiries, want)
	}
	// The cached definition is the same object; no second request.
	reqs := e.sim.State().Stats.ByMsgID[9]
	if again, _ := f.Definition(ctx, "AAPL"); again != def || e.sim.State().Stats.ByMsgID[9] != reqs {
		t.Error("second Definition was not served from the cache")
	}

	ch, err := f.Open(ctx, OpenRequest{Gen: 1, Def: def})
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultExpiry(def.Expiries, nil, time.Now()); ch.Expiry() != want || (ch.Expiry() != def.Expiries[0] && ch.Expiry() != def.Expiries[1]) {
		t.Errorf("default expiry %s, want the nearest trading one %s", ch.Expiry(), want)
	}
	s, err := ch.WaitFull(withTimeout(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != DefaultStrikes || s.Lines != 2*DefaultStrikes+1 || s.Gen != 1 {
		t.Fatalf("%d rows, %d lines, gen %d; want 21, 43, 1", len(s.Rows), s.Lines, s.Gen)
	}
	if s.Badge != BadgeLive {
		t.Errorf("badge %s, want live", s.Badge)
	}
	sq, _ := e.sim.Market().Quote("AAPL")
	within(t, "underlying price", s.UnderPrice, (sq.Bid+sq.Ask)/2, 1e-9)
	all := e.sim.Universe().Strikes("AAPL", s.Expiry, now)
	money := nearest(all, s.UnderPrice)
	if s.Money < 0 || s.Rows[s.Money].Strike != all[money] || s.Money != 10 {
		t.Errorf("money row %d, want strike %v in the middle (row 10)", s.Money, all[money])
	}
	checkRows(t, e.sim, s)
	if n := e.lines(); n != 43 {
		t.Errorf("supervisor holds %d lines, want 43", n)
	}
	eventually(t, "TWS holds 43 lines", 5*time.Second, func() bool { return e.simLines() == 43 })

	// Another expiry: its own strikes (the per-expiry ladder, not the
	// cross product of every expiry).
	last := def.Expiries[len(def.Expiries)-1]
	ch2, err := f.Open(ctx, OpenRequest{Gen: 2, Def: def, Expiry: last, Window: Window{Count: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Active() != ch2 {
		t.Error("the new chain is not the active one")
	}
	if ch.Lines() != 0 || ch.Snapshot().Complete {
		t.Error("the previous chain still holds lines")
	}
	s2, err := ch2.WaitFull(withTimeout(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(s2.Rows) != 5 || s2.Expiry != last {
		t.Fatalf("%d rows for %s", len(s2.Rows), s2.Expiry)
	}
	if len(def.AllStrikes) <= s2.Total {
		t.Errorf("the cross product (%d) should list more strikes than one expiry (%d)", len(def.AllStrikes), s2.Total)
	}
	checkRows(t, e.sim, s2)
	eventually(t, "TWS holds 11 lines", 5*time.Second, func() bool { return e.simLines() == 11 })
	e.noPacingErrors()
}

func withTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestUnknownSymbolAndNoExpiry(t *testing.T) {
	e := newEnv(t, frozen)
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	_, err := f.FetchChain(context.Background(), ChainRequest{Gen: 1, Symbol: "ZZZQ"})
	if !errors.Is(err, ErrUnknownSymbol) {
		t.Errorf("ZZZQ: %v, want ErrUnknownSymbol", err)
	}
	def, err := f.Definition(context.Background(), "MSFT")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Open(context.Background(), OpenRequest{Gen: 2, Def: def, Expiry: "20991218"})
	if !errors.Is(err, ErrNoStrikes) {
		t.Errorf("unlisted expiry: %v, want ErrNoStrikes", err)
	}
	if _, err := f.Open(context.Background(), OpenRequest{Gen: 1, Def: def}); !errors.Is(err, ErrSuperseded) {
		t.Errorf("older generation: %v, want ErrSuperseded", err)
	}
	if n := e.lines(); n != 0 {
		t.Errorf("%d lines held after failed opens", n)
	}
}

func TestDealChainAndLens(t *testing.T) {
	e := newEnv(t, frozen)
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	st, _ := e.sim.Universe().Stock("HVLN")
	deal := Deal{Symbol: "HVLN", Price: st.Deal.Price, ExpectedClose: st.Deal.ExpectedClose, BreakPrice: st.Deal.BreakPrice}
	ch, err := f.FetchChain(context.Background(), ChainRequest{Gen: 7, Symbol: "HVLN", Deal: &deal})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ch.WaitFull(withTimeout(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	exps := e.sim.Universe().Expirations("HVLN", time.Now())
	if want := DefaultExpiry(exps, &deal, time.Now()); s.Expiry != want || s.Expiry < deal.ExpectedClose.Format(expiryLayout) {
		t.Errorf("expiry %s, want %s, the first on/after the close %s", s.Expiry, want, deal.ExpectedClose.Format("2006-01-02"))
	}
	for _, r := range s.Rows {
		if r.Strike < 0.75*deal.Price-1e-9 || r.Strike > 1.10*deal.Price+1e-9 {
			t.Errorf("strike %v outside the deal window %v..%v", r.Strike, 0.75*deal.Price, 1.10*deal.Price)
		}
	}
	all := e.sim.Universe().Strikes("HVLN", s.Expiry, time.Now())
	var inRange int
	for _, k := range all {
		if k >= 0.75*deal.Price && k <= 1.10*deal.Price {
			inRange++
		}
	}
	if len(s.Rows) != min(inRange, DefaultStrikes) {
		t.Errorf("%d rows, want the %d listed strikes in the deal range (max 21)", len(s.Rows), inRange)
	}
	checkRows(t, e.sim, s)
	if s.Lens == nil {
		t.Fatal("no lens on a deal chain")
	}
	l := s.Lens
	S := s.UnderPrice
	near(t, "spread", l.Header.SpreadUSD, deal.Price-S)
	near(t, "return", l.Header.Return, (deal.Price-S)/S)
	near(t, "probability", l.Header.Prob, min(max((S-deal.BreakPrice)/(deal.Price-deal.BreakPrice), 0), 1))
	if l.Timing == TimingBefore {
		t.Errorf("timing %v for the default deal expiry", l.Timing)
	}
	for i, r := range s.Rows {
		sl := l.Strikes[i]
		if ask := r.Call.Ask; ask > 0 {
			near(t, "long call far payoff", sl.Call.FarTouch.Payoff, (math.Max(deal.Price-r.Strike, 0)-ask)*100)
		}
		if bid := r.Put.Bid; bid > 0 {
			near(t, "short put far payoff", sl.Put.FarTouch.Payoff, (bid-math.Max(r.Strike-deal.Price, 0))*100)
			near(t, "short put capital", sl.Put.FarTouch.Capital, (r.Strike-bid)*100)
		}
	}
	if l.BestCall < 0 || l.BestPut < 0 {
		t.Errorf("no best long call / short put: %d %d", l.BestCall, l.BestPut)
	}
	e.noPacingErrors()
}

func TestDelayedFallback(t *testing.T) {
	e := newEnv(t, twsim.Config{})
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	ch, err := f.FetchChain(context.Background(), ChainRequest{Gen: 1, Symbol: "ROKU", Window: Window{Count: 5}})
	if err != nil {
		t.Fatal(err)
	}
	s := waitSnap(t, ch, "a complete delayed chain", 20*time.Second, func(s Snapshot) bool {
		return s.Complete && s.Badge == BadgeDelayed
	})
	for _, r := range s.Rows {
		for _, sd := range []Side{r.Call, r.Put} {
			if sd.Badge != BadgeDelayed || math.IsNaN(sd.Ask) {
				t.Errorf("%v %s: badge %s ask %v, want delayed data", r.Strike, sd.Contract.Right, sd.Badge, sd.Ask)
			}
		}
	}
	if BadgeOf(s.Underlying) != BadgeDelayed || math.IsNaN(s.UnderPrice) {
		t.Errorf("underlying badge %s price %v", BadgeOf(s.Underlying), s.UnderPrice)
	}
	if st := e.sim.State(); st.Stats.ErrorsSent[10089]+st.Stats.ErrorsSent[10167] == 0 {
		t.Error("the simulator never said the data was not subscribed")
	}
	// A live symbol opened afterwards is labelled live, not delayed.
	ch2, err := f.FetchChain(context.Background(), ChainRequest{Gen: 2, Symbol: "MSFT", Window: Window{Count: 3}})
	if err != nil {
		t.Fatal(err)
	}
	waitSnap(t, ch2, "a live MSFT chain", 20*time.Second, func(s Snapshot) bool { return s.Complete && s.Badge == BadgeLive })
	e.noPacingErrors()
}

// liveStock reports whether the default universe has a live subscription
// for symbol (guards the test data assumptions).
func liveStock(symbol string) bool {
	st, ok := market.Default().Stock(symbol)
	return ok && st.Live
}

func TestTestDataAssumptions(t *testing.T) {
	if liveStock("ROKU") || !liveStock("AAPL") || !liveStock("MSFT") {
		t.Fatal("the simulator's default universe changed: ROKU must be delayed-only, AAPL and MSFT live")
	}
	if st, _ := market.Default().Stock("HVLN"); st.Deal == nil || st.Deal.BreakPrice == 0 {
		t.Fatal("HVLN must be a deal stock with a break price")
	}
}
