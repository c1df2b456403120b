package twsim

import (
	"slices"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
)

// Exchanges the simulated options list on, as REQ_SEC_DEF_OPT_PARAMS
// reports them (one row each).
var optExchanges = []string{
	"SMART", "AMEX", "BATS", "BOX", "CBOE", "CBOE2", "EDGX", "EMERALD", "GEMINI", "IBUSOPT",
	"ISE", "MEMX", "MERCURY", "MIAX", "NASDAQBX", "NASDAQOM", "PEARL", "PHLX", "PSE",
}

// stkExchanges are a US stock's valid exchanges.
var stkExchanges = []string{
	"SMART", "AMEX", "NYSE", "CBOE", "PHLX", "ISE", "CHX", "ARCA", "NASDAQ", "DRCTEDGE",
	"BEX", "BATS", "EDGEA", "BYX", "IEX", "EDGX", "FOXRIVER", "PEARLEQ", "NYSENAT", "LTSE",
	"MEMX", "IBEOS", "OVERNIGHT", "TPLUS0", "PSX",
}

// contractSpec is the contract part of a request, as the client sent it.
type contractSpec struct {
	conID                                    int64
	symbol, secType, expiry                  string
	strike                                   float64
	hasStrike                                bool
	right, multiplier, exchange, primaryExch string
	currency, localSymbol, tradingClass      string
}

// readContract reads the fields REQ_MKT_DATA and REQ_CONTRACT_DATA share:
// conId, symbol, secType, expiry, strike, right, multiplier, exchange,
// [primaryExchange], currency, localSymbol, [tradingClass].
func readContract(f *fields, primary, tradingClass bool) contractSpec {
	var c contractSpec
	c.conID = f.int()
	c.symbol = strings.ToUpper(strings.TrimSpace(f.str()))
	c.secType = strings.ToUpper(strings.TrimSpace(f.str()))
	c.expiry = strings.TrimSpace(f.str())
	c.strike, c.hasStrike = f.float()
	c.right = strings.ToUpper(strings.TrimSpace(f.str()))
	c.multiplier = strings.TrimSpace(f.str())
	c.exchange = strings.ToUpper(strings.TrimSpace(f.str()))
	if primary {
		c.primaryExch = strings.ToUpper(strings.TrimSpace(f.str()))
	}
	c.currency = strings.ToUpper(strings.TrimSpace(f.str()))
	c.localSymbol = strings.TrimSpace(f.str())
	if tradingClass {
		c.tradingClass = strings.TrimSpace(f.str())
	}
	if c.hasStrike && c.strike == 0 {
		c.hasStrike = false // Go sends "0" for a zero-value Contract; 0 is never a listed strike
	}
	// "SMART:NASDAQ" (exchange:primary, old clients)
	if ex, pr, ok := strings.Cut(c.exchange, ":"); ok {
		c.exchange, c.primaryExch = ex, pr
	}
	return c
}

// instrument is one resolved contract: a stock, or an option on it.
type instrument struct {
	stock market.Stock
	opt   *market.Option
}

// resolve finds every contract matching c. For a market-data request the
// caller wants exactly one.
func (s *Server) resolve(c contractSpec, today time.Time) []instrument {
	if c.currency != "" && c.currency != "USD" {
		return nil
	}
	if c.conID > 0 {
		if st, ok := s.uni.StockByConID(c.conID); ok && (c.secType == "" || c.secType == "STK") {
			return []instrument{{stock: st}}
		}
		if o, ok := s.uni.OptionByConID(c.conID, today); ok && (c.secType == "" || c.secType == "OPT") {
			st, _ := s.uni.Stock(o.Symbol)
			return []instrument{{stock: st, opt: &o}}
		}
		return nil
	}
	st, ok := s.uni.Stock(c.symbol)
	if !ok {
		return nil
	}
	switch c.secType {
	case "STK":
		if !stockExchangeOK(c.exchange, st) || (c.localSymbol != "" && !strings.EqualFold(c.localSymbol, st.Symbol)) {
			return nil
		}
		return []instrument{{stock: st}}
	case "OPT":
		return s.resolveOptions(c, st, today)
	}
	return nil
}

// stockExchangeOK accepts "", SMART, the primary exchange or any valid one.
func stockExchangeOK(ex string, st market.Stock) bool {
	if ex == "" || ex == st.PrimaryExch {
		return true
	}
	return slices.Contains(stkExchanges, ex)
}

// resolveOptions lists the options matching c: blank strike → every strike
// that exists for the expiry; blank right → both; blank expiry → every
// listed expiry; a YYYYMM expiry → that month's expiries.
func (s *Server) resolveOptions(c contractSpec, st market.Stock, today time.Time) []instrument {
	if c.multiplier != "" && c.multiplier != "100" {
		return nil
	}
	if c.tradingClass != "" && !strings.EqualFold(c.tradingClass, st.Symbol) {
		return nil
	}
	if c.exchange != "" && !slices.Contains(optExchanges, c.exchange) {
		return nil
	}
	var right byte
	switch c.right {
	case "":
	case "C", "CALL":
		right = 'C'
	case "P", "PUT":
		right = 'P'
	default:
		return nil
	}
	var expiries []string
	for _, e := range s.uni.Expirations(st.Symbol, today) {
		if c.expiry == "" || e == c.expiry || (len(c.expiry) == 6 && strings.HasPrefix(e, c.expiry)) {
			expiries = append(expiries, e)
		}
	}
	local := strings.ReplaceAll(c.localSymbol, " ", "")
	var out []instrument
	for _, e := range expiries {
		for _, o := range s.uni.Options(st.Symbol, e, right, today) {
			if c.hasStrike && !sameStrike(o.Strike, c.strike) {
				continue
			}
			if local != "" && strings.ReplaceAll(o.LocalSymbol, " ", "") != local {
				continue
			}
			o := o
			out = append(out, instrument{stock: st, opt: &o})
		}
	}
	return out
}

func sameStrike(a, b float64) bool {
	d := a - b
	return d < 1e-6 && d > -1e-6
}

// farmOf returns the market-data farm that serves an instrument.
func (in instrument) farm() string {
	if in.opt != nil {
		return FarmUSOpt
	}
	return FarmUSMarket
}

// trading reports whether the instrument trades at t: stocks 04:00 to
// 20:00 New York on trading days, options in the regular session.
func (in instrument) trading(t time.Time) bool {
	if in.opt != nil {
		return market.IsRegular(t)
	}
	return market.IsTrading(t)
}

// minTick is the price increment the simulator reports.
func (in instrument) minTick() float64 { return 0.01 }
