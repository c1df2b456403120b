package scanner

import (
	"encoding/json"
	"time"
)

// The JSON form of a ranked scan (`ibwatch scan --json`). Money is per
// share (× multiplier per contract) rounded to cents; ratios are fractions
// rounded to 4 decimals; a figure that is not available is null, never
// NaN, Inf or a sentinel.

type legJSON struct {
	Action string `json:"action"`
	Right  string `json:"right"`
	Strike *Cents `json:"strike"`
	ConID  int64  `json:"conId,omitempty"`
	Bid    Cents  `json:"bid"`
	Ask    Cents  `json:"ask"`
	OI     *int64 `json:"oi"`
}

type scanRowJSON struct {
	Rank          *int      `json:"rank"`
	Symbol        string    `json:"symbol"`
	Structure     Kind      `json:"structure"`
	Expiry        *string   `json:"expiry"`
	Legs          []legJSON `json:"legs"`
	Priced        bool      `json:"priced"`
	CostFar       Cents     `json:"cost_far"`
	CostMid       Cents     `json:"cost_mid"`
	ValueAtClose  Cents     `json:"value_at_close"`
	ProfitFar     Cents     `json:"profit_far"`
	MaxProfit     Cents     `json:"max_profit"`
	MaxLoss       Cents     `json:"max_loss"`
	LossIfBreak   Cents     `json:"loss_if_break"`
	Breakeven     Cents     `json:"breakeven"`
	Capital       Cents     `json:"capital_far"`
	ReturnFar     Ratio     `json:"return_far"`
	ReturnMid     Ratio     `json:"return_mid"`
	AnnualizedFar Ratio     `json:"annualized_far"`
	AnnualizedMid Ratio     `json:"annualized_mid"`
	EV            Cents     `json:"ev"`
	EVMid         Cents     `json:"ev_mid"`
	Prob          Ratio     `json:"prob"`
	ProbOwn       bool      `json:"prob_own,omitempty"`
	MinOI         *int64    `json:"min_oi"`
	Width         Ratio     `json:"width"`
	Multiplier    float64   `json:"multiplier"`
	Exit          *string   `json:"exit"`
	DaysToExit    *int      `json:"days_to_exit"`
	Accelerated   bool      `json:"exit_accelerated,omitempty"`
	Timing        Timing    `json:"timing"`
	Assumption    string    `json:"assumption,omitempty"`
}

type dealJSON struct {
	Symbol      string   `json:"symbol"`
	Price       Cents    `json:"price"`
	Close       *string  `json:"close"`
	Break       Cents    `json:"break"`
	Dividends   Cents    `json:"dividends"`
	OwnProb     Ratio    `json:"own_prob"`
	StockPrice  Cents    `json:"stock_mid"`
	Spread      Cents    `json:"spread"`
	Return      Ratio    `json:"return_to_close"`
	Annualized  Ratio    `json:"annualized_to_close"`
	DaysToClose *int     `json:"days_to_close"`
	ImpliedProb Ratio    `json:"implied_prob"`
	Clamped     bool     `json:"implied_prob_clamped,omitempty"`
	Expiries    []string `json:"expiries"`
	Error       string   `json:"error,omitempty"`
}

type scanJSON struct {
	Started   time.Time     `json:"started"`
	QuotedAt  time.Time     `json:"quotes_time"`
	Complete  bool          `json:"complete"`
	Sort      string        `json:"sort"`
	Contracts int           `json:"contracts"`
	Quoted    int           `json:"quoted"`
	OneSided  int           `json:"one_sided"`
	Notes     []string      `json:"notes"`
	Deals     []dealJSON    `json:"deals"`
	Rows      []scanRowJSON `json:"rows"`
}

// ScanNotes say how the scan's figures are made; the JSON carries them and
// the table prints them under the rows.
var ScanNotes = []string{
	"money per share (x multiplier per contract); cost positive = debit, negative = credit",
	"far = buy at the ask, sell at the bid; mid = (bid + ask) / 2",
	"return = profit if the deal closes at D / capital at risk (debit, or max loss for credits: a short put ties up K - premium)",
	"annualized = return x 365 / days to exit (simple): exit is the close for stock, for options the earlier of expiry and OCC's accelerated expiration after a cash close; gains only, never without a close date",
	"loss_if_break: loss if the stock falls to the break price B (negative = gain); ev = p x profit - (1 - p) x loss_if_break, p = own or (S - B)/(D - B)",
	"expiries before the expected close assume the deal closes by expiry and are not ranked",
}

func optCents(v float64, ok bool) *Cents {
	if !ok {
		return nil
	}
	c := Cents(num(v))
	return &c
}

func optInt(n Num) *int64 {
	if !n.OK {
		return nil
	}
	v := int64(n.V)
	return &v
}

func optDays(n Num) *int {
	if !n.OK {
		return nil
	}
	v := int(n.V)
	return &v
}

func optDate(t time.Time, layout string) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(layout)
	return &s
}

func rowToJSON(s *Structure, rank int) scanRowJSON {
	r := scanRowJSON{Symbol: s.Symbol, Structure: s.Kind, Priced: s.Priced,
		CostFar: Cents(s.Far.Cost), CostMid: Cents(s.Mid.Cost), ValueAtClose: Cents(s.Far.Value), ProfitFar: Cents(s.Far.Profit),
		MaxProfit: Cents(s.Far.MaxProfit), MaxLoss: Cents(s.Far.MaxLoss), LossIfBreak: Cents(s.Far.LossIfBreak),
		Breakeven: Cents(s.Far.Breakeven), Capital: Cents(s.Far.Capital), ReturnFar: Ratio(s.Far.Return), ReturnMid: Ratio(s.Mid.Return),
		AnnualizedFar: Ratio(s.Far.Annual), AnnualizedMid: Ratio(s.Mid.Annual), EV: Cents(s.Far.EV), EVMid: Cents(s.Mid.EV),
		Prob: Ratio(s.Prob), ProbOwn: s.ProbOwn, MinOI: optInt(s.MinOI), Width: Ratio(s.Width), Multiplier: s.Multiplier,
		Exit: optDate(s.Exit.Date, expiryLayout), DaysToExit: optDays(s.Exit.Days), Accelerated: s.Exit.Accelerated,
		Timing: s.Timing, Assumption: s.Assumption}
	if rank > 0 {
		r.Rank = &rank
	}
	if s.Expiry != "" {
		e := s.Expiry
		r.Expiry = &e
	}
	r.Legs = make([]legJSON, len(s.Legs))
	for i, l := range s.Legs {
		r.Legs[i] = legJSON{Action: l.Action(), Right: l.Right, Strike: optCents(l.Strike, l.Right != "STK"),
			ConID: l.Contract.ConID, Bid: Cents(quoteNum(l.Bid)), Ask: Cents(quoteNum(l.Ask)), OI: optInt(counted(l.OI))}
	}
	return r
}

func dealToJSON(d DealScan) dealJSON {
	h := d.Header
	j := dealJSON{Symbol: d.Deal.Symbol, Price: Cents(price(d.Deal.Price)), Close: optDate(d.Deal.ExpectedClose, time.DateOnly),
		Break: Cents(price(d.Deal.BreakPrice)), Dividends: Cents(num(d.Deal.Dividends)), StockPrice: Cents(h.Under),
		Spread: Cents(h.SpreadUSD), Return: Ratio(h.Return), Annualized: Ratio(h.AnnualReturn), DaysToClose: optDays(h.DaysToClose),
		ImpliedProb: Ratio(h.Prob), Clamped: h.ProbClamped, Expiries: d.Expiries}
	if d.Deal.Prob > 0 && d.Deal.Prob <= 1 {
		j.OwnProb = Ratio(num(d.Deal.Prob))
	}
	if j.Expiries == nil {
		j.Expiries = []string{}
	}
	if d.Err != nil {
		j.Error = d.Err.Error()
	}
	return j
}

// ScanReport is a scan with its ranking, ready to print.
type ScanReport struct {
	Result ScanResult
	Ranked Ranked
}

// MarshalJSON encodes the report: the deals' terms, the time of the
// quotes and the ranked rows.
func (r ScanReport) MarshalJSON() ([]byte, error) {
	res := r.Result
	j := scanJSON{Started: res.Started, QuotedAt: res.Finished, Complete: res.Complete, Sort: r.Ranked.Key.String(),
		Contracts: res.Contracts, Quoted: res.Quoted, OneSided: res.OneSided, Notes: ScanNotes,
		Deals: make([]dealJSON, len(res.Deals)), Rows: make([]scanRowJSON, len(r.Ranked.Rows))}
	for i, d := range res.Deals {
		j.Deals[i] = dealToJSON(d)
	}
	for i, s := range r.Ranked.Rows {
		j.Rows[i] = rowToJSON(s, r.Ranked.Rank[i])
	}
	return json.Marshal(j)
}
