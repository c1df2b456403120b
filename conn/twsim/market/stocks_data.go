package market

import "time"

// Column meanings: symbol, name, conId, primary exchange, industry, category,
// reference price, annual vol, dividend yield, liquidity tier, average daily
// volume (millions of shares), flags.
//
// conIds: AAPL, MSFT, SPY, AMZN, NVDA, TSLA, GOOGL, META, QQQ, IWM, JPM, BAC,
// AMD, INTC, KO, XOM, NFLX and a few others are the ids IB is known to use;
// the rest are invented, realistic-looking and unique.
const (
	wk     = fWeekly
	etf1   = fWeekly | fDaily | fDollar | fPennyAll // SPY, QQQ
	etf2   = fWeekly | fDollar | fPennyAll          // IWM
	etf3   = fWeekly | fDollar                      // other ETFs
	thin   = fNickel                                // monthlies only, nickel ticks
	nolive = fDelayedOnly
)

var defaultRows = []row{
	// Index, sector, commodity and bond ETFs.
	{"SPY", "SPDR S&P 500 ETF Trust", 756733, "ARCA", "Funds", "Equity Fund", 690.00, 0.15, 0.011, 1, 70, etf1},
	{"QQQ", "Invesco QQQ Trust Series 1", 320227571, "NASDAQ", "Funds", "Equity Fund", 620.00, 0.19, 0.005, 1, 45, etf1},
	{"IWM", "iShares Russell 2000 ETF", 9579970, "ARCA", "Funds", "Equity Fund", 250.00, 0.22, 0.011, 1, 30, etf2},
	{"DIA", "SPDR Dow Jones Industrial Average ETF Trust", 73128548, "ARCA", "Funds", "Equity Fund", 480.00, 0.14, 0.015, 2, 4, etf3},
	{"XLF", "Financial Select Sector SPDR Fund", 4215235, "ARCA", "Funds", "Equity Fund", 53.00, 0.18, 0.014, 1, 40, etf3},
	{"GLD", "SPDR Gold Shares", 51529211, "ARCA", "Funds", "Commodity Fund", 380.00, 0.18, 0, 1, 10, etf3},
	{"TLT", "iShares 20+ Year Treasury Bond ETF", 15547841, "NASDAQ", "Funds", "Bond Fund", 90.00, 0.13, 0.043, 1, 35, etf3},

	// Large caps.
	{"AAPL", "Apple Inc", 265598, "NASDAQ", "Technology", "Computers", 265.00, 0.26, 0.0040, 1, 50, wk},
	{"MSFT", "Microsoft Corp", 272093, "NASDAQ", "Technology", "Software", 520.00, 0.24, 0.0070, 1, 22, wk},
	{"NVDA", "NVIDIA Corp", 4815747, "NASDAQ", "Technology", "Semiconductors", 195.00, 0.45, 0.0002, 1, 180, wk},
	{"AMZN", "Amazon.com Inc", 3691937, "NASDAQ", "Communications", "Internet", 235.00, 0.32, 0, 1, 45, wk},
	{"GOOGL", "Alphabet Inc Class A", 208813719, "NASDAQ", "Communications", "Internet", 290.00, 0.30, 0.0030, 1, 35, wk},
	{"META", "Meta Platforms Inc Class A", 107113386, "NASDAQ", "Communications", "Internet", 720.00, 0.36, 0.0030, 1, 14, wk},
	{"TSLA", "Tesla Inc", 76792991, "NASDAQ", "Consumer Cyclical", "Auto Manufacturers", 430.00, 0.58, 0, 1, 95, wk},
	{"AVGO", "Broadcom Inc", 313130367, "NASDAQ", "Technology", "Semiconductors", 360.00, 0.42, 0.0065, 1, 25, wk},
	{"AMD", "Advanced Micro Devices Inc", 4391, "NASDAQ", "Technology", "Semiconductors", 230.00, 0.50, 0, 1, 50, wk},
	{"NFLX", "Netflix Inc", 15124833, "NASDAQ", "Communications", "Internet", 110.00, 0.38, 0, 1, 40, wk},
	{"INTC", "Intel Corp", 270639, "NASDAQ", "Technology", "Semiconductors", 38.00, 0.48, 0, 1, 90, wk},
	{"PLTR", "Palantir Technologies Inc Class A", 444857009, "NASDAQ", "Technology", "Software", 185.00, 0.62, 0, 1, 60, wk},
	{"COST", "Costco Wholesale Corp", 272997, "NASDAQ", "Consumer Noncyclical", "Retail", 940.00, 0.22, 0.0055, 2, 2.2, wk},
	{"WMT", "Walmart Inc", 13824, "NASDAQ", "Consumer Noncyclical", "Retail", 105.00, 0.22, 0.0090, 1, 18, wk},
	{"JPM", "JPMorgan Chase & Co", 1520593, "NYSE", "Financial", "Banks", 310.00, 0.24, 0.019, 1, 9, wk},
	{"BAC", "Bank of America Corp", 10098, "NYSE", "Financial", "Banks", 53.00, 0.27, 0.021, 1, 35, wk},
	{"GS", "Goldman Sachs Group Inc", 4627828, "NYSE", "Financial", "Diversified Finan Serv", 800.00, 0.30, 0.016, 2, 2.5, wk},
	{"V", "Visa Inc Class A", 49462172, "NYSE", "Financial", "Diversified Finan Serv", 345.00, 0.21, 0.0072, 1, 7, wk},
	{"XOM", "Exxon Mobil Corp", 13977, "NYSE", "Energy", "Oil and Gas", 115.00, 0.24, 0.035, 1, 16, wk},
	{"KO", "Coca-Cola Co", 8894, "NYSE", "Consumer Noncyclical", "Beverages", 70.00, 0.16, 0.029, 1, 15, wk},
	{"JNJ", "Johnson & Johnson", 8719, "NYSE", "Consumer Noncyclical", "Pharmaceuticals", 195.00, 0.17, 0.027, 1, 8, wk},
	{"UNH", "UnitedHealth Group Inc", 7999, "NYSE", "Consumer Noncyclical", "Healthcare Services", 330.00, 0.35, 0.027, 1, 10, wk},
	{"LLY", "Eli Lilly and Co", 9160, "NYSE", "Consumer Noncyclical", "Pharmaceuticals", 1020.00, 0.33, 0.0060, 2, 4, wk},
	{"PFE", "Pfizer Inc", 11926, "NYSE", "Consumer Noncyclical", "Pharmaceuticals", 25.50, 0.23, 0.068, 1, 40, wk},
	{"F", "Ford Motor Co", 9599491, "NYSE", "Consumer Cyclical", "Auto Manufacturers", 13.20, 0.33, 0.045, 1, 60, wk},
	{"T", "AT&T Inc", 37018770, "NYSE", "Communications", "Telecommunications", 26.00, 0.20, 0.043, 1, 35, wk},
	{"DIS", "Walt Disney Co", 6459, "NYSE", "Communications", "Media", 115.00, 0.27, 0.0090, 1, 10, wk},
	{"BA", "Boeing Co", 4762, "NYSE", "Industrial", "Aerospace and Defense", 215.00, 0.36, 0, 1, 8, wk},
	{"CAT", "Caterpillar Inc", 5437, "NYSE", "Industrial", "Machinery Construction and Mining", 560.00, 0.30, 0.011, 2, 3, wk},
	{"SOFI", "SoFi Technologies Inc", 457990937, "NASDAQ", "Financial", "Diversified Finan Serv", 27.00, 0.65, 0, 1, 60, wk},

	// No live subscription in the simulated account (delayed data only).
	{"ROKU", "Roku Inc Class A", 290651477, "NASDAQ", "Communications", "Internet", 105.00, 0.55, 0, 2, 4, wk | nolive},
	{"DKNG", "DraftKings Inc Class A", 433031148, "NASDAQ", "Consumer Cyclical", "Entertainment", 35.00, 0.50, 0, 2, 9, wk | nolive},
	{"CHWY", "Chewy Inc Class A", 370651823, "NYSE", "Consumer Cyclical", "Internet", 36.00, 0.45, 0, 2, 7, wk | nolive},

	// Fictional targets of fictional pending cash takeovers (see defaultDeals).
	{"HVLN", "Halvorsen Therapeutics Inc", 712450381, "NASDAQ", "Consumer Noncyclical", "Biotechnology", 83.00, 0.12, 0, 3, 1.5, thin},
	{"BRCV", "Briarcove Software Corp", 698114207, "NYSE", "Technology", "Software", 33.85, 0.08, 0, 2, 3, 0},
	{"CBBY", "Cobalt Bay Bancorp", 705532918, "NASDAQ", "Financial", "Banks", 26.60, 0.09, 0.031, 3, 0.8, thin},
	{"ORVX", "Orvex Semiconductor Inc", 688902514, "NASDAQ", "Technology", "Semiconductors", 133.50, 0.15, 0.004, 2, 2.5, 0},
	{"PLNS", "Plainsong Energy Corp", 701276330, "NYSE", "Energy", "Oil and Gas", 18.95, 0.10, 0.025, 3, 1.2, thin | nolive},
	{"VRDM", "Veridian Medical Devices Inc", 694418772, "NYSE", "Consumer Noncyclical", "Healthcare Products", 61.10, 0.10, 0.008, 2, 1.8, 0},
	{"QRST", "Quarrystone Retail Group Inc", 709863145, "NYSE", "Consumer Cyclical", "Retail", 11.20, 0.14, 0, 3, 2, thin},
}

// defaultDeals are fictional pending all-cash takeovers, with closing dates
// in 2027. Spreads to the deal price range from about 2 % to 6 %.
var defaultDeals = map[string]Deal{
	"HVLN": {Acquirer: "Norland Pharma AG", Price: 86.00, ExpectedClose: date(2027, time.February, 26), BreakPrice: 52.00},
	"BRCV": {Acquirer: "Atlas Ridge Capital Partners", Price: 34.50, ExpectedClose: date(2027, time.January, 29), BreakPrice: 24.00},
	"CBBY": {Acquirer: "First Lakeshore Financial Corp", Price: 27.25, ExpectedClose: date(2027, time.April, 30), BreakPrice: 21.00},
	"ORVX": {Acquirer: "Kessler Microsystems Corp", Price: 142.00, ExpectedClose: date(2027, time.June, 30), BreakPrice: 95.00},
	"PLNS": {Acquirer: "Granite Basin Resources LP", Price: 19.40, ExpectedClose: date(2027, time.March, 15), BreakPrice: 15.50},
	"VRDM": {Acquirer: "Holloway Surgical Holdings", Price: 63.00, ExpectedClose: date(2027, time.May, 28), BreakPrice: 44.00},
	"QRST": {Acquirer: "Brightwater Capital Partners", Price: 11.75, ExpectedClose: date(2027, time.February, 12)},
}
