package twsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
)

func TestParsePortfolio(t *testing.T) {
	u := market.Default()
	p, err := ParsePortfolio("cash=5000, aapl=100@185.5,SPY=-20", u)
	if err != nil {
		t.Fatal(err)
	}
	spy, _ := u.Stock("SPY")
	if p.Cash != 5000 || len(p.Holdings) != 2 || p.Holdings[0] != (Holding{"AAPL", 100, 185.5}) ||
		p.Holdings[1] != (Holding{"SPY", -20, round2(spy.Price * 0.95)}) {
		t.Errorf("parsed %+v", p)
	}
	if p, err := ParsePortfolio("none", u); err != nil || p.Cash != DefaultCash || len(p.Holdings) != 0 {
		t.Errorf("none: %+v %v", p, err)
	}
	for _, bad := range []string{"AAPL", "NOPE=1", "AAPL=0", "AAPL=1.5", "AAPL=1@-3", "cash=x", "AAPL=1,AAPL=2"} {
		if _, err := ParsePortfolio(bad, u); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestPortfolioControl sets the account over the control API and sees it in
// a raw POSITION answer: 16 fields at every version.
func TestPortfolioControl(t *testing.T) {
	s := startSim(t, Config{})
	h := s.Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/account?portfolio=cash=1000,MSFT=7@400", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"MSFT"`) {
		t.Fatalf("POST /account: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/account?portfolio=ZZZZ=1", nil))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "ZZZZ") {
		t.Errorf("bad portfolio: %d %s", w.Code, w.Body)
	}
	r := rawDial(t, s.Addr())
	r.start("v100..193", 1)
	r.send(outReqPositions, 1)
	msft, _ := s.Universe().Stock("MSFT")
	want := []string{"61", "3", DefaultAccount, itoa(msft.ConID), "MSFT", "STK", "", "0", "", "", msft.PrimaryExch, "USD", "MSFT", "NMS", "7", "400"}
	if f := r.until(inPositionData); !equal(f, want) {
		t.Errorf("POSITION %q\nwant     %q", f, want)
	}
	if f := r.read(); !equal(f, []string{"62", "1"}) {
		t.Errorf("POSITION_END %q", f)
	}
	// The subscription sees a change: the new holding, and MSFT at 0.
	if err := s.SetPortfolio(Portfolio{Cash: 5, Holdings: []Holding{{"AAPL", 3, 100}}}); err != nil {
		t.Fatal(err)
	}
	if f := r.until(inPositionData); f[4] != "AAPL" || f[14] != "3" {
		t.Errorf("new holding %q", f)
	}
	if f := r.until(inPositionData); f[4] != "MSFT" || f[14] != "0" {
		t.Errorf("holding gone %q", f)
	}
}
