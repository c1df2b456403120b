package scanner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// quoter quotes many contracts through few market-data lines: a sliding
// window of at most lines streaming subscriptions. Each line stays open
// until its contract has both sides (and open interest, for an option) or
// its deadline passes; then it is cancelled and the next contract takes
// its line. Every request goes through the supervisor, whose pacer keeps
// TWS's message rate and whose budget keeps its line limit; a cancel is
// queued before the next request, so TWS never holds more than lines.
//
// While TWS is away (the quotes turn stale) the deadlines stop: the
// supervisor re-requests the same Subs on the next session and the window
// resumes where it stopped. Results already recorded are kept.
type quoter struct {
	c     Client
	lines int
	// wait is each line's deadline, counted from TWS's first answer to
	// its request (the market data type, an error or data) while TWS is
	// up: the pacer may hold a request back for seconds behind the
	// window's other requests and cancels. A request TWS never answers is
	// given up after unanswered.
	wait, unanswered time.Duration
	now              func() time.Time
	// done, if set, is called after each contract is recorded.
	done func(c conn.Contract, q legQuote)
}

// open is one line of the window.
type open struct {
	c     conn.Contract
	sub   *conn.Sub
	since time.Time // the request, then its first answer
	// answered is set at TWS's first answer; switched once the
	// supervisor re-requested the line as delayed data (a new request,
	// queued behind the others: unanswered again).
	answered, switched bool
}

// deadline is when the line is given up.
func (o *open) deadline(q *quoter) time.Time {
	if o.answered {
		return o.since.Add(q.wait)
	}
	return o.since.Add(q.unanswered)
}

// observe advances the line's clock from its quote.
func (o *open) observe(qt conn.Quote, now time.Time) {
	switch {
	case qt.Stale:
		o.since = now // TWS away: the deadline waits for it
	case !o.switched && qt.Delayed && switching(qt.ErrCode):
		o.switched, o.answered, o.since = true, false, now
	case !o.answered && (qt.Type != conn.MDUnknown || !qt.Updated.IsZero() || (qt.ErrCode != 0 && !switching(qt.ErrCode))):
		o.answered, o.since = true, now
	}
}

// switching reports whether code makes the supervisor re-request a line
// as delayed data (no live subscription).
func switching(code int64) bool {
	switch code {
	case 354, 10089, 10090, 10091:
		return true
	}
	return false
}

// quote records a legQuote in got for every contract in cs not there yet.
// On error (ctx ended, the budget has no line at all) the contracts not
// recorded are missing from got; every line it opened is closed.
func (q *quoter) quote(ctx context.Context, cs []conn.Contract, got map[int64]legQuote) error {
	sig := make(chan struct{}, 1)
	var live []*open
	defer func() {
		for _, o := range live {
			o.sub.Close()
		}
	}()
	timer := time.NewTimer(q.wait)
	defer timer.Stop()
	next := 0
	for {
		for next < len(cs) && len(live) < q.lines {
			c := cs[next]
			if _, ok := got[c.ConID]; ok {
				next++
				continue
			}
			generic := openInterestTicks
			if c.SecType == "STK" {
				generic = ""
			}
			sub, err := q.c.Subscribe(ctx, c, conn.SubOptions{Generic: generic, AutoDelayed: true, Notify: sig})
			if errors.Is(err, conn.ErrLineBudget) && len(live) > 0 {
				break // another part of the app holds lines: use fewer
			}
			if err != nil {
				return fmt.Errorf("scan: market data for %s: %w", describe(c), err)
			}
			live = append(live, &open{c: c, sub: sub, since: q.now()})
			next++
		}
		if len(live) == 0 {
			return nil
		}
		now := q.now()
		keep := live[:0]
		var first time.Time // the earliest deadline left
		for _, o := range live {
			qt := o.sub.Quote()
			done := quoteDone(qt, o.c.SecType != "STK")
			if !done {
				o.observe(qt, now)
			}
			if done || !now.Before(o.deadline(q)) {
				lq := legQuote{Bid: qt.Bid, Ask: qt.Ask, OI: qt.OpenInterest, Done: done}
				got[o.c.ConID] = lq
				o.sub.Close()
				if q.done != nil {
					q.done(o.c, lq)
				}
				continue
			}
			keep = append(keep, o)
			if d := o.deadline(q); first.IsZero() || d.Before(first) {
				first = d
			}
		}
		for i := len(keep); i < len(live); i++ {
			live[i] = nil
		}
		live = keep
		if len(live) == 0 {
			continue
		}
		timer.Reset(max(first.Sub(now), time.Millisecond))
		select {
		case <-sig:
		case <-timer.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// quoteDone reports whether a line has delivered what the scan needs:
// both sides (a bid of 0 is an answer: no bid) and, for an option, the
// open interest; or an error that ends the line.
func quoteDone(q conn.Quote, option bool) bool {
	if refused(q.ErrCode) {
		return true
	}
	if q.Stale {
		return false
	}
	return conn.Has(q.Bid) && conn.Has(q.Ask) && (!option || conn.Has(q.OpenInterest))
}

// describe names a contract for an error message.
func describe(c conn.Contract) string {
	if c.SecType == "OPT" {
		return fmt.Sprintf("%s %s %s%s", c.Symbol, c.Expiry, FormatStrike(c.Strike), c.Right)
	}
	return c.Symbol
}
