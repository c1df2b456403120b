package conn

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// finish settles the run, checks resources, stops the supervisor, checks
// the journal against what the consumer got, prints the table and fails
// the test on any miss.
func (r *soakRun) finish() {
	t := r.t
	if !r.aborted {
		r.sim.ClearFaults()
		r.steady()
	}
	r.settle()
	metRun := r.h.sup.Metrics()
	r.sub.Close()
	r.h.close()
	metEnd := r.h.sup.Metrics()
	evs := r.h.events()

	journal, jerr := readJournalFiles(r.jdir)
	var emitted int64
	for _, n := range metEnd.BySeverity {
		emitted += n
	}
	r.checkEvents(evs, journal, jerr, emitted, metEnd.DroppedEvents)

	var b strings.Builder
	r.table(&b, evs, metRun)
	fmt.Fprintf(&b, "events: emitted %d, consumer got %d, dropped %d, journal %d (%d file(s) in %s)\n",
		emitted, len(evs), metEnd.DroppedEvents, len(journal), len(journalFiles(r.jdir)), filepath.Base(r.jdir))
	fmt.Fprintf(&b, "resources at start: %s\nresources at end:   %s\n", r.res0, r.res1)
	fmt.Fprintf(&b, "link stderr: %d lines (panics of crashed links included)\n", r.linkLog.count())
	fmt.Print(b.String())

	if len(r.problems) > 0 {
		const show = 20
		for i, p := range r.problems[:min(show, len(r.problems))] {
			t.Errorf("soak miss %d/%d: %s", i+1, len(r.problems), p)
		}
		if len(r.problems) > show {
			t.Errorf("… and %d more misses", len(r.problems)-show)
		}
		t.Logf("link stderr %s", r.linkLog)
		t.Errorf("soak failed with seed %d: replay with -soak=%v -soak.seed=%d", r.seed, r.dur, r.seed)
	}
}

// settle waits (10 s at most) for goroutines, descriptors and link
// processes to return to where they were at the start: replaced links are
// reaped asynchronously. Whatever is left over is a leak.
func (r *soakRun) settle() {
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		r.res1 = r.sample()
		ok := r.res1.goroutines <= r.res0.goroutines+3 && r.res1.fds <= r.res0.fds+3 && r.res1.links <= r.res0.links
		if ok || time.Now().After(deadline) {
			break
		}
		<-tick.C
	}
	if r.res1.goroutines > r.res0.goroutines+3 || r.res1.fds > r.res0.fds+3 || r.res1.links > r.res0.links {
		r.problemf(nil, 0, 0, "resources did not return to the start: %s → %s", r.res0, r.res1)
	}
	// The test keeps every event it saw (about 1 KB each with the copy the
	// journal check reads back); beyond that the heap must not grow.
	allow := uint64(64<<10) + uint64(r.h.mark()) // KB: 64 MB + 1 KB per event
	if r.res1.heapKB > r.res0.heapKB+allow {
		r.problemf(nil, 0, 0, "heap grew from %d KB to %d KB over %d events (allowance %d KB)", r.res0.heapKB, r.res1.heapKB, r.h.mark(), allow)
	}
}

// checkEvents: nothing lost (every event the consumer got is in the
// journal, same count, same order), nothing dropped, and no TWS text
// reached the consumer unsanitised.
func (r *soakRun) checkEvents(evs, journal []Event, jerr error, emitted, dropped int64) {
	if jerr != nil {
		r.problemf(nil, 0, 0, "reading the journal: %v", jerr)
	}
	if dropped != 0 || emitted != int64(len(evs)) {
		r.problemf(nil, 0, 0, "events emitted %d, consumer got %d, dropped %d", emitted, len(evs), dropped)
	}
	if len(journal) != len(evs) {
		r.problemf(nil, 0, 0, "journal has %d events, the consumer got %d", len(journal), len(evs))
	}
	for i := range min(len(journal), len(evs)) {
		if a, b := eventKey(&evs[i]), eventKey(&journal[i]); a != b {
			r.problemf(nil, 0, 0, "event %d differs: consumer %s, journal %s", i, a, b)
			break
		}
	}
	for i := range evs {
		if !cleanText(evs[i].Message) || !cleanText(evs[i].Explain) {
			r.problemf(nil, i, i, "event %d carries unsanitised text: %q", i, evs[i].Message)
			break
		}
	}
}

// readJournalFiles decodes every journal file in name (= date) order,
// keeping the order lines were written in.
func readJournalFiles(dir string) ([]Event, error) {
	var out []Event
	for _, name := range journalFiles(dir) {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return out, err
		}
		evs, rep := DecodeJournal(f, time.Time{})
		f.Close()
		if rep.Skipped > 0 {
			return out, fmt.Errorf("%s: %d bad lines: %v", name, rep.Skipped, rep.Errors)
		}
		out = append(out, evs...)
	}
	return out, nil
}

func eventKey(ev *Event) string {
	return fmt.Sprintf("%d|%s|%s|%s|%s|%d|%q|%q|%s|%d|%d|%d|%s|%d|%d|%d|%d|%s|%d", ev.Time.UnixNano(), ev.Kind, ev.State, ev.Prev,
		ev.Cause, ev.Code, ev.Message, ev.Explain, ev.Severity, ev.Epoch, ev.ReqID, ev.Attempt, ev.Addr, ev.ClientID,
		ev.NextRetry.UnixNano(), ev.RTT, ev.Latency, ev.Window, ev.Sub)
}

// cleanText reports whether s is safe to print: valid UTF-8 without ESC,
// BEL, other C0 controls, DEL or C1 controls.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			return false
		}
	}
	return true
}

// kindStats aggregates the faults of one kind.
type kindStats struct {
	k                  *soakKind
	n, det, fp, healed int
	detect, heal       []time.Duration
	falseUpMax         time.Duration
}

func (r *soakRun) table(b *strings.Builder, evs []Event, met Metrics) {
	byKind := map[string]*kindStats{}
	var order []string
	var falseUp time.Duration
	for _, f := range r.faults {
		s := byKind[f.kind.name]
		if s == nil {
			s = &kindStats{k: f.kind}
			byKind[f.kind.name] = s
			order = append(order, f.kind.name)
		}
		s.n++
		if f.detected {
			s.det++
			s.detect = append(s.detect, f.detect)
		}
		if f.falsePos {
			s.fp++
		}
		if f.healed {
			s.healed++
			if f.kind.loss || strings.HasPrefix(f.kind.name, "ib-") {
				s.heal = append(s.heal, f.heal)
			}
		}
		s.falseUpMax = max(s.falseUpMax, f.falseUp)
		falseUp += f.falseUp
	}
	slices.Sort(order)
	elapsed := r.stop.Sub(r.start)
	fmt.Fprintf(b, "\nsoak: %d faults in %v (%.0f per 10 min), seed %d; H=%v T=%v handshake=%v backoff %v..%v\n",
		len(r.faults), elapsed.Round(time.Second), float64(len(r.faults))*float64(10*time.Minute)/float64(max(elapsed, 1)),
		r.seed, soakH, soakT, soakHandshake, 10*time.Millisecond, 150*time.Millisecond)
	fmt.Fprintf(b, "%-24s %5s %5s %4s %6s | %28s | %28s | %9s %9s\n", "fault", "inj", "det", "fp", "healed",
		"detection p50 / p99 / max", "time to heal p50 / p99 / max", "false-up", "bound")
	d := func(x []time.Duration, p int) string {
		if len(x) == 0 {
			return "-"
		}
		return fmtMS(pct(x, p))
	}
	for _, name := range order {
		s := byKind[name]
		bound := "-"
		if s.k.loss || strings.HasPrefix(name, "ib-") {
			bound = fmtMS(s.k.bound)
			if strings.HasPrefix(name, "ib-") {
				bound = fmtMS(boundClose)
			}
		}
		fmt.Fprintf(b, "%-24s %5d %5d %4d %6d | %8s %9s %9s | %8s %9s %9s | %9s %9s\n", name, s.n, s.det, s.fp, s.healed,
			d(s.detect, 50), d(s.detect, 99), d(s.detect, 100), d(s.heal, 50), d(s.heal, 99), d(s.heal, 100),
			fmtMS(s.falseUpMax), bound)
	}
	b.WriteString(soakLegend)
	avail, up, serv := r.availability(evs)
	fmt.Fprintf(b, "availability excluding TWS-down time: %.2f%% (connected or degraded %v of %v serviceable; supervisor's own figure %.2f%%)\n",
		100*avail, up.Round(time.Millisecond), serv.Round(time.Millisecond), 100*met.Availability)
	fmt.Fprintf(b, "reported connected while the link was dead: %v in total over %d faults; disconnects with no fault applied: %d; misses: %d\n",
		falseUp.Round(time.Millisecond), len(r.faults), r.quietFP, len(r.problems))
	fmt.Fprintf(b, "supervisor metrics: connects %d, failed attempts %d, link restarts %d, heartbeats %d (missed %d), detect max %v, reconnect max %v\n",
		met.Connects, met.FailedAttempts, met.LinkRestarts, met.Heartbeats, met.MissedHeartbeats, met.DetectMax.Round(time.Millisecond), met.ReconnMax.Round(time.Millisecond))
}

// soakLegend says what the columns count (soakKind has the full rules).
const soakLegend = `det: loss kinds: the first change out of Connected is Backoff with the kind's cause (refuse, handshake-stall,
     accept-then-close: also a failed attempt naming it; id-in-use: an attempt failing with client_id_in_use for the
     held id, timed from the port reopening); ib-*: Degraded/ib_link_lost; latency<T: a heartbeat RTT at least the
     latency; unknown-msg: 508 logged; escape/evil text: the TWS event, sanitised; empty-frame: two more heartbeats.
fp: disconnects during a fault the session must survive. healed: Connected again with the simulator showing the
     session and its market-data line (survivable kinds: never disconnected). time to heal: from the simulator
     serving again to Connected. false-up: longest time still reported connected after the fault took effect.
`

func fmtMS(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

// interval is [a, b).
type interval struct{ a, b time.Time }

// availability is the share of serviceable time (the run minus the time
// the simulator could not serve a session) in which the reported state
// was connected or degraded.
func (r *soakRun) availability(evs []Event) (float64, time.Duration, time.Duration) {
	var down []interval
	for _, f := range r.faults {
		if f.kind.blocks && f.healAt.After(f.at) {
			down = append(down, interval{f.at, f.healAt})
		}
	}
	var up []interval
	var since time.Time
	for _, ev := range evs {
		if ev.Kind != KindState {
			continue
		}
		if ev.State.Up() && since.IsZero() {
			since = ev.Time
		} else if !ev.State.Up() && !since.IsZero() {
			up = append(up, interval{since, ev.Time})
			since = time.Time{}
		}
	}
	if !since.IsZero() {
		up = append(up, interval{since, r.stop})
	}
	win := []interval{{r.start, r.stop}}
	upIn := overlap(up, win)
	downIn := overlap(down, win)
	serv := r.stop.Sub(r.start) - downIn
	upServ := upIn - overlap(up, clip(down, r.start, r.stop))
	if serv <= 0 {
		return 0, upServ, serv
	}
	return float64(upServ) / float64(serv), upServ, serv
}

func clip(xs []interval, a, b time.Time) []interval {
	var out []interval
	for _, x := range xs {
		if x.a.Before(a) {
			x.a = a
		}
		if x.b.After(b) {
			x.b = b
		}
		if x.b.After(x.a) {
			out = append(out, x)
		}
	}
	return out
}

// overlap is the total length of the intersection of two interval lists;
// each list's intervals do not overlap each other.
func overlap(xs, ys []interval) time.Duration {
	var total time.Duration
	for _, x := range xs {
		for _, y := range ys {
			a, b := x.a, x.b
			if y.a.After(a) {
				a = y.a
			}
			if y.b.Before(b) {
				b = y.b
			}
			if b.After(a) {
				total += b.Sub(a)
			}
		}
	}
	return total
}
