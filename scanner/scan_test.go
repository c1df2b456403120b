package scanner

import (
	"context"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// simDeals are the simulator's pending cash takeovers as Deals.
func simDeals(sim *twsim.Server) []Deal {
	var out []Deal
	for _, st := range sim.Universe().Stocks() {
		if d := st.Deal; d != nil {
			out = append(out, Deal{Symbol: st.Symbol, Price: d.Price, ExpectedClose: d.ExpectedClose, BreakPrice: d.BreakPrice})
		}
	}
	return out
}

// TestScanMatchesSimulator scans the simulator's seven deals: every leg's
// bid, ask and open interest is what the simulator served, every
// structure of every selected expiry is priced, and TWS counted no pacing
// (100) or line (101) error.
func TestScanMatchesSimulator(t *testing.T) {
	e := newEnv(t, frozen)
	deals := simDeals(e.sim)
	if len(deals) != 7 {
		t.Fatalf("the simulator has %d deals, want 7", len(deals))
	}
	f := NewFetcher(e.sup, FetcherOptions{})
	var last Progress
	t0 := time.Now()
	res, err := Scan(context.Background(), f, deals, ScanOptions{Progress: func(p Progress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d deals, %d contracts (%d one-sided), %d structures in %v", len(res.Deals), res.Contracts, res.OneSided, len(res.Structures), time.Since(t0))
	if !res.Complete || last.DealsDone != 7 || last.Quoted != res.Contracts {
		t.Errorf("incomplete: %+v, last progress %+v", res, last)
	}
	now := time.Now()
	kinds, priced := map[Kind]int{}, map[Kind]int{}
	for _, d := range res.Deals {
		if d.Err != nil || len(d.Expiries) == 0 {
			t.Errorf("%s: %v, expiries %v", d.Deal.Symbol, d.Err, d.Expiries)
		}
	}
	for _, s := range res.Structures {
		kinds[s.Kind]++
		oneSided := false
		for _, l := range s.Legs {
			oneSided = oneSided || !(l.Bid > 0 && l.Ask >= l.Bid)
		}
		if s.Priced == oneSided || s.Far.Cost.OK == oneSided {
			t.Errorf("%s %s %v: priced %v with a one-sided leg %v: %+v", s.Symbol, s.Expiry, s.Kind, s.Priced, oneSided, s.Legs)
		}
		if !oneSided {
			priced[s.Kind]++
		}
		for _, l := range s.Legs {
			if l.Right == "STK" {
				q, _ := e.sim.Market().Quote(s.Symbol)
				if l.Bid != q.Bid || l.Ask != q.Ask {
					t.Errorf("%s stock %v/%v, simulator %v/%v", s.Symbol, l.Bid, l.Ask, q.Bid, q.Ask)
				}
				continue
			}
			o, ok := e.sim.Universe().Option(s.Symbol, s.Expiry, l.Right[0], l.Strike, now)
			if !ok || o.ConID != l.Contract.ConID {
				t.Fatalf("%s %s %v%s not the simulator's contract", s.Symbol, s.Expiry, l.Strike, l.Right)
			}
			q, _ := e.sim.Market().OptionQuote(o, now)
			if l.Bid != q.Bid || l.Ask != q.Ask || l.OI != q.OpenInterest {
				t.Errorf("%s %s %v%s: %v/%v OI %v, simulator %v/%v OI %v", s.Symbol, s.Expiry, l.Strike, l.Right, l.Bid, l.Ask, l.OI, q.Bid, q.Ask, q.OpenInterest)
			}
		}
	}
	for _, k := range AllKinds() {
		if priced[k] == 0 {
			t.Errorf("no priced %v structure (%d unpriced)", k, kinds[k])
		}
	}
	e.noPacingErrors()
}

// TestScanAcrossRestart: TWS restarts in the middle of a scan. The scan
// waits for the new session and resumes where it stopped: every contract
// is quoted once more at most in the window it held (not the whole scan
// again), none is reported one-sided because of the outage, and the
// prices are the simulator's.
func TestScanAcrossRestart(t *testing.T) {
	e := newEnv(t, frozen)
	var deals []Deal
	for _, d := range simDeals(e.sim) {
		if d.Symbol == "HVLN" || d.Symbol == "ORVX" {
			deals = append(deals, d)
		}
	}
	f := NewFetcher(e.sup, FetcherOptions{})
	restarted := false
	var prev Progress
	opts := ScanOptions{Lines: 30, Wait: time.Second, Progress: func(p Progress) {
		if p.Quoted < prev.Quoted || p.DealsDone < prev.DealsDone || p.Quoted > p.Contracts {
			t.Errorf("progress went from %+v to %+v", prev, p)
		}
		prev = p
		if !restarted && p.Quoted >= p.Contracts/3 {
			restarted = true
			// Down for longer than a line's deadline: lines must wait for
			// TWS, not time out.
			e.sim.Restart(2 * time.Second)
		}
	}}
	res, err := Scan(context.Background(), f, deals, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !restarted {
		t.Fatal("the scan ended before the restart")
	}
	st := e.sim.State().Stats
	if st.Accepted < 2 {
		t.Errorf("the simulator accepted %d connections, want a second session", st.Accepted)
	}
	if !res.Complete || res.OneSided != 0 || res.Quoted != res.Contracts {
		t.Errorf("after the restart: complete %v, %d of %d quoted, %d one-sided", res.Complete, res.Quoted, res.Contracts, res.OneSided)
	}
	// Every contract once, plus at most the window re-requested.
	if reqs := st.ByMsgID[1]; reqs > int64(res.Contracts+opts.Lines) {
		t.Errorf("TWS saw %d market data requests for %d contracts: the scan started over", reqs, res.Contracts)
	}
	now := time.Now()
	for _, s := range res.Structures {
		for _, l := range s.Legs {
			if l.Right == "STK" {
				continue
			}
			o, _ := e.sim.Universe().Option(s.Symbol, s.Expiry, l.Right[0], l.Strike, now)
			q, _ := e.sim.Market().OptionQuote(o, now)
			if l.Bid != q.Bid || l.Ask != q.Ask {
				t.Fatalf("%s %s %v%s: %v/%v, simulator %v/%v", s.Symbol, s.Expiry, l.Strike, l.Right, l.Bid, l.Ask, q.Bid, q.Ask)
			}
		}
	}
	e.noPacingErrors()
}
