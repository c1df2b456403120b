package twsim

import (
	"maps"
	"slices"
	"time"
)

// tickLoop advances the market every TickInterval and streams what changed
// to every subscription that may receive data. Nothing is generated while
// the simulator is stalled or the IB link is down.
func (s *Server) tickLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.TickInterval)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		s.mkt.Step(s.now())
		s.mu.Lock()
		if !s.st.stalled {
			s.streamLocked(time.Now())
		}
		s.mu.Unlock()
	}
}

// streamLocked does one streaming round over all sessions.
func (s *Server) streamLocked(wall time.Time) {
	for _, id := range slices.Sorted(maps.Keys(s.st.sessions)) {
		ss := s.st.sessions[id]
		if !ss.ready || ss.closeQueued {
			continue
		}
		if ss.queued() > maxQueued {
			continue // the client is not reading; skip this round
		}
		ss.streamAccountLocked(wall)
		for _, rid := range slices.Sorted(maps.Keys(ss.subs)) {
			sb := ss.subs[rid]
			if s.canFlowLocked(sb) && (!sb.frozen || !sb.started) && (!sb.snapshot || !sb.started) {
				ss.flushLocked(sb)
			}
			ss.maybeEndSnapshotLocked(sb, wall)
		}
	}
}

// streamAccountLocked sends what account, PnL and keepUpToDate history
// subscribers are due.
func (ss *session) streamAccountLocked(wall time.Time) {
	if ss.acctSub != "" && wall.Sub(ss.acctAt) >= accountUpdateEvery {
		ss.accountUpdatesLocked(wall)
	}
	for _, id := range slices.Sorted(maps.Keys(ss.pnl)) {
		ss.pnlUpdateLocked(id, wall)
	}
	if ss.s.canFlowHistLocked() {
		for _, id := range slices.Sorted(maps.Keys(ss.hist)) {
			ss.histUpdateLocked(id)
		}
	}
	ss.realTimeBarsLocked()
}
