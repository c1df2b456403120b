package conn

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// BenchmarkReopen measures from outside how soon after TWS's port opens
// again the supervisor is Connected: a TCP proxy on loopback stands
// between the supervisors and the simulator, closes its port (listener and
// sessions: dials are refused) for each outage length, reopens it, and the
// time from the reopening to each supervisor's Connected event is taken.
// Two supervisors run through the same proxy in the same run: ibwatch with
// its production retry settings (refused-dial fast path, 200 ms) and a
// fixed 1 s retry, what popular client libraries do. Run it with:
//
//	go test -run XXX -bench Reopen -benchtime 1x -timeout 20m ./conn
//	IBWATCH_BENCH_REOPEN=2s,30s,3m IBWATCH_BENCH_CYCLES=5 go test -run XXX -bench Reopen -benchtime 1x -timeout 60m ./conn
//
// IBWATCH_BENCH_REOPEN lists the outage lengths (default 2s,30s; the 3m
// case is opt-in, it takes cycles × 3 minutes), IBWATCH_BENCH_CYCLES the
// cycles per length (default 8). Targets: p50 ≤ 150 ms, p90 ≤ 300 ms.
func BenchmarkReopen(b *testing.B) {
	outages := []time.Duration{2 * time.Second, 30 * time.Second}
	if v := os.Getenv("IBWATCH_BENCH_REOPEN"); v != "" {
		outages = nil
		for _, f := range strings.Split(v, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(f))
			if err != nil || d <= 0 {
				b.Fatalf("IBWATCH_BENCH_REOPEN=%q: want durations like 2s,30s,3m", v)
			}
			outages = append(outages, d)
		}
	}
	cycles := envInt("IBWATCH_BENCH_CYCLES", 8)
	const stable = 500 * time.Millisecond
	for i := 0; i < b.N; i++ {
		sim := newSim(b, twsim.Config{})
		px := newProxy(b, sim.Port())
		ours := newHarness(b, sim, func(c *Config) {
			c.Port, c.ClientIDs = px.port, []int64{31}
			c.BackoffBase, c.BackoffMax, c.BackoffFactor = 250*time.Millisecond, 5*time.Second, 1.6
			c.FastRetry, c.FastRetryFor = 200*time.Millisecond, 5*time.Minute // the defaults
			c.StableAfter = stable
		})
		fixed := newHarness(b, sim, func(c *Config) {
			c.Port, c.ClientIDs = px.port, []int64{32}
			c.BackoffBase, c.BackoffMax, c.BackoffFactor = time.Second, time.Second, 1
			c.Rand = func() float64 { return 0.999999 } // no jitter: always the bound
			c.FastRetry, c.FastRetryFor = time.Second, time.Hour
			c.StableAfter = stable
		})
		hs := []*harness{ours, fixed}
		for _, h := range hs {
			h.waitState(0, StateConnected, 15*time.Second)
		}
		fmt.Printf("\nreconnect after the port reopens (proxy on loopback; %d cycles per outage)\n", cycles)
		fmt.Printf("%-8s %-22s %9s %9s %9s %9s\n", "outage", "client", "min", "p50", "p90", "max")
		for _, out := range outages {
			lat := make([][]time.Duration, len(hs))
			for n := 0; n < cycles; n++ {
				from := make([]int, len(hs))
				for k, h := range hs {
					from[k] = h.mark()
				}
				px.closePort()
				for k, h := range hs {
					h.waitState(from[k], StateBackoff, 10*time.Second)
				}
				// The outage itself, plus a random fraction of a second so
				// no retry schedule locks onto the reopening.
				<-time.After(out + time.Duration(rand.Int64N(int64(time.Second))))
				reopened := px.openPort()
				for k, h := range hs {
					up := h.waitState(from[k], StateConnected, 30*time.Second)
					lat[k] = append(lat[k], up.Time.Sub(reopened))
				}
				for _, h := range hs {
					waitStable(h, stable)
				}
			}
			for k, name := range []string{"ibwatch (fast path)", "fixed 1s retry"} {
				d := lat[k]
				fmt.Printf("%-8v %-22s %9v %9v %9v %9v\n", out, name, pct(d, 0), pct(d, 50), pct(d, 90), pct(d, 100))
				b.ReportMetric(ms(pct(d, 50)), fmt.Sprintf("%s-%v-p50-ms", []string{"ours", "fixed"}[k], out))
				b.ReportMetric(ms(pct(d, 90)), fmt.Sprintf("%s-%v-p90-ms", []string{"ours", "fixed"}[k], out))
			}
		}
		fmt.Println("targets for ibwatch: p50 ≤ 150ms, p90 ≤ 300ms")
	}
}

// waitStable waits until h's session has lasted long enough to reset its
// backoff (a heartbeat answered stable after it came up), so each cycle
// starts as a first outage does.
func waitStable(h *harness, stable time.Duration) {
	evs := h.events()
	var up time.Time
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == KindState && evs[i].State == StateConnected {
			up = evs[i].Time
			break
		}
	}
	h.waitFor("a stable connection", 10*time.Second, func(evs []Event) bool {
		for _, ev := range evs {
			if ev.Kind == KindHeartbeat && ev.Cause == CauseNone && ev.Time.Sub(up) >= stable {
				return true
			}
		}
		return false
	})
}

// proxy forwards loopback connections to a target port. closePort shuts
// its listener and every forwarded session, so dials are refused, as when
// TWS is down; openPort listens again on the same port.
type proxy struct {
	t      testing.TB
	port   int
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newProxy(t testing.TB, targetPort int) *proxy {
	p := &proxy{t: t, target: fmt.Sprintf("127.0.0.1:%d", targetPort), conns: map[net.Conn]struct{}{}}
	p.port = freePort(t)
	p.openPort()
	t.Cleanup(func() { p.closePort(); p.wg.Wait() })
	return p
}

// openPort listens again and returns when.
func (p *proxy) openPort() time.Time {
	ln, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", p.port))
	if err != nil {
		p.t.Fatalf("proxy: %v", err)
	}
	at := time.Now()
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go p.accept(ln)
	return at
}

func (p *proxy) closePort() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
}

func (p *proxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed
		}
		up, err := net.Dial("tcp4", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		if p.ln != ln { // closed meanwhile
			p.mu.Unlock()
			_ = c.Close()
			_ = up.Close()
			return
		}
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

// pipe copies src to dst; when either side ends both close.
func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}
