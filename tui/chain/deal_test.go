package chain

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func TestParseDeal(t *testing.T) {
	tests := []struct {
		name              string
		price, close, brk string
		div, prob         string
		wantDiv, wantProb float64
		ok, remove        bool
		badField          int // field with an error when !ok
		want              string
	}{
		{name: "full", price: "86", close: "2025-03-28", brk: "52", ok: true},
		{name: "dollars and commas", price: "$1,086.50", close: "2025-03-28", ok: true},
		{name: "no break", price: "86.00", close: "2025-03-28", ok: true},
		{name: "all blank removes", ok: true, remove: true},
		{name: "no price", close: "2025-03-28", badField: fieldPrice, want: "required"},
		{name: "letters", price: "abc", close: "2025-03-28", badField: fieldPrice, want: "positive price"},
		{name: "negative", price: "-5", close: "2025-03-28", badField: fieldPrice, want: "positive price"},
		{name: "NaN", price: "NaN", close: "2025-03-28", badField: fieldPrice, want: "positive price"},
		{name: "Inf", price: "+Inf", close: "2025-03-28", badField: fieldPrice, want: "positive price"},
		{name: "huge", price: "1e300", close: "2025-03-28", badField: fieldPrice, want: "positive price"},
		{name: "US date", price: "86", close: "03/28/2025", badField: fieldClose, want: "YYYY-MM-DD"},
		{name: "no date", price: "86", badField: fieldClose, want: "required"},
		{name: "bad day", price: "86", close: "2025-02-30", badField: fieldClose, want: "YYYY-MM-DD"},
		{name: "far year", price: "86", close: "2999-01-01", badField: fieldClose, want: "2000 and 2100"},
		{name: "break above price", price: "86", close: "2025-03-28", brk: "90", badField: fieldBreak, want: "below the deal price"},
		{name: "break junk", price: "86", close: "2025-03-28", brk: "x", badField: fieldBreak, want: "positive price"},
		{name: "dividends and own prob", price: "86", close: "2025-03-28", brk: "52", div: "0.50", prob: "85%", ok: true, wantDiv: 0.5, wantProb: 0.85},
		{name: "prob as fraction", price: "86", close: "2025-03-28", prob: "0.9", ok: true, wantProb: 0.9},
		{name: "prob over 100", price: "86", close: "2025-03-28", prob: "120%", badField: fieldProb, want: "85% or 0.85"},
		{name: "prob zero", price: "86", close: "2025-03-28", prob: "0", badField: fieldProb, want: "85% or 0.85"},
		{name: "prob NaN", price: "86", close: "2025-03-28", prob: "NaN", badField: fieldProb, want: "85% or 0.85"},
		{name: "dividends negative", price: "86", close: "2025-03-28", div: "-1", badField: fieldDiv, want: "cash per share"},
		{name: "dividends above D", price: "86", close: "2025-03-28", div: "90", badField: fieldDiv, want: "below the deal price"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, remove, errs, ok := parseDeal("HVLN", [fieldCount]string{tc.price, tc.close, tc.brk, tc.div, tc.prob})
			if ok != tc.ok || remove != tc.remove {
				t.Fatalf("ok %v remove %v, want %v %v (errs %q)", ok, remove, tc.ok, tc.remove, errs)
			}
			if !ok && !strings.Contains(errs[tc.badField], tc.want) {
				t.Fatalf("field %d error %q, want it to say %q", tc.badField, errs[tc.badField], tc.want)
			}
			if ok && !remove && (d.Symbol != "HVLN" || d.Price <= 0 || d.ExpectedClose.IsZero()) {
				t.Fatalf("deal %+v", d)
			}
			if ok && (d.Dividends != tc.wantDiv || d.Prob != tc.wantProb) {
				t.Fatalf("dividends %v prob %v, want %v %v", d.Dividends, d.Prob, tc.wantDiv, tc.wantProb)
			}
		})
	}
}

func TestChainDealForm(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	if press(t, p, runes("d")) != nil || p.form != nil {
		t.Fatal("d opened a form without a symbol")
	}
	openChain(t, p, src, "AAPL")
	press(t, p, runes("d"))
	if p.form == nil || !p.Typing() {
		t.Fatal("d did not open the deal form")
	}
	// Invalid: errors on screen, form stays, cursor on the first bad field.
	typeText(t, p, "abc")
	press(t, p, tea.KeyMsg{Type: tea.KeyTab})
	typeText(t, p, "2025/03/28")
	press(t, p, keyEnter)
	v := viewText(p)
	if p.form == nil || p.form.focus != fieldPrice ||
		!strings.Contains(v, "✗ want a positive price") || !strings.Contains(v, "✗ want a date as YYYY-MM-DD") {
		t.Fatalf("invalid deal accepted or errors not shown:\n%s", v)
	}
	if len(src.reqs) != 1 {
		t.Fatal("an invalid deal re-opened the chain")
	}
	// Fix both fields and save: the chain re-opens with the deal, the
	// scanner picks the expiry, and the lens is on.
	p.form.in[fieldPrice].SetValue("240")
	p.form.in[fieldClose].SetValue("2025-03-28")
	press(t, p, tea.KeyMsg{Type: tea.KeyShiftTab}) // wraps to the own probability
	typeText(t, p, "80%")
	press(t, p, tea.KeyMsg{Type: tea.KeyShiftTab}) // dividends
	typeText(t, p, "0.25")
	press(t, p, tea.KeyMsg{Type: tea.KeyShiftTab}) // break
	typeText(t, p, "190")
	cmd := press(t, p, keyEnter)
	if p.form != nil || cmd == nil || p.pending == nil {
		t.Fatal("a valid deal did not close the form and re-open the chain")
	}
	execNow(cmd)
	req := src.lastReq()
	want := time.Date(2025, 3, 28, 0, 0, 0, 0, time.UTC)
	if req.Deal == nil || req.Deal.Price != 240 || req.Deal.BreakPrice != 190 || !req.Deal.ExpectedClose.Equal(want) || req.Expiry != "" ||
		req.Deal.Dividends != 0.25 || req.Deal.Prob != 0.8 {
		t.Fatalf("re-open request %+v deal %+v", req, req.Deal)
	}
	if !p.lens {
		t.Fatal("the lens is not switched on after typing a deal")
	}
	if d := p.dealFor("AAPL"); d == nil || d.Price != 240 {
		t.Fatal("typed deal not kept")
	}
	// d again: the form is filled with the deal; esc leaves it unchanged.
	p.pending = nil
	press(t, p, runes("d"))
	if got := p.form.in[fieldPrice].Value(); got != "240" || p.form.in[fieldClose].Value() != "2025-03-28" {
		t.Fatalf("form not filled: %q", got)
	}
	press(t, p, keyEsc)
	if p.form != nil || p.dealFor("AAPL") == nil {
		t.Fatal("esc changed the deal")
	}
	// Clearing every field removes the typed deal.
	press(t, p, runes("d"))
	for i := range p.form.in {
		p.form.in[i].SetValue("")
	}
	execNow(press(t, p, keyEnter))
	if p.dealFor("AAPL") != nil || src.lastReq().Deal != nil {
		t.Fatal("the typed deal was not removed")
	}
}

func TestChainDealFormOverridesConfigDeal(t *testing.T) {
	src := newFakeSource(hvlnSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	openChain(t, p, src, "HVLN")
	press(t, p, runes("d"))
	if got := p.form.in[fieldPrice].Value(); got != "86" {
		t.Fatalf("form not filled with the config deal: %q", got)
	}
	p.form.in[fieldPrice].SetValue("88")
	execNow(press(t, p, keyEnter))
	if d := p.dealFor("HVLN"); d == nil || d.Price != 88 {
		t.Fatal("typed deal does not override the config's")
	}
	if deals := p.allDeals(); len(deals) != 1 || deals[0].Price != 88 {
		t.Fatalf("deals given to the searcher: %+v", deals)
	}
}
