package conn

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// BenchmarkDetect measures, over many faults each, how fast the supervisor
// sees a close and a stall, how fast it is back after the simulator accepts
// again, and its idle CPU cost. Run it with:
//
//	go test -run XXX -bench Detect -benchtime 1x -timeout 30m ./conn
//
// Figures are printed as a table and reported as benchmark metrics.
// IBWATCH_BENCH_FAULTS (default 50) and IBWATCH_BENCH_IDLE (default 60s)
// change the sample sizes.
func BenchmarkDetect(b *testing.B) {
	faults := envInt("IBWATCH_BENCH_FAULTS", 50)
	idle := envDur("IBWATCH_BENCH_IDLE", 60*time.Second)
	const H, T = 500 * time.Millisecond, 500 * time.Millisecond
	const stable = 500 * time.Millisecond // StableAfter (default 10 s), short to keep the run short
	for i := 0; i < b.N; i++ {
		sim := newSim(b, twsim.Config{})
		h := newHarness(b, sim, func(c *Config) {
			c.Heartbeat, c.HeartbeatTimeout = H, T
			c.BackoffBase, c.BackoffMax = 250*time.Millisecond, 5*time.Second // the defaults
			c.StableAfter = stable
		})
		h.waitState(0, StateConnected, 10*time.Second)

		var closeLat, stallLat, reconLat []time.Duration
		for n := 0; n < faults; n++ {
			closeLat = append(closeLat, measureLoss(b, h, sim.Drop))
			h.waitState(h.mark()-1, StateConnected, 15*time.Second)
		}
		for n := 0; n < faults; n++ {
			stallLat = append(stallLat, measureLoss(b, h, func() { sim.SetStall(true) }))
			sim.SetStall(false)
			h.waitConnectedAgain()
		}
		for n := 0; n < faults; n++ {
			from := h.mark()
			sim.Restart(time.Second) // a short TWS restart
			h.waitState(from, StateBackoff, 5*time.Second)
			up := h.waitState(from, StateConnected, 20*time.Second)
			accepted := lastFault(sim, "restart-up")
			reconLat = append(reconLat, up.Time.Sub(accepted))
			// A real restart comes after a healthy spell: wait until the
			// connection counts as stable (a heartbeat answered
			// StableAfter after it came up resets the backoff), so each
			// restart starts from the base delay, as a daily one does.
			h.waitFor("a stable connection", 10*time.Second, func(evs []Event) bool {
				for _, ev := range evs[from:] {
					if ev.Kind == KindHeartbeat && ev.Cause == CauseNone && ev.Time.Sub(up.Time) >= stable {
						return true
					}
				}
				return false
			})
		}
		h.close()
		sim.Close() // its price walk would count as our CPU below

		connCPU := idleCPU(b, idle, true)
		// The steady state of a long refusal; BenchmarkIdleRefused
		// measures the refused-dial fast path of its first minutes.
		refusedCPU := idleCPU(b, idle, false, func(c *Config) { c.FastRetryFor = -1 })

		fmt.Printf("\nibwatch supervisor benchmark (%d faults each; H=%v T=%v; backoff 250ms..5s full jitter, reset after %v stable)\n", faults, H, T, stable)
		fmt.Printf("%-34s %10s %10s %10s   %s\n", "measure", "p50", "p99", "max", "target")
		row := func(name string, d []time.Duration, target string) {
			fmt.Printf("%-34s %10v %10v %10v   %s\n", name, pct(d, 50), pct(d, 99), pct(d, 100), target)
		}
		row("close detected", closeLat, "p99 < 100ms")
		row("stall detected", stallLat, fmt.Sprintf("≤ H+T = %v", H+T))
		row("reconnected after TWS accepts", reconLat, "p50 < 1s, p99 ≤ cap+1s = 6s")
		fmt.Printf("%-34s %10.2fs CPU per hour (target < 2s)\n", "idle, connected (H=5s)", connCPU)
		fmt.Printf("%-34s %10.2fs CPU per hour (target < 2s)\n", "idle, TWS refusing (backoff, cap 5s)", refusedCPU)

		b.ReportMetric(ms(pct(closeLat, 99)), "close-p99-ms")
		b.ReportMetric(ms(pct(stallLat, 99)), "stall-p99-ms")
		b.ReportMetric(ms(pct(reconLat, 50)), "reconnect-p50-ms")
		b.ReportMetric(ms(pct(reconLat, 99)), "reconnect-p99-ms")
		b.ReportMetric(connCPU, "idle-connected-cpu-s/h")
		b.ReportMetric(refusedCPU, "idle-refused-cpu-s/h")
	}
}

// measureLoss injects a fault and returns the time until the supervisor
// reported the loss.
func measureLoss(b testing.TB, h *harness, inject func()) time.Duration {
	from := h.mark()
	at := time.Now()
	inject()
	lost := h.waitState(from, StateBackoff, 10*time.Second)
	return lost.Time.Sub(at)
}

// waitConnectedAgain waits for the next Connected after the last loss.
func (h *harness) waitConnectedAgain() {
	evs := h.events()
	from := 0
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == KindState && evs[i].State == StateBackoff {
			from = i
			break
		}
	}
	h.waitState(from, StateConnected, 20*time.Second)
}

func lastFault(sim *twsim.Server, name string) time.Time {
	fs := sim.State().Faults
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].Fault == name {
			return fs[i].Time
		}
	}
	return time.Time{}
}

// idleCPU runs a supervisor with production intervals against a simulator
// in a separate process (so the simulator's CPU is not counted), lets it
// idle for d, and returns the CPU seconds per hour of this process plus the
// link process. connected=false points it at a port that refuses.
func idleCPU(b testing.TB, d time.Duration, connected bool, tune ...func(*Config)) float64 {
	port := freePort(b)
	if connected {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "IBWATCH_TEST_SIM_ADDR=127.0.0.1:"+strconv.Itoa(port))
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { stdin.Close(); cmd.Wait() }()
		if line, _ := bufio.NewReader(stdout).ReadString('\n'); !strings.HasPrefix(line, "ready") {
			b.Fatalf("simulator process: %q", line)
		}
	}
	h := newHarness(b, nil, func(c *Config) {
		*c = Config{Host: "127.0.0.1", Port: port, LinkCommand: linkCommand}
		for _, f := range tune {
			f(c)
		}
	})
	if connected {
		h.waitState(0, StateConnected, 15*time.Second)
	} else {
		h.waitState(0, StateBackoff, 15*time.Second)
	}
	pid := h.linkPID()
	self0, link0 := selfCPU(), procCPU(pid)
	start := time.Now()
	<-time.After(d) // the measurement window itself, not synchronisation
	self1, link1 := selfCPU(), procCPU(pid)
	if np := h.linkPID(); np != pid {
		b.Errorf("link replaced during the idle window (%d → %d)", pid, np)
	}
	h.close()
	used := (self1 - self0) + (link1 - link0)
	if os.Getenv("IBWATCH_BENCH_VERBOSE") != "" {
		fmt.Printf("idle connected=%v: parent %v, link %v over %v\n", connected, self1-self0, link1-link0, time.Since(start))
	}
	return used.Seconds() * float64(time.Hour) / float64(time.Since(start))
}

func selfCPU() time.Duration { return procCPU(os.Getpid()) }

// procCPU sums the on-CPU time of every thread of pid from
// /proc/<pid>/task/*/schedstat (nanoseconds; /proc/<pid>/stat counts in
// 10 ms ticks, too coarse for an idle process).
func procCPU(pid int) time.Duration {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0
	}
	var total time.Duration
	for _, e := range ents {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, e.Name()))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			total += time.Duration(ns)
		}
	}
	return total
}

func freePort(b testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))].Round(time.Microsecond)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envDur(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
