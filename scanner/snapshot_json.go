package scanner

import (
	"encoding/json"
	"time"
)

// The JSON form of a Snapshot (`ibwatch chain --json`). Missing values are
// null, never NaN (which encoding/json rejects) or a sentinel.

type quoteJSON struct {
	Price Num    `json:"price"`
	Bid   Num    `json:"bid"`
	Ask   Num    `json:"ask"`
	Last  Num    `json:"last"`
	Close Num    `json:"close"`
	Badge string `json:"badge"`
}

type sideJSON struct {
	ConID       int64  `json:"conId,omitempty"`
	LocalSymbol string `json:"localSymbol,omitempty"`
	Bid         Num    `json:"bid"`
	Ask         Num    `json:"ask"`
	Last        Num    `json:"last"`
	IV          Num    `json:"iv"`
	Delta       Num    `json:"delta"`
	OpenInt     Num    `json:"openInterest"`
	ITM         bool   `json:"itm"`
	Badge       string `json:"badge"`
	Error       string `json:"error,omitempty"`
}

type rowJSON struct {
	Strike float64   `json:"strike"`
	Money  bool      `json:"money,omitempty"`
	Call   *sideJSON `json:"call"`
	Put    *sideJSON `json:"put"`
}

type snapshotJSON struct {
	Symbol     string    `json:"symbol"`
	Name       string    `json:"name"`
	ConID      int64     `json:"conId"`
	Expiry     string    `json:"expiry"`
	Expiries   []string  `json:"expiries"`
	Multiplier float64   `json:"multiplier"`
	Underlying quoteJSON `json:"underlying"`
	Badge      string    `json:"badge"`
	Complete   bool      `json:"complete"`
	First      int       `json:"first"`
	Total      int       `json:"totalStrikes"`
	Rows       []rowJSON `json:"rows"`
	Lens       *Lens     `json:"lens,omitempty"`
	Time       time.Time `json:"time"`
}

// counted returns a count (open interest) as a Num: NA when unusable.
func counted(v float64) Num {
	if FormatCount(v) == "" {
		return NA
	}
	return Num{V: v, OK: true}
}

// quoteNum returns a displayable price as a Num.
func quoteNum(v float64) Num {
	if FormatPrice(v) == "" {
		return NA
	}
	return Num{V: v, OK: true}
}

func sideToJSON(sd Side) *sideJSON {
	if sd.Contract.ConID == 0 {
		return nil
	}
	j := &sideJSON{ConID: sd.Contract.ConID, LocalSymbol: sd.Contract.LocalSymbol,
		Bid: quoteNum(sd.Bid), Ask: quoteNum(sd.Ask), Last: quoteNum(sd.Last), OpenInt: counted(sd.OI),
		ITM: sd.ITM, Badge: sd.Badge.String(), Error: sd.Err}
	if FormatIV(sd.IV) != "" {
		j.IV = num(sd.IV)
	}
	if FormatDelta(sd.Delta) != "" {
		j.Delta = num(sd.Delta)
	}
	return j
}

// MarshalJSON encodes the snapshot with null for every missing value.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	u := s.Underlying
	j := snapshotJSON{
		Symbol: s.Symbol, Name: s.Name, ConID: s.ConID, Expiry: s.Expiry, Expiries: s.Expiries, Multiplier: s.Multiplier,
		Underlying: quoteJSON{Price: quoteNum(s.UnderPrice), Bid: quoteNum(u.Bid), Ask: quoteNum(u.Ask), Last: quoteNum(u.Last),
			Close: quoteNum(u.Close), Badge: BadgeOf(u).String()},
		Badge: s.Badge.String(), Complete: s.Complete, First: s.First, Total: s.Total, Lens: s.Lens, Time: s.Time,
		Rows: make([]rowJSON, len(s.Rows)),
	}
	for i, r := range s.Rows {
		j.Rows[i] = rowJSON{Strike: r.Strike, Money: r.Money, Call: sideToJSON(r.Call), Put: sideToJSON(r.Put)}
	}
	return json.Marshal(j)
}
