package scanner

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// junkSnapshot has every kind of unset or absurd value TWS can produce.
func junkSnapshot() Snapshot {
	nan := math.NaN()
	junk := Side{Contract: conn.Contract{ConID: 5, Right: "C"}, Bid: nan, Ask: math.Inf(1), Last: 1.7976931348623157e308,
		IV: -1, Delta: -2, OI: 2147483647, HasLine: true}
	good := Side{Contract: conn.Contract{ConID: 6, Right: "P"}, Bid: 1.25, Ask: 1.3, Last: 1.27, IV: 0.25, Delta: -0.4, OI: 1234, HasLine: true, ITM: true}
	missing := Side{Bid: nan, Ask: nan, Last: nan, IV: nan, Delta: nan, OI: nan}
	s := Snapshot{Symbol: "TEST", Name: "Test Corp", ConID: 1, Expiry: "20270115", Multiplier: 100,
		Underlying: conn.Quote{Bid: nan, Ask: nan, Last: nan, Close: nan}, UnderPrice: nan, Money: 1, Total: 3, Badge: BadgeStale,
		Rows: []Row{{Strike: 10, Call: junk, Put: good}, {Strike: 12.5, Money: true, Call: good, Put: missing}},
		Time: time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC)}
	l := ComputeLens(s.LensInput(Deal{Symbol: "TEST", Price: 13, BreakPrice: 13}))
	s.Lens = &l
	return s
}

func TestRenderTextBlanksJunk(t *testing.T) {
	var b strings.Builder
	if err := RenderText(&b, junkSnapshot()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"NaN", "Inf", "2147483647", "e+308", "179769", "-1.00", "-2.00"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{"[stale]", "note: some lines sent no quote", "underlying -", "1.25", "25.0%", "-0.40", "1234", ">    12.5 <", "deal 13.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "implied completion -") {
		t.Errorf("the probability should be blank when D == B:\n%s", out)
	}
}

func TestSnapshotJSONHasNoNaN(t *testing.T) {
	b, err := json.Marshal(junkSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	rows := back["rows"].([]any)
	call := rows[0].(map[string]any)["call"].(map[string]any)
	for _, k := range []string{"bid", "ask", "last", "iv", "delta", "openInterest"} {
		if call[k] != nil {
			t.Errorf("junk %s encoded as %v, want null", k, call[k])
		}
	}
	if put := rows[1].(map[string]any)["put"]; put != nil {
		t.Errorf("a missing option encoded as %v, want null", put)
	}
	if back["underlying"].(map[string]any)["price"] != nil {
		t.Error("unknown underlying price is not null")
	}
}

func TestBadgeOf(t *testing.T) {
	now := time.Now()
	cases := []struct {
		q    conn.Quote
		want Badge
	}{
		{conn.Quote{}, BadgeWaiting},
		{conn.Quote{Delayed: true}, BadgeDelayed},
		{conn.Quote{Type: conn.MDLive, Updated: now}, BadgeLive},
		{conn.Quote{Type: conn.MDLive, Stale: true}, BadgeStale},
		{conn.Quote{Type: conn.MDFrozen}, BadgeFrozen},
		{conn.Quote{Type: conn.MDDelayed}, BadgeDelayed},
		{conn.Quote{Type: conn.MDDelayedFrozen}, BadgeDelayedFrozen},
		{conn.Quote{Updated: now}, BadgeLive},
		{conn.Quote{Updated: now, Delayed: true}, BadgeDelayed},
	}
	for _, c := range cases {
		if got := BadgeOf(c.q); got != c.want {
			t.Errorf("BadgeOf(%+v) = %s, want %s", c.q, got, c.want)
		}
	}
	if worse(BadgeWaiting, BadgeLive) != BadgeLive || worse(BadgeLive, BadgeDelayed) != BadgeDelayed || worse(BadgeStale, BadgeLive) != BadgeStale {
		t.Error("worse() ordering")
	}
	if p := UnderPrice(conn.Quote{Bid: 10, Ask: 10.2, Last: math.NaN()}); p != 10.1 {
		t.Errorf("mid = %v", p)
	}
	if p := UnderPrice(conn.Quote{Bid: 0, Ask: 10.2, Last: 10.1}); p != 10.1 {
		t.Errorf("last fallback = %v", p)
	}
	if p := UnderPrice(conn.Quote{Bid: math.NaN(), Ask: math.NaN(), Last: math.NaN(), Close: 9}); p != 9 {
		t.Errorf("close fallback = %v", p)
	}
	if p := UnderPrice(conn.Quote{Bid: math.NaN(), Ask: math.NaN(), Last: math.NaN(), Close: math.NaN()}); !math.IsNaN(p) {
		t.Errorf("nothing = %v", p)
	}
}
