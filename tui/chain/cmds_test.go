package chain

import (
	"context"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/scanner"
)

// fakeMatcher is a fake of scanner.SymbolMatcher (our interface for
// REQ_MATCHING_SYMBOLS): it answers every pattern with samples.
type fakeMatcher struct{ samples []conn.SymbolSample }

func (f fakeMatcher) MatchingSymbols(context.Context, string) ([]conn.SymbolSample, error) {
	return f.samples, nil
}

func TestLookupCmdMergesTWSMatches(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srch := testSearcher()
	look := scanner.NewTWSLookup(fakeMatcher{[]conn.SymbolSample{
		{Symbol: "ZQTX", SecType: "STK", Currency: "USD", PrimaryExch: "NYSE", Description: "Zeta Quarry\x1b[2J Corp"},
		{Symbol: "ZQTF", SecType: "FUT", Currency: "USD"}, // not a stock: dropped
	}}, time.Millisecond, time.Millisecond)
	srch.Rank("zq", 7) // the query the pane showed
	msg, ok := lookupCmd(ctx, look, srch, "zq", 7)().(chainLookupMsg)
	if !ok || msg.err != nil || msg.gen != 7 || msg.rank == nil || !msg.rank.tws {
		t.Fatalf("lookup message %+v", msg)
	}
	items := msg.rank.res.Items
	if len(items) != 1 || items[0].Symbol != "ZQTX" || items[0].Source != scanner.SourceTWS || items[0].Name != "Zeta Quarry[2J Corp" {
		t.Fatalf("ranked %+v", items)
	}
}

func TestLookupCmdSuperseded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srch := testSearcher()
	look := scanner.NewTWSLookup(fakeMatcher{}, time.Hour, time.Millisecond)
	first := make(chan any, 1)
	go func() { first <- lookupCmd(ctx, look, srch, "z", 1)() }()
	// The next keystroke's lookup makes the first one pointless; it waits
	// out no quiet period and returns no message.
	second := make(chan any, 1)
	go func() { second <- lookupCmd(ctx, look, srch, "zq", 2)() }()
	select {
	case m := <-first:
		if m != nil {
			t.Fatalf("superseded lookup returned %#v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("superseded lookup did not end")
	}
	cancel() // ends the second one's hour-long quiet period
	if m := <-second; m != nil {
		t.Fatalf("a lookup cut short by the context returned %#v", m)
	}
}

func TestWaitChainCmd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &fakeChain{snap: aaplSnapshot()}
	r := newOpenReq(3, chainWant{symbol: "AAPL"})
	r.chain = c
	r.notify <- struct{}{}
	msg, ok := waitChainCmd(ctx, r, time.Millisecond)().(chainDataMsg)
	if !ok || msg.req != r || msg.snap.Symbol != "AAPL" {
		t.Fatalf("waiter returned %#v", msg)
	}
	// Stopping the request ends a waiter that has nothing to wait for.
	done := make(chan any, 1)
	go func() { done <- waitChainCmd(ctx, r, 0)() }()
	r.end()
	r.end() // twice is fine
	select {
	case m := <-done:
		if m != nil {
			t.Fatalf("stopped waiter returned %#v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter did not end when its request stopped")
	}
}

// BenchmarkChainData is one snapshot of a 21-strike chain arriving: Update
// stores it and renders the table (at 120×40, all columns).
func BenchmarkChainData(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := newChainPane(testStyles(), ctx, newFakeSource(), testSearcher(), nil)
	p.SetSize(116, 28)
	r := newOpenReq(1, chainWant{symbol: "AAPL"})
	r.chain = &fakeChain{}
	p.live = r
	msg := chainDataMsg{req: r, snap: aaplSnapshot()}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Update(msg)
	}
}

// BenchmarkChainLensData is the same for a deal chain in the lens view.
func BenchmarkChainLensData(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := newChainPane(testStyles(), ctx, newFakeSource(), testSearcher(), nil)
	p.SetSize(116, 28)
	r := newOpenReq(1, chainWant{symbol: "HVLN", deal: &hvlnDeal})
	r.chain = &fakeChain{}
	p.live, p.lens = r, true
	msg := chainDataMsg{req: r, snap: hvlnSnapshot()}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Update(msg)
	}
}
