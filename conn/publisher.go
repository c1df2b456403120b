package conn

import (
	"fmt"
	"sync"
	"time"
)

// publisher is the goroutine between the supervisor and consumers: it
// appends each event to the journal, then hands it on. When the journal
// cannot be written it says so once, and again, with the number of events
// lost, when writing works again: both as ordinary events, so the dashboard
// and the headless stream show them.
type publisher struct {
	in      <-chan Event
	out     chan<- Event
	j       *Journal
	log     func(msg string, args ...any)
	obs     func(Event)
	now     func() time.Time
	met     *counters
	mu      *sync.Mutex
	failing bool // the last journal write failed
}

func newPublisher(cfg Config, in <-chan Event, out chan<- Event, met *counters, mu *sync.Mutex) (*publisher, error) {
	p := &publisher{in: in, out: out, log: cfg.Logger.Error, obs: cfg.OnEvent, now: cfg.Now, met: met, mu: mu}
	if cfg.JournalDir == "" {
		return p, nil
	}
	j, err := openJournal(cfg.JournalDir, cfg.JournalRetention, cfg.journalOpen)
	if err != nil {
		return p, err
	}
	p.j = j
	return p, nil
}

func (p *publisher) run() {
	defer close(p.out)
	if p.j != nil {
		defer p.j.Close()
	}
	for ev := range p.in {
		notice, ok := p.journal(ev)
		p.forward(ev)
		if ok {
			p.met.with(p.mu, func(m *counters) { m.event(notice) })
			p.forward(notice)
		}
	}
}

// journal appends ev. At the first failure of an outage and when writing
// works again it returns a warning event to publish.
func (p *publisher) journal(ev Event) (Event, bool) {
	if p.j == nil {
		return Event{}, false
	}
	err := p.j.Append(ev)
	switch {
	case err != nil && !p.failing:
		p.failing = true
		p.log("journal write failed", "err", err)
		return p.notice(ev, fmt.Sprintf("events are not being saved (%v); counting what is lost until writing works again", err)), true
	case err == nil && p.failing:
		p.failing = false
		loss := p.j.TakeLoss()
		p.log("journal writable again", "lost", loss.N, "err", loss.Err)
		const stamp = "2006-01-02 15:04:05"
		n := p.notice(ev, fmt.Sprintf("journal: %d event(s) could not be written (disk full? %v) between %s and %s",
			loss.N, loss.Err, loss.First.Local().Format(stamp), loss.Last.Local().Format(stamp)))
		// The journal keeps a record of its own gap.
		if p.j.Append(n) != nil {
			p.failing = true
		}
		return n, true
	}
	return Event{}, false
}

// notice is a journal warning carrying the connection values of ev.
func (p *publisher) notice(ev Event, msg string) Event {
	return Event{
		Time: p.now(), Kind: KindApp, Severity: SevWarning, Message: msg,
		State: ev.State, Epoch: ev.Epoch, Addr: ev.Addr, ClientID: ev.ClientID, Attempt: ev.Attempt,
	}
}

// forward hands ev to the observer and the consumer. High-rate events are
// dropped (and counted) when the consumer is behind; state changes wait a
// moment.
func (p *publisher) forward(ev Event) {
	if p.obs != nil {
		p.obs(ev)
	}
	select {
	case p.out <- ev:
		return
	default:
	}
	if ev.Kind == KindState {
		t := time.NewTimer(time.Second)
		defer t.Stop()
		select {
		case p.out <- ev:
			return
		case <-t.C:
		}
	}
	p.met.with(p.mu, func(m *counters) { m.dropped++ })
}
