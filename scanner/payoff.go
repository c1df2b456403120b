package scanner

import "math"

// Payoffs per share, with D the deal's cash price, B the break price, div
// the dividends paid before the close, w = K2 − K1 for a vertical, and leg
// prices S (stock), C (call), P (put) at mid or far touch:
//
//	kind          cost       value at D          max profit    max loss    breakeven     loss if break (S → B)
//	stock         S          D + div             D + div − S   S           S − div       S − B − div
//	long call     C          max(D−K, 0)         at D          C           K + C         C − max(B−K, 0)
//	call vertical C1 − C2    clamp(D−K1, 0, w)   w − debit     debit       K1 + debit    debit − clamp(B−K1, 0, w)
//	put vertical  −(P2 − P1) −clamp(K2−D, 0, w)  credit        w − credit  K2 − credit   clamp(K2−B, 0, w) − credit
//	short put     −P         −max(K−D, 0)        P             K − P       K − P         max(K−B, 0) − P
//	covered call  S − C      min(D, K) + div     K − cost+div  S − C       S − C − div   S − C − min(B, K) − div
//
// Profit = value − cost. Capital at risk: the cost for debit structures,
// the max loss for credit ones (a cash-secured put ties up K − P). Return
// = profit / capital when capital > 0. Annual = return × 365 / days to
// exit (simple), for a gain only. EV = p × profit − (1 − p) × loss if
// break. The covered call's break loss uses min(B, K): a break above the
// strike is capped by the short call.

// figures computes one pricing of a structure; at gives each leg's price
// (mid or far touch). Any missing price makes every figure NA.
func figures(k Kind, legs []Leg, at func(Leg) Num, k1, k2 float64, t dealTerms, days Num) Figures {
	var f Figures
	p := make([]Num, len(legs))
	for i, l := range legs {
		if p[i] = at(l); !p[i].OK {
			return f
		}
	}
	D, B := t.D, t.B
	if !D.OK {
		return f
	}
	dv := num(t.Div)
	K1, K2 := num(k1), num(k2)
	w := sub(K2, K1)
	clamp := func(x, hi Num) Num {
		if !x.OK || !hi.OK {
			return NA
		}
		return num(min(max(x.V, 0), hi.V))
	}
	pos := func(x Num) Num { return clamp(x, num(math.MaxFloat64)) }
	credit := false
	switch k {
	case KindStock:
		S := p[0]
		f.Cost, f.Value = S, add(D, dv)
		f.MaxLoss, f.Breakeven = S, sub(S, dv)
		f.LossIfBreak = sub(sub(S, B), dv)
	case KindLongCall:
		C := p[0]
		f.Cost, f.Value = C, pos(sub(D, K1))
		f.MaxLoss, f.Breakeven = C, add(K1, C)
		f.LossIfBreak = sub(C, pos(sub(B, K1)))
	case KindCallVertical:
		debit := sub(p[0], p[1])
		f.Cost, f.Value = debit, clamp(sub(D, K1), w)
		f.MaxProfit = sub(w, debit)
		f.MaxLoss, f.Breakeven = debit, add(K1, debit)
		f.LossIfBreak = sub(debit, clamp(sub(B, K1), w))
	case KindPutVertical: // legs: sell K2, buy K1
		cr := sub(p[0], p[1])
		credit = true
		f.Cost, f.Value = neg(cr), neg(clamp(sub(K2, D), w))
		f.MaxProfit, f.MaxLoss = cr, sub(w, cr)
		f.Breakeven = sub(K2, cr)
		f.LossIfBreak = sub(clamp(sub(K2, B), w), cr)
	case KindShortPut:
		P := p[0]
		credit = true
		f.Cost, f.Value = neg(P), neg(pos(sub(K1, D)))
		f.MaxProfit, f.MaxLoss = P, sub(K1, P)
		f.Breakeven = sub(K1, P)
		f.LossIfBreak = sub(pos(sub(K1, B)), P)
	case KindCoveredCall: // legs: buy stock, sell K
		cost := sub(p[0], p[1])
		f.Cost, f.Value = cost, add(num(math.Min(D.V, k1)), dv)
		f.MaxProfit = add(sub(K1, cost), dv)
		f.MaxLoss, f.Breakeven = cost, sub(cost, dv)
		if B.OK {
			f.LossIfBreak = sub(sub(cost, num(math.Min(B.V, k1))), dv)
		}
	}
	if !B.OK {
		f.LossIfBreak = NA
	}
	f.Profit = sub(f.Value, f.Cost)
	if !f.MaxProfit.OK {
		f.MaxProfit = f.Profit // unbounded above: the profit at D
	}
	f.Capital = f.Cost
	if credit {
		f.Capital = f.MaxLoss
	}
	if f.Capital.OK && f.Capital.V <= 0 {
		f.Capital = NA // crossed or free: no ratio over a zero or negative stake
	}
	f.Return = div(f.Profit, f.Capital)
	f.Annual = annualise(f.Return, days)
	if t.Prob.OK && f.LossIfBreak.OK && f.Profit.OK {
		f.EV = num(t.Prob.V*f.Profit.V - (1-t.Prob.V)*f.LossIfBreak.V)
	}
	return f
}

// add returns a+b, or NA.
func add(a, b Num) Num {
	if !a.OK || !b.OK {
		return NA
	}
	return num(a.V + b.V)
}

// neg returns −a, or NA.
func neg(a Num) Num {
	if !a.OK {
		return NA
	}
	return num(-a.V)
}
