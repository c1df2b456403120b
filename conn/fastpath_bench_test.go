package conn

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkIdleRefused measures what a refusing TWS costs in CPU (this
// process plus the link process), on the refused-dial fast path (a dial
// every 200 ms, the first 5 minutes of an outage and the daily-restart
// window) and after it (the backoff, capped at 5 s):
//
//	go test -run XXX -bench IdleRefused -benchtime 1x -timeout 10m ./conn
//
// IBWATCH_BENCH_IDLE (default 60s) sets each measurement's length. The
// fast path is measured as if it lasted the whole hour, an upper bound.
// IBWATCH_BENCH_OUTAGE=1h instead measures one outage of that length with
// the default settings (fast path for 5 minutes, then the backoff), the
// figure the target is about: under 2 s CPU per hour.
//
//	IBWATCH_BENCH_OUTAGE=1h go test -run XXX -bench IdleRefused -benchtime 1x -timeout 70m ./conn
func BenchmarkIdleRefused(b *testing.B) {
	idle := envDur("IBWATCH_BENCH_IDLE", 60*time.Second)
	if outage := envDur("IBWATCH_BENCH_OUTAGE", 0); outage > 0 {
		for i := 0; i < b.N; i++ {
			cpu := idleCPU(b, outage, false)
			fmt.Printf("\nan outage of %v with the defaults (fast path 5m, then backoff): %.2fs CPU per hour, this process + link (target < 2s)\n", outage, cpu)
			b.ReportMetric(cpu, "outage-cpu-s/h")
		}
		return
	}
	for i := 0; i < b.N; i++ {
		fast := idleCPU(b, idle, false, func(c *Config) { c.FastRetryFor = time.Hour })
		slow := idleCPU(b, idle, false, func(c *Config) { c.FastRetryFor = -1 })
		fmt.Printf("\nidle while TWS refuses, over %v each (this process + link)\n", idle)
		fmt.Printf("%-40s %8.2fs CPU per hour (target < 2s)\n", "fast path (dial every 200ms)", fast)
		fmt.Printf("%-40s %8.2fs CPU per hour (target < 2s)\n", "after it (backoff, cap 5s)", slow)
		b.ReportMetric(fast, "fast-cpu-s/h")
		b.ReportMetric(slow, "backoff-cpu-s/h")
	}
}
