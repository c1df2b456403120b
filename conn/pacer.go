package conn

import (
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// matchingSymbolsGap is IB's minimum spacing of REQ_MATCHING_SYMBOLS.
const matchingSymbolsGap = time.Second

// enqueue queues a request for the current session. Every request to TWS
// goes through here and pump, so one limiter paces them all; heartbeats go
// to the front (priority) so a request burst cannot delay liveness.
func (s *Supervisor) enqueue(m linkproto.Msg, priority bool) {
	if _, ok := m.(*linkproto.ReqMatchingSymbols); ok {
		s.symQ = append(s.symQ, m)
	} else if priority {
		s.sendQ = append([]linkproto.Msg{m}, s.sendQ...)
	} else {
		s.sendQ = append(s.sendQ, m)
	}
	s.pump(s.cfg.Now())
}

// pump sends queued requests as fast as the limiter allows and arms a timer
// for the rest.
func (s *Supervisor) pump(now time.Time) {
	if s.link == nil || (s.phase != phFirstHB && s.phase != phUp) {
		return
	}
	for len(s.sendQ) > 0 || s.symReady(now) {
		r := s.limiter.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			s.pumpAt = now.Add(d)
			return
		}
		var m linkproto.Msg
		if len(s.sendQ) > 0 {
			m, s.sendQ = s.sendQ[0], s.sendQ[1:]
		} else {
			m, s.symQ = s.symQ[0], s.symQ[1:]
			s.symLast = now
		}
		if err := s.link.send(m); err != nil {
			s.sendFailed(err)
			return
		}
	}
	if len(s.symQ) > 0 {
		s.pumpAt = s.symLast.Add(matchingSymbolsGap)
	}
}

func (s *Supervisor) symReady(now time.Time) bool {
	return len(s.symQ) > 0 && now.Sub(s.symLast) >= matchingSymbolsGap
}
