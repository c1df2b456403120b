package conn

import (
	"time"

	"golang.org/x/time/rate"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// matchingSymbolsGap is IB's minimum spacing of REQ_MATCHING_SYMBOLS.
const matchingSymbolsGap = time.Second

// pacer holds the requests of the current session that wait for the rate
// limiter (TWS ends a session that sends too fast), and the slower queue of
// REQ_MATCHING_SYMBOLS, which IB allows once a second.
type pacer struct {
	sendQ   []linkproto.Msg // paced queue of requests for the current attempt
	symQ    []linkproto.Msg // REQ_MATCHING_SYMBOLS, at most one per second
	symLast time.Time       // when the last REQ_MATCHING_SYMBOLS went out
	pumpAt  time.Time       // when pump may send again; zero when idle
	limiter *rate.Limiter
}

// push queues m; a priority message goes to the front.
func (p *pacer) push(m linkproto.Msg, priority bool) {
	if _, ok := m.(*linkproto.ReqMatchingSymbols); ok {
		p.symQ = append(p.symQ, m)
	} else if priority {
		p.sendQ = append([]linkproto.Msg{m}, p.sendQ...)
	} else {
		p.sendQ = append(p.sendQ, m)
	}
}

// drop forgets every queued request (the session ended).
func (p *pacer) drop() {
	p.sendQ, p.symQ = nil, nil
	p.pumpAt = time.Time{}
}

// enqueue queues a request for the current session. Every request to TWS
// goes through here and pump, so one limiter paces them all; heartbeats go
// to the front (priority) so a request burst cannot delay liveness.
func (s *Supervisor) enqueue(m linkproto.Msg, priority bool) {
	s.pace.push(m, priority)
	s.pump(s.cfg.Now())
}

// pump sends queued requests as fast as the limiter allows and arms a timer
// for the rest.
func (s *Supervisor) pump(now time.Time) {
	if s.link == nil || (s.phase != phFirstHB && s.phase != phUp) {
		return
	}
	for len(s.pace.sendQ) > 0 || s.symReady(now) {
		r := s.pace.limiter.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			s.pace.pumpAt = now.Add(d)
			return
		}
		var m linkproto.Msg
		if len(s.pace.sendQ) > 0 {
			m, s.pace.sendQ = s.pace.sendQ[0], s.pace.sendQ[1:]
		} else {
			m, s.pace.symQ = s.pace.symQ[0], s.pace.symQ[1:]
			s.pace.symLast = now
		}
		if err := s.link.send(m); err != nil {
			s.sendFailed(err)
			return
		}
	}
	if len(s.pace.symQ) > 0 {
		s.pace.pumpAt = s.pace.symLast.Add(matchingSymbolsGap)
	}
}

func (s *Supervisor) symReady(now time.Time) bool {
	return len(s.pace.symQ) > 0 && now.Sub(s.pace.symLast) >= matchingSymbolsGap
}
