package twsim

import (
	"strconv"
	"testing"
)

// TestRealTimeBarsLayout: REAL_TIME_BARS has 11 fields at every version, a
// bar every 5 seconds of market time, consecutive and aligned.
func TestRealTimeBarsLayout(t *testing.T) {
	for _, v := range []int{100, 176, 193, 200} {
		t.Run(strconv.Itoa(v), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v, Now: movingClock()})
			r := rawDial(t, s.Addr())
			r.start("v100.."+strconv.Itoa(v), 1)
			r.send(outReqRealTimeBars, 3, 9, 0, "MSFT", "STK", "", "", "", "", "SMART", "", "USD", "", "", 5, "TRADES", 1, "")
			var prev int64
			for i := range 3 {
				f := r.until(inRealTimeBars)
				if len(f) != 11 || f[1] != "3" || f[2] != "9" {
					t.Fatalf("REAL_TIME_BARS %q", f)
				}
				at, _ := strconv.ParseInt(f[3], 10, 64)
				if at%5 != 0 || (i > 0 && at != prev+5) {
					t.Errorf("bar times %d then %d", prev, at)
				}
				prev = at
			}
			r.send(outCancelRealTimeBars, 1, 9)
			r.send(outReqRealTimeBars, 3, 10, 0, "MSFT", "STK", "", "", "", "", "SMART", "", "USD", "", "", 10, "TRADES", 1, "")
			if f := r.untilErr(321); f[1+boolInt(v < 194)] != "10" {
				t.Errorf("10-second real-time bars: %q", f)
			}
		})
	}
}
