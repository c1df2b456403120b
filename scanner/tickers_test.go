package scanner

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinTickers(t *testing.T) {
	ts, err := parseTickers(tickersTSV)
	if err != nil {
		t.Fatalf("tickers.tsv has bad lines:\n%v", err)
	}
	if lines := strings.Count(strings.TrimRight(tickersTSV, "\n"), "\n") + 1; lines != len(ts) {
		t.Fatalf("tickers.tsv has %d lines but %d tickers", lines, len(ts))
	}
	got := BuiltinTickers()
	if len(got) < 500 || len(got) != len(ts) {
		t.Fatalf("BuiltinTickers: %d tickers (file %d), want at least 500", len(got), len(ts))
	}
	symbol := regexp.MustCompile(`^[A-Z][A-Z0-9.]{0,5}$`)
	seen := map[string]bool{}
	for i, tk := range got {
		if !symbol.MatchString(tk.Symbol) {
			t.Errorf("bad symbol %q", tk.Symbol)
		}
		if seen[tk.Symbol] {
			t.Errorf("duplicate %s", tk.Symbol)
		}
		seen[tk.Symbol] = true
		if strings.TrimSpace(tk.Name) == "" || tk.Exchange == "" {
			t.Errorf("%s: empty name or exchange", tk.Symbol)
		}
		for _, r := range tk.Symbol + tk.Name + tk.Exchange {
			if r < 0x20 || r > 0x7e {
				t.Errorf("%s: non-ASCII or control character %q", tk.Symbol, r)
			}
		}
		if i > 0 && got[i-1].Symbol >= tk.Symbol {
			t.Errorf("not sorted at %s", tk.Symbol)
		}
	}
	// The names a user will certainly type.
	for _, s := range strings.Fields(`SPY QQQ IWM DIA XLF XLE GLD SLV TLT HYG EEM EFA ARKK SMH SOXX
		BABA TSM ASML NVO SHOP SE AAPL MSFT NVDA AMZN GOOGL META TSLA JPM BRK.B AMD NFLX`) {
		if !seen[s] {
			t.Errorf("missing %s", s)
		}
	}
}

func TestBuiltinTickersReturnsACopy(t *testing.T) {
	a := BuiltinTickers()
	a[0].Name = "changed"
	if b := BuiltinTickers(); b[0].Name == "changed" {
		t.Fatal("changing the returned slice changed the built-in list")
	}
}

func TestParseTickersRejectsBadLines(t *testing.T) {
	cases := map[string]string{
		"two fields":     "AAPL\tApple Inc\n",
		"four fields":    "AAPL\tApple Inc\tNASDAQ\textra\n",
		"lower case":     "aapl\tApple Inc\tNASDAQ\n",
		"leading digit":  "3M\t3M Co\tNYSE\n",
		"too long":       "ABCDEFG\tToo Long Inc\tNYSE\n",
		"space":          "BRK B\tBerkshire Hathaway\tNYSE\n",
		"empty name":     "AAPL\t \tNASDAQ\n",
		"accent":         "NSRGY\tNestl\u00e9 SA\tNYSE\n",
		"tab in name":    "AAPL\tApple\tInc\tNASDAQ\n",
		"bad exchange":   "AAPL\tApple Inc\tLSE\n",
		"duplicate":      "AAPL\tApple Inc\tNASDAQ\nAAPL\tApple Again\tNASDAQ\n",
		"empty exchange": "AAPL\tApple Inc\t\n",
	}
	for name, data := range cases {
		ts, err := parseTickers(data)
		if err == nil {
			t.Errorf("%s: accepted %q", name, data)
		}
		if len(ts) > 1 {
			t.Errorf("%s: kept %d tickers", name, len(ts))
		}
	}
	// Good lines around a bad one survive; CRLF and blank lines are fine.
	ts, err := parseTickers("MSFT\tMicrosoft Corp\tNASDAQ\r\n\nbad line\r\nAAPL\tApple Inc\tNASDAQ\r\n")
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("error %v, want one naming line 3", err)
	}
	want := []Ticker{{"AAPL", "Apple Inc", "NASDAQ"}, {"MSFT", "Microsoft Corp", "NASDAQ"}}
	if !slices.Equal(ts, want) {
		t.Fatalf("got %v, want %v", ts, want)
	}
}
