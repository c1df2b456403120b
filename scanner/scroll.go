package scanner

import (
	"context"

	"github.com/ibwatch/ibwatch/conn"
)

// Scroll moves the window by delta strikes (+ = higher), clamped to the
// expiry's strikes. Lines leaving the window are cancelled before lines
// entering it are opened, so the chain never holds more than its budget.
// If opening a line fails, that strike stays without a line and the error
// is returned.
func (c *Chain) Scroll(ctx context.Context, delta int) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	n, cnt := len(c.series.Strikes), len(c.calls)
	from := min(max(c.from+delta, 0), n-cnt)
	c.mu.Unlock()
	return c.moveTo(ctx, from)
}

// Recenter moves the window back around the current money line (inside
// the deal range for a deal chain).
func (c *Chain) Recenter(ctx context.Context) error {
	w := c.win
	w.Offset = 0
	from, _ := SelectStrikes(c.series.Strikes, c.underPrice(), w)
	return c.moveTo(ctx, from)
}

// moveTo makes from the window's first strike.
func (c *Chain) moveTo(ctx context.Context, from int) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if from == c.from {
		c.mu.Unlock()
		return nil
	}
	cnt := len(c.calls)
	old := map[int][2]*conn.Sub{}
	for i := range cnt {
		old[c.from+i] = [2]*conn.Sub{c.calls[i], c.puts[i]}
	}
	var leaving []*conn.Sub
	calls, puts := make([]*conn.Sub, cnt), make([]*conn.Sub, cnt)
	keep := map[int]bool{}
	for k, p := range old {
		if k >= from && k < from+cnt {
			calls[k-from], puts[k-from] = p[0], p[1]
			keep[k] = true
		} else {
			leaving = append(leaving, p[0], p[1])
		}
	}
	c.from, c.calls, c.puts = from, calls, puts
	// Cancel before opening: the supervisor processes in order.
	for _, s := range leaving {
		if s != nil {
			s.Close()
		}
	}
	var err error
	for i := range cnt {
		if keep[from+i] {
			continue
		}
		if e := c.openStrikeLocked(ctx, i); e != nil && err == nil {
			err = e
		}
	}
	c.mu.Unlock()
	c.poke()
	return err
}

// Snapshot returns the chain's table now.
func (c *Chain) Snapshot() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Snapshot{
		Gen: c.gen, Symbol: c.def.Symbol, Name: c.def.Name, ConID: c.def.ConID,
		Expiry: c.series.Expiry, Expiries: c.def.Expiries, Multiplier: c.def.MultiplierValue(),
		First: c.from, Total: len(c.series.Strikes), Money: -1, Time: c.f.now(),
	}
	s.Underlying = conn.Quote{}
	if c.under != nil {
		s.Underlying = c.under.Quote()
	}
	s.UnderPrice = UnderPrice(s.Underlying)
	s.Lines = c.linesLocked()
	uq := s.Underlying
	complete := c.under != nil && ((conn.Has(uq.Bid) && conn.Has(uq.Ask)) || conn.Has(uq.Last) || refused(uq.ErrCode))
	full := complete
	badge := BadgeWaiting
	if c.under != nil {
		badge = BadgeOf(s.Underlying)
	}
	money := nearest(c.series.Strikes, s.UnderPrice)
	s.Rows = make([]Row, len(c.calls))
	for i := range c.calls {
		k := c.from + i
		r := Row{Strike: c.series.Strikes[k], Money: k == money}
		r.Call = side(c.series.Calls[k], c.calls[i])
		r.Put = side(c.series.Puts[k], c.puts[i])
		if finite(s.UnderPrice) {
			r.Call.ITM = r.Strike < s.UnderPrice
			r.Put.ITM = r.Strike > s.UnderPrice
		}
		for _, sd := range []*Side{&r.Call, &r.Put} {
			if sd.HasLine {
				complete = complete && sd.Ready
				full = full && sd.Full
				badge = worse(badge, sd.Badge)
			}
		}
		if r.Money {
			s.Money = i
		}
		s.Rows[i] = r
	}
	s.Complete, s.Full, s.Badge = complete && !c.closed, full && complete && !c.closed, badge
	if c.deal != nil {
		l := ComputeLens(s.LensInput(*c.deal))
		s.Lens = &l
	}
	return s
}

// LensInput returns the lens input for the snapshot's rows and deal d.
func (s Snapshot) LensInput(d Deal) LensInput {
	in := LensInput{Deal: d, Under: s.UnderPrice, Expiry: s.Expiry, Multiplier: s.Multiplier, Now: s.Time}
	in.Strikes = make([]StrikeQuote, len(s.Rows))
	for i, r := range s.Rows {
		in.Strikes[i] = StrikeQuote{Strike: r.Strike, CallBid: r.Call.Bid, CallAsk: r.Call.Ask, PutBid: r.Put.Bid, PutAsk: r.Put.Ask}
	}
	return in
}
