package conn

import (
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// request sends REQ_MKT_DATA for e with a fresh request id (after making
// sure the session's market data type covers it).
func (s *Supervisor) request(e *subEntry, now time.Time) {
	if e.failed {
		return
	}
	want := e.sub.opts.Type
	if e.delayed && want < MDDelayed {
		want = MDDelayed
	}
	if want > s.sess.mdType || (s.sess.mdType == MDUnknown && want > MDLive) {
		s.sess.mdType = want
		s.enqueue(&linkproto.ReqMktDataType{Attempt: s.attempt, Type: want}, false)
	}
	s.reqSeq++
	e.reqID = s.reqSeq
	e.sentAt = now
	e.haveModel = false
	s.subs.byReq[e.reqID] = e
	s.enqueue(&linkproto.ReqMktData{Attempt: s.attempt, Req: e.reqID, Contract: e.sub.contract,
		Generic: e.sub.opts.Generic, Snapshot: e.sub.opts.Snapshot}, false)
}

// resubscribe re-requests every logical subscription on the current
// session with fresh request ids. cancelOld cancels the old ids first, for
// when TWS may still hold them (farm blip); after a reconnect or a 1101
// they are already gone.
func (s *Supervisor) resubscribe(now time.Time, reason string, cancelOld bool) {
	if s.subs.count() == 0 {
		return
	}
	n := 0
	for _, e := range s.subs.byID {
		if e.failed || (e.sub.opts.Snapshot && e.sub.Quote().Done) {
			continue
		}
		if e.reqID != 0 {
			delete(s.subs.byReq, e.reqID)
			if cancelOld {
				s.enqueue(&linkproto.CancelMktData{Attempt: s.attempt, Req: e.reqID}, false)
			}
		}
		s.subs.setStale(e)
		s.request(e, now)
		n++
	}
	s.emitData(fmt.Sprintf("re-requesting %d market data subscription(s): %s", n, reason))
	s.armSilentCheck(now)
}

// onData routes a market-data or request report to its owner.
func (s *Supervisor) onData(m linkproto.Msg, now time.Time) {
	switch v := m.(type) {
	case *linkproto.TickPrice:
		s.tick(v.Req, now, func(e *subEntry, q *Quote) bool { return q.applyPrice(v.Tick, v.Price) })
	case *linkproto.TickSize:
		s.tick(v.Req, now, func(e *subEntry, q *Quote) bool { return q.applySize(v.Tick, v.Size) })
	case *linkproto.TickOption:
		s.tick(v.Req, now, func(e *subEntry, q *Quote) bool {
			ok := q.applyOption(v, e.haveModel)
			if v.Tick == 13 || v.Tick == 83 {
				e.haveModel = true
			}
			return ok
		})
	case *linkproto.TickReqParams:
		s.tick(v.Req, now, func(e *subEntry, q *Quote) bool { q.MinTick = clean(v.MinTick); return false })
	case *linkproto.MktDataType:
		s.tick(v.Req, now, func(e *subEntry, q *Quote) bool { q.Type = v.Type; return false })
	case *linkproto.TickGeneric, *linkproto.TickString:
		// not shown
	case *linkproto.SnapshotEnd:
		if e, ok := s.subs.byReq[v.Req]; ok {
			e.sub.update(func(q *Quote) { q.Done = true })
			delete(s.subs.byReq, v.Req)
			delete(s.subs.byID, e.sub.id)
			if e.stale {
				s.subs.stale--
			}
		}
	default:
		s.onReply(m)
	}
}

// tick applies f to the subscription of reqID. A data tick (f returns
// true) proves the subscription alive and clears its staleness.
func (s *Supervisor) tick(reqID int64, now time.Time, f func(e *subEntry, q *Quote) bool) {
	e, ok := s.subs.byReq[reqID]
	if !ok {
		return
	}
	var data bool
	e.sub.update(func(q *Quote) {
		data = f(e, q)
		if data {
			q.Updated = now
			q.Epoch = s.epoch
			q.Err, q.ErrCode = "", 0
			q.Stale = false
			q.Delayed = e.delayed
		}
	})
	if data {
		e.lastData = now
		if s.subs.unstale(e) {
			s.emitData(fmt.Sprintf("market data flowing again for %d subscription(s)", s.subs.count()))
		}
	}
}

// onRequestError handles a TWS error addressed to one of our requests.
func (s *Supervisor) onRequestError(e *linkproto.TWSError, now time.Time) {
	if p, ok := s.pending[e.Req]; ok {
		delete(s.pending, e.Req)
		p.finish(nil, &TWSError{Code: e.Code, Msg: Sanitize(e.Msg)})
		return
	}
	ent, ok := s.subs.byReq[e.Req]
	if !ok {
		return
	}
	msg := Sanitize(e.Msg)
	switch e.Code {
	case 354, 10089, 10090, 10091:
		if ent.sub.opts.AutoDelayed && !ent.delayed {
			ent.delayed = true
			delete(s.subs.byReq, e.Req)
			if e.Code == 10090 {
				s.enqueue(&linkproto.CancelMktData{Attempt: s.attempt, Req: e.Req}, false)
			}
			ent.sub.update(func(q *Quote) { q.ErrCode, q.Err, q.Delayed = e.Code, msg+" (switching to delayed data)", true })
			s.request(ent, now)
			return
		}
	case 10167:
		ent.sub.update(func(q *Quote) { q.Delayed = true })
		return
	case 200, 321, 322, 10186:
		ent.failed = true
		delete(s.subs.byReq, e.Req)
		ent.reqID = 0
		if ent.stale {
			ent.stale = false
			s.subs.stale--
		}
	}
	ent.sub.update(func(q *Quote) { q.ErrCode, q.Err = e.Code, msg })
}

// armSilentCheck schedules the next silent-subscription check.
func (s *Supervisor) armSilentCheck(now time.Time) {
	if s.subs.count() == 0 {
		s.subs.nextCheck = time.Time{}
		return
	}
	if s.subs.nextCheck.IsZero() {
		s.subs.nextCheck = now.Add(s.cfg.SilentAfter / 2)
	}
}

// checkSilentSubs re-requests live subscriptions that went silent while
// their market is open (TWS sometimes stops a line without telling).
func (s *Supervisor) checkSilentSubs(now time.Time) {
	s.subs.nextCheck = time.Time{}
	s.armSilentCheck(now)
	if s.phase != phUp || s.state() != StateConnected || !s.cfg.MarketOpen(now) {
		return
	}
	n := 0
	for _, e := range s.subs.byID {
		if e.reqID == 0 || e.failed || e.sub.opts.Snapshot {
			continue
		}
		last := e.lastData
		if last.Before(e.sentAt) {
			last = e.sentAt
		}
		if now.Sub(last) < s.cfg.SilentAfter {
			continue
		}
		delete(s.subs.byReq, e.reqID)
		s.enqueue(&linkproto.CancelMktData{Attempt: s.attempt, Req: e.reqID}, false)
		s.subs.setStale(e)
		s.request(e, now)
		n++
	}
	if n > 0 {
		s.emit(Event{Kind: KindData, Severity: SevWarning,
			Message: fmt.Sprintf("%d subscription(s) silent for %v while the market is open: re-requested", n, s.cfg.SilentAfter)})
	}
}
