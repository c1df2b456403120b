package conn

import (
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// logTWS publishes a TWS message with its catalogue explanation.
func (s *Supervisor) logTWS(reqID, code int64, text string, now time.Time) {
	info := LookupCode(code)
	s.emit(Event{Time: now, Kind: KindTWS, Code: code, ReqID: reqID, Severity: info.Severity,
		Message: Sanitize(text), Explain: info.Line()})
}

// onTWSError handles an Error callback: connection-level codes drive the
// state machine, request-level codes go to the request's owner, and every
// one is logged.
func (s *Supervisor) onTWSError(e *linkproto.TWSError, now time.Time) {
	if e.Code == 504 && s.phase != phUp {
		return // "not connected" noise from a dying client
	}
	if kind, status, ok := farmFromCode(e.Code); ok {
		if name := farmName(e.Msg); name != "" {
			s.onFarm(kind, name, status, now) // status first, so the event never runs ahead of it
		}
		s.logTWS(e.Req, e.Code, e.Msg, now)
		return
	}
	s.logTWS(e.Req, e.Code, e.Msg, now)
	if e.Req == -1 {
		s.sess.lastConnCode = e.Code
	}
	switch e.Code {
	case 1100:
		s.sess.ibDown = true
		if s.phase == phUp {
			s.subs.markStale(now)
			s.setDegraded(true, CauseIBLinkLost, "")
		}
	case 2110:
		if s.phase == phUp || s.phase == phFirstHB {
			s.sess.degradedOnConnect = true
			if s.phase == phUp {
				s.setDegraded(true, CauseTWSNotLinked, "")
			}
		}
	case 1101, 1102:
		s.sess.ibDown = false
		if s.phase == phUp {
			s.sess.degradedOnConnect = false
			s.setDegraded(false, CauseIBRestored, Sanitize(e.Msg))
			if e.Code == 1101 {
				s.resubscribe(now, "IB link restored, data lost (1101)", false)
			} else {
				s.subs.unstaleAll()
			}
		}
	default:
		if e.Req > 0 {
			s.onRequestError(e, now)
		}
	}
}

// farmName extracts the farm from "Market data farm connection is OK:usfarm"
// or "…available upon demand.ushmds". A name that does not look like a farm
// (letters, digits, '.', '_', '-'; at most 32) gives "": the status is not
// recorded, so hostile text cannot invent farms (the message is still logged).
func farmName(msg string) string {
	msg = Sanitize(msg)
	name := ""
	if i := strings.LastIndex(msg, ":"); i >= 0 && i+1 < len(msg) {
		name = strings.TrimSpace(msg[i+1:])
	} else if i := strings.Index(msg, "demand."); i >= 0 && i+7 < len(msg) {
		name = strings.TrimSpace(msg[i+7:])
	}
	if name == "" || len(name) > 32 {
		return ""
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return ""
		}
	}
	return name
}

// onFarm records a farm status and re-requests market data after a market
// data farm comes back.
func (s *Supervisor) onFarm(kind, name, status string, now time.Time) {
	key := kind + "/" + name
	prev, had := s.sess.farms[key]
	if had && prev.Status == status {
		return
	}
	s.sess.farms[key] = Farm{Name: name, Kind: kind, Status: status, Since: now}
	if status == FarmBroken && !s.sess.ibDown {
		s.sess.farmBlip[key] = true
	}
	s.publishStatus()
	// A farm that broke on its own (not as part of a 1100 outage, whose
	// 1101/1102 says what to redo) drops its lines: re-request them.
	if kind == FarmMarket && status == FarmOK && s.sess.farmBlip[key] && s.phase == phUp {
		delete(s.sess.farmBlip, key)
		s.resubscribe(now, "market data farm "+name+" is back", true)
	}
}
