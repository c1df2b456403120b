package twsim

import (
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// unsetText is Double.MAX_VALUE as TWS's Java side prints it: "no value".
const unsetText = "1.7976931348623157E308"

// pnlEvery is how often TWS sends PNL / PNL_SINGLE while subscribed.
const pnlEvery = time.Second

// pnlSub is one reqPnL (conID 0) or reqPnLSingle subscription.
type pnlSub struct {
	conID int64
	last  string // the last values sent, to send only changes
	at    time.Time
}

// pnlUpdateLocked sends PNL or PNL_SINGLE for one subscription when its
// values changed (and at most once per pnlEvery after the first).
//
//	94, reqId, dailyPnL, [unrealizedPnL ≥129], [realizedPnL ≥135]
//	95, reqId, pos, dailyPnL, [unrealizedPnL ≥129], [realizedPnL ≥135], value
func (ss *session) pnlUpdateLocked(reqID int64, wall time.Time) {
	p := ss.pnl[reqID]
	if p == nil || (!p.at.IsZero() && wall.Sub(p.at) < pnlEvery) {
		return
	}
	v := ss.s.valueLocked()
	fs := []any{reqID}
	var daily, unreal, value any = round2(v.daily), round2(v.unreal), nil
	if p.conID != 0 {
		// Not held: TWS reports position 0 and unset values.
		var pos any = 0
		daily, unreal, value = unsetText, unsetText, unsetText
		for _, h := range v.pos {
			if h.st.ConID == p.conID {
				pos, daily, unreal, value = h.Qty, round2(h.daily), round2(h.unreal), round2(h.value)
			}
		}
		fs = append(fs, pos)
	}
	fs = append(fs, daily)
	if ss.version >= verUnrealizedPnL {
		fs = append(fs, unreal)
	}
	if ss.version >= verRealizedPnL {
		fs = append(fs, 0.0)
	}
	id := inPnL
	if p.conID != 0 {
		id = inPnLSingle
		fs = append(fs, value)
	}
	key := wire.Encode(fs...)
	if string(key) == p.last {
		return
	}
	p.last, p.at = string(key), wall
	ss.enqueueLocked(wire.Encode(append([]any{id}, fs...)...))
}
