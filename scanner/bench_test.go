package scanner

import (
	"context"
	"testing"
	"time"
)

// BenchmarkChainComplete measures the time from "enter" (FetchChain with
// an empty cache: contract details, option parameters, the expiry's
// strikes, 43 subscriptions) to a complete 21-strike chain against the
// simulator, starting with no line open. Dominated by the supervisor's
// request pacing (42 requests/s, burst 4). Reports ms/complete (every
// line has bid and ask) and ms/full (IV, delta, open interest too).
func BenchmarkChainComplete(b *testing.B) {
	e := newEnv(b, frozen)
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	var gen uint64
	var complete, full time.Duration
	for b.Loop() {
		gen++
		c, fl := timeChain(b, f, gen, "")
		complete += c
		full += fl
		b.StopTimer()
		f.Close() // leave, and let the cancels reach TWS before the next enter
		f.Refresh("")
		eventually(b, "every line cancelled at TWS", 10*time.Second, func() bool { return e.simLines() == 0 })
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(complete.Milliseconds())/n, "ms/complete")
	b.ReportMetric(float64(full.Milliseconds())/n, "ms/full")
}

// BenchmarkChainSwitch measures switching a 21-strike chain to another
// (cached) expiry: 43 cancels and 43 subscriptions, interleaved and paced,
// money row first. Reports ms/money-row (the money strike's call and put
// quoted) and ms/complete.
func BenchmarkChainSwitch(b *testing.B) {
	e := newEnv(b, frozen)
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	def, err := f.Definition(context.Background(), "AAPL")
	if err != nil || len(def.Expiries) < 2 {
		b.Fatalf("definition: %v", err)
	}
	timeChain(b, f, 1, def.Expiries[1])
	var gen uint64 = 1
	var complete, money time.Duration
	for b.Loop() {
		gen++
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		start := time.Now()
		ch, err := f.FetchChain(ctx, ChainRequest{Gen: gen, Symbol: "AAPL", Expiry: def.Expiries[gen%2]})
		if err != nil {
			b.Fatal(err)
		}
		_, err = ch.wait(ctx, func(s Snapshot) bool {
			return s.Money >= 0 && s.Rows[s.Money].Call.Ready && s.Rows[s.Money].Put.Ready
		})
		money += time.Since(start)
		if err == nil {
			_, err = ch.WaitComplete(ctx)
		}
		complete += time.Since(start)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(money.Milliseconds())/float64(b.N), "ms/money-row")
	b.ReportMetric(float64(complete.Milliseconds())/float64(b.N), "ms/complete")
}

// timeChain opens AAPL's chain and returns the time to complete and full.
func timeChain(b *testing.B, f *Fetcher, gen uint64, expiry string) (complete, full time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	ch, err := f.FetchChain(ctx, ChainRequest{Gen: gen, Symbol: "AAPL", Expiry: expiry})
	if err != nil {
		b.Fatal(err)
	}
	s, err := ch.WaitComplete(ctx)
	if err != nil || len(s.Rows) != DefaultStrikes {
		b.Fatalf("chain not complete: %v (%d rows)", err, len(s.Rows))
	}
	complete = time.Since(start)
	if _, err := ch.WaitFull(ctx); err != nil {
		b.Fatal(err)
	}
	return complete, time.Since(start)
}

// BenchmarkRank10kByQuery is BenchmarkRank10k per query, to see the worst
// keystroke (short queries that match most names fuzzily).
func BenchmarkRank10kByQuery(b *testing.B) {
	s := NewSearcher(tenThousand(), []string{"AAPL"}, nil)
	s.Rank("warm", 0)
	for _, q := range []string{"a", "ap", "app", "apple", "apple h", "micro sys", "xq"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				s.Rank(q, 1)
			}
		})
	}
}
