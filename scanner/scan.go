package scanner

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// ScanOptions configures Scan. Zero values take the defaults.
type ScanOptions struct {
	// Selection applies to every deal without its own in PerDeal (by
	// symbol); zero fields take DefaultSelection's.
	Selection Selection
	PerDeal   map[string]Selection
	// Kinds limits the structures built (nil = every kind).
	Kinds map[Kind]bool
	// Lines is the most market-data lines the scan holds at once
	// (default 90, under the supervisor's default budget of 95).
	Lines int
	// Wait is each contract's deadline for both sides of its quote,
	// counted from TWS's first answer while TWS is up (default 3 s); a
	// contract still one-sided then is recorded as it is and its
	// structures stay unpriced. A request with no answer at all is given
	// up after 5 × Wait.
	Wait time.Duration
	// Rate is the supervisor's request rate, for the time-left estimate
	// (default 42 per second).
	Rate float64
	// Progress, if set, is called (from Scan's goroutine) as the scan
	// moves.
	Progress func(Progress)
	// Retry is the pause between attempts while TWS is not connected
	// (default 250 ms).
	Retry time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o ScanOptions) withDefaults() ScanOptions {
	if o.Lines <= 0 {
		o.Lines = 90
	}
	if o.Wait <= 0 {
		o.Wait = 3 * time.Second
	}
	if !(o.Rate > 0) || math.IsInf(o.Rate, 0) {
		o.Rate = 42
	}
	if o.Retry <= 0 {
		o.Retry = 250 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Progress is where a scan stands.
type Progress struct {
	Deals, DealsDone  int
	Contracts, Quoted int
	// Left estimates the time to the end: two requests (subscribe and
	// cancel) per contract left at the pacing rate.
	Left time.Duration
}

// DealScan is one deal's part of a scan: its terms, its header at the
// stock's mid, the expiries scanned, and why it could not be scanned.
type DealScan struct {
	Deal     Deal
	Header   DealHeader
	Expiries []string
	Err      error
}

// ScanResult is a whole scan. Structures are unranked: see Rank.
type ScanResult struct {
	Started, Finished time.Time
	Deals             []DealScan
	Structures        []Structure
	// Contracts is how many contracts the candidates needed; Quoted how
	// many delivered both sides in time; OneSided how many did not.
	Contracts, Quoted, OneSided int
	// Complete is false when the scan was cut short (its context ended):
	// structures with a leg never quoted are unpriced, not complete.
	Complete bool
}

// dealPlan is one deal's candidates and the contracts they need.
type dealPlan struct {
	ds     DealScan
	under  conn.Contract
	ss     []Structure
	needed []conn.Contract
}

// Scan prices every candidate structure of every deal: it resolves each
// deal's option listing through f (cached), builds the candidates of the
// selected expiries, quotes every contract they need through a window of
// at most Lines lines, and prices them. A deal that cannot be scanned
// (unknown symbol, no options) carries its error; a lost connection is
// waited out. On ctx's end it returns what it has with Complete false and
// ctx's error.
func Scan(ctx context.Context, f *Fetcher, deals []Deal, o ScanOptions) (ScanResult, error) {
	o = o.withDefaults()
	res := ScanResult{Started: o.Now()}
	var plans []*dealPlan
	for _, d := range deals {
		p, err := plan(ctx, f, d, o)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		p.ds.Err = err
		plans = append(plans, p)
	}
	var all []conn.Contract
	seen := map[int64]bool{}
	for _, p := range plans {
		for _, c := range p.needed {
			if !seen[c.ConID] {
				seen[c.ConID] = true
				all = append(all, c)
			}
		}
	}
	res.Contracts = len(all)
	got := make(map[int64]legQuote, len(all))
	left := map[int]int{} // plan index → contracts not yet recorded
	owner := map[int64][]int{}
	for i, p := range plans {
		for _, c := range p.needed {
			left[i]++
			owner[c.ConID] = append(owner[c.ConID], i)
		}
	}
	prog := Progress{Deals: len(plans), Contracts: len(all)}
	for i := range plans {
		if left[i] == 0 {
			prog.DealsDone++
		}
	}
	report := func() {
		if o.Progress != nil {
			prog.Left = time.Duration(float64(2*(prog.Contracts-prog.Quoted)) / o.Rate * float64(time.Second))
			o.Progress(prog)
		}
	}
	report()
	q := &quoter{c: f.c, lines: o.Lines, wait: o.Wait, unanswered: 5 * o.Wait, now: o.Now, done: func(c conn.Contract, lq legQuote) {
		prog.Quoted++
		for _, i := range owner[c.ConID] {
			if left[i]--; left[i] == 0 {
				prog.DealsDone++
			}
		}
		report()
	}}
	err := q.quote(ctx, all, got)
	now := o.Now()
	for _, p := range plans {
		stock := stockQuoteLeg(p.under, got)
		priceAll(p.ss, p.ds.Deal, got, stock, now)
		p.ds.Header = ComputeDealHeader(p.ds.Deal, stock.mid().Float(), now)
		res.Deals = append(res.Deals, p.ds)
		res.Structures = append(res.Structures, p.ss...)
	}
	for _, lq := range got {
		if lq.Done {
			res.Quoted++
		} else {
			res.OneSided++
		}
	}
	res.Finished = now
	res.Complete = err == nil
	return res, err
}

// stockQuoteLeg is the deal stock's BUY leg with its recorded quote.
func stockQuoteLeg(under conn.Contract, got map[int64]legQuote) Leg {
	l := stockLeg(under.Symbol)
	l.Contract = under
	if q, ok := got[under.ConID]; ok && under.ConID != 0 {
		l.Bid, l.Ask = q.Bid, q.Ask
	}
	return l
}

// plan resolves one deal's listing and builds its candidates.
func plan(ctx context.Context, f *Fetcher, d Deal, o ScanOptions) (*dealPlan, error) {
	p := &dealPlan{ds: DealScan{Deal: d}}
	sel := o.Selection
	if s, ok := o.PerDeal[d.Symbol]; ok {
		sel = s
	}
	var def *Definition
	err := retry(ctx, o.Retry, func() (err error) { def, err = f.Definition(ctx, d.Symbol); return err })
	if err != nil {
		return p, err
	}
	p.under = def.Underlying
	if o.Kinds == nil || o.Kinds[KindStock] {
		p.ss = append(p.ss, StockCandidate(d, def.Underlying))
	}
	p.needed = append(p.needed, def.Underlying)
	p.ds.Expiries = sel.Expiries(d, def.Expiries)
	mult := def.MultiplierValue()
	for _, e := range p.ds.Expiries {
		var s *Series
		err := retry(ctx, o.Retry, func() (err error) { s, err = f.Series(ctx, def, e); return err })
		if errors.Is(err, ErrNoStrikes) {
			continue
		}
		if err != nil {
			return p, err
		}
		ss := sel.Candidates(d, s, mult, o.Kinds)
		for i := range ss {
			for _, l := range ss[i].Legs {
				if l.Right != "STK" {
					p.needed = append(p.needed, l.Contract)
				}
			}
		}
		p.ss = append(p.ss, ss...)
	}
	seen := map[int64]bool{}
	p.needed = slices.DeleteFunc(p.needed, func(c conn.Contract) bool {
		dup := seen[c.ConID]
		seen[c.ConID] = true
		return dup
	})
	return p, nil
}

// retry runs do until it succeeds, fails for a reason other than a lost
// connection, or ctx ends; while TWS is not connected it tries again every
// pause (the supervisor reconnects on its own).
func retry(ctx context.Context, pause time.Duration, do func() error) error {
	t := time.NewTimer(pause)
	defer t.Stop()
	for {
		err := do()
		if !errors.Is(err, conn.ErrNotConnected) {
			return err
		}
		t.Reset(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
