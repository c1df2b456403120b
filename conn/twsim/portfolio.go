package twsim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
)

// Portfolio is the simulated paper account every managed account reports:
// cash and stock positions. The simulator never trades, so it changes only
// when set through Config, the --portfolio flag or the control API.
type Portfolio struct {
	Cash     float64   `json:"cash"` // USD
	Holdings []Holding `json:"holdings"`
}

// Holding is one stock position.
type Holding struct {
	Symbol  string  `json:"symbol"`
	Qty     float64 `json:"qty"`     // shares; negative = short
	AvgCost float64 `json:"avgCost"` // USD per share
}

// DefaultCash is a fresh IB paper account's cash balance.
const DefaultCash = 1_000_000

// defaultHoldings are the default positions: a broad ETF, a large cap and
// a takeover target, when the universe has them; otherwise its first three
// stocks. Average cost is 95 % of the reference price, so the account shows
// a plausible unrealized gain.
func defaultPortfolio(u *market.Universe) Portfolio {
	want := []struct {
		sym string
		qty float64
	}{{"SPY", 100}, {"AAPL", 200}, {"HVLN", 500}}
	p := Portfolio{Cash: DefaultCash}
	for _, w := range want {
		if st, ok := u.Stock(w.sym); ok {
			p.Holdings = append(p.Holdings, Holding{Symbol: st.Symbol, Qty: w.qty, AvgCost: round2(st.Price * 0.95)})
		}
	}
	if len(p.Holdings) == 0 {
		for i, st := range u.Stocks() {
			if i == 3 {
				break
			}
			p.Holdings = append(p.Holdings, Holding{Symbol: st.Symbol, Qty: 100, AvgCost: round2(st.Price * 0.95)})
		}
	}
	return p
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// ParsePortfolio reads the --portfolio syntax: comma-separated items,
// "cash=250000" and "SYMBOL=QTY[@AVGCOST]" (e.g. "cash=50000,AAPL=100@185.5,
// SPY=-20"). A missing cost is 95 % of the symbol's reference price. "none"
// or "" is an empty account with the default cash. Every symbol must be in
// u, at most once.
func ParsePortfolio(spec string, u *market.Universe) (Portfolio, error) {
	p := Portfolio{Cash: DefaultCash}
	spec = strings.TrimSpace(spec)
	if spec == "" || strings.EqualFold(spec, "none") {
		return p, nil
	}
	seen := map[string]bool{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok {
			return Portfolio{}, fmt.Errorf("portfolio item %q: want cash=N or SYMBOL=QTY[@COST]", item)
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		if k == "CASH" {
			c, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsNaN(c) || math.Abs(c) > 1e12 {
				return Portfolio{}, fmt.Errorf("portfolio cash %q: want a number below 1e12", v)
			}
			p.Cash = c
			continue
		}
		st, ok := u.Stock(k)
		if !ok {
			return Portfolio{}, fmt.Errorf("portfolio symbol %q is not in the simulator's universe", k)
		}
		if seen[k] {
			return Portfolio{}, fmt.Errorf("portfolio symbol %s given twice", k)
		}
		seen[k] = true
		qs, cs, hasCost := strings.Cut(v, "@")
		q, err := strconv.ParseFloat(strings.TrimSpace(qs), 64)
		if err != nil || q == 0 || math.Abs(q) > 1e9 || q != math.Trunc(q) {
			return Portfolio{}, fmt.Errorf("portfolio %s quantity %q: want a non-zero whole number of shares", k, qs)
		}
		h := Holding{Symbol: k, Qty: q, AvgCost: round2(st.Price * 0.95)}
		if hasCost {
			c, err := strconv.ParseFloat(strings.TrimSpace(cs), 64)
			if err != nil || !(c > 0 && c < 1e6) {
				return Portfolio{}, fmt.Errorf("portfolio %s cost %q: want a positive price", k, cs)
			}
			h.AvgCost = c
		}
		p.Holdings = append(p.Holdings, h)
	}
	return p, nil
}

// SetPortfolio replaces the simulated account. Position and account-update
// subscribers get the new rows at once (a holding that is gone as position
// 0), PnL subscribers with their next update, everyone else on request.
func (s *Server) SetPortfolio(p Portfolio) error {
	for _, h := range p.Holdings {
		if _, ok := s.uni.Stock(h.Symbol); !ok {
			return fmt.Errorf("portfolio symbol %q is not in the simulator's universe", h.Symbol)
		}
	}
	p.Holdings = append([]Holding(nil), p.Holdings...)
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.portfolio.Holdings
	s.st.portfolio = p
	s.recordLocked("portfolio", fmt.Sprintf("cash %.2f, %d holdings", p.Cash, len(p.Holdings)))
	for _, ss := range s.st.sessions {
		if ss.ready && !ss.closeQueued {
			ss.portfolioChangedLocked(old)
		}
	}
	return nil
}

// Portfolio returns the simulated account.
func (s *Server) Portfolio() Portfolio {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.portfolio
	p.Holdings = append([]Holding(nil), p.Holdings...)
	return p
}

// accountRoutes registers GET and POST /account on the control API.
func (s *Server) accountRoutes(mux *http.ServeMux) {
	writeJSON := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s.Portfolio())
	}
	mux.HandleFunc("GET /account", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w) })
	mux.HandleFunc("POST /account", func(w http.ResponseWriter, r *http.Request) {
		spec := r.URL.Query().Get("portfolio")
		if !r.URL.Query().Has("portfolio") {
			http.Error(w, "account: portfolio=... is required (e.g. cash=250000,AAPL=100@185.5)", http.StatusBadRequest)
			return
		}
		p, err := ParsePortfolio(spec, s.uni)
		if err == nil {
			err = s.SetPortfolio(p)
		}
		if err != nil {
			http.Error(w, "account: "+err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w)
	})
}
