package linkproto

// Contract is the subset of an IB contract that ibwatch requests and shows.
// It travels over the link protocol, so it holds plain values only.
// Strike 0 means "not set" (the link sends it as an empty field).
type Contract struct {
	ConID        int64   `json:"conId,omitempty"`
	Symbol       string  `json:"symbol,omitempty"`
	SecType      string  `json:"secType,omitempty"` // STK, OPT
	Expiry       string  `json:"expiry,omitempty"`  // YYYYMMDD (lastTradeDateOrContractMonth)
	Strike       float64 `json:"strike,omitempty"`
	Right        string  `json:"right,omitempty"` // C or P
	Multiplier   string  `json:"multiplier,omitempty"`
	Exchange     string  `json:"exchange,omitempty"`
	PrimaryExch  string  `json:"primaryExch,omitempty"`
	Currency     string  `json:"currency,omitempty"`
	LocalSymbol  string  `json:"localSymbol,omitempty"`
	TradingClass string  `json:"tradingClass,omitempty"`
}

// ContractDetails is one CONTRACT_DATA answer, reduced to what we use.
type ContractDetails struct {
	Contract     Contract `json:"contract"`
	MarketName   string   `json:"marketName,omitempty"`
	MinTick      float64  `json:"minTick,omitempty"`
	LongName     string   `json:"longName,omitempty"`
	UnderConID   int64    `json:"underConId,omitempty"`
	UnderSymbol  string   `json:"underSymbol,omitempty"`
	TimeZoneID   string   `json:"timeZoneId,omitempty"`
	TradingHours string   `json:"tradingHours,omitempty"`
	LiquidHours  string   `json:"liquidHours,omitempty"`
	StockType    string   `json:"stockType,omitempty"`
	Industry     string   `json:"industry,omitempty"`
	Category     string   `json:"category,omitempty"`
}

// OptionParams is one SECURITY_DEFINITION_OPTION_PARAMETER row (one per
// exchange and trading class). Strikes and expirations are the cross product
// TWS reports, not a list of contracts that exist.
type OptionParams struct {
	Exchange     string    `json:"exchange"`
	UnderConID   int64     `json:"underConId"`
	TradingClass string    `json:"tradingClass"`
	Multiplier   string    `json:"multiplier"`
	Expirations  []string  `json:"expirations"`
	Strikes      []float64 `json:"strikes"`
}

// SymbolSample is one SYMBOL_SAMPLES row.
type SymbolSample struct {
	ConID       int64    `json:"conId"`
	Symbol      string   `json:"symbol"`
	SecType     string   `json:"secType"`
	PrimaryExch string   `json:"primaryExch"`
	Currency    string   `json:"currency"`
	Derivatives []string `json:"derivatives,omitempty"`
	Description string   `json:"description,omitempty"`
}

// MarketDataType is TWS's market data mode (REQ_MKT_DATA_TYPE / MARKET_DATA_TYPE).
type MarketDataType int

// Market data types as TWS numbers them.
const (
	MDUnknown       MarketDataType = 0
	MDLive          MarketDataType = 1
	MDFrozen        MarketDataType = 2
	MDDelayed       MarketDataType = 3
	MDDelayedFrozen MarketDataType = 4
)

// String returns the word the dashboard shows for the type.
func (t MarketDataType) String() string {
	switch t {
	case MDLive:
		return "live"
	case MDFrozen:
		return "frozen"
	case MDDelayed:
		return "delayed"
	case MDDelayedFrozen:
		return "delayed-frozen"
	}
	return "unknown"
}
