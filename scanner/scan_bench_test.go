package scanner

import (
	"context"
	"testing"
	"time"
)

// BenchmarkScanSevenDeals scans the simulator's seven pending deals from
// an empty cache (definitions, listings, every contract of every
// candidate) and compares the time with the bound TWS's pacing sets: the
// requests the scan sent (as the simulator counted them) ÷ 42 per second,
// the supervisor's request rate. Goal: x-bound ≤ 1.3. Run with
// -benchtime 1x (one scan takes about 25 s).
func BenchmarkScanSevenDeals(b *testing.B) {
	e := newEnv(b, frozen)
	deals := simDeals(e.sim)
	rate := e.sup.Config().RequestRate
	var msgs int64
	var took time.Duration
	var contracts int
	for b.Loop() {
		f := NewFetcher(e.sup, FetcherOptions{})
		before := sumCounts(e.sim.State().Stats.ByMsgID)
		start := time.Now()
		res, err := Scan(context.Background(), f, deals, ScanOptions{})
		took += time.Since(start)
		if err != nil || !res.Complete || res.OneSided != 0 {
			b.Fatalf("scan: %v, complete %v, %d one-sided", err, res.Complete, res.OneSided)
		}
		msgs += sumCounts(e.sim.State().Stats.ByMsgID) - before
		contracts = res.Contracts
		b.StopTimer()
		eventually(b, "every line cancelled at TWS", 10*time.Second, func() bool { return e.simLines() == 0 })
		b.StartTimer()
	}
	n := float64(b.N)
	bound := float64(msgs) / n / rate
	b.ReportMetric(float64(contracts), "contracts")
	b.ReportMetric(float64(msgs)/n, "msgs/scan")
	b.ReportMetric(took.Seconds()/n, "s/scan")
	b.ReportMetric(bound, "s-bound")
	b.ReportMetric(took.Seconds()/n/bound, "x-bound")
	e.noPacingErrors()
}

func sumCounts(m map[int]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
