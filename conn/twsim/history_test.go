package twsim

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// histReq is REQ_HISTORICAL_DATA as the Go client writes it at version v.
func histReq(v, reqID int, sym, end, size, dur, what string, keep bool) []any {
	f := []any{outReqHistoricalData}
	if v <= verSyntRealtimeBars {
		f = append(f, 6)
	}
	f = append(f, reqID, 0, sym, "STK", "", "", "", "", "SMART", "", "USD", "", "", 0, end, size, dur, 1, what, 1)
	if v >= verSyntRealtimeBars {
		f = append(f, keep)
	}
	return append(f, "")
}

// TestHistoricalDataLayout pins HISTORICAL_DATA (and HISTORICAL_DATA_END
// from 196) field by field at each negotiated version.
func TestHistoricalDataLayout(t *testing.T) {
	for _, tc := range []struct {
		v, head, perBar int
		end             bool
	}{{100, 6, 9, false}, {176, 5, 8, false}, {193, 5, 8, false}, {200, 3, 8, true}} {
		t.Run(strconv.Itoa(tc.v), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: tc.v})
			r := rawDial(t, s.Addr())
			r.start("v100.."+strconv.Itoa(tc.v), 1)
			r.send(histReq(tc.v, 5, "AAPL", "", "1 hour", "2 D", "TRADES", false)...)
			f := r.until(inHistoricalData)
			n, err := strconv.Atoi(f[tc.head-1])
			if err != nil || n != 10 { // Tuesday's 7 regular-hours bars, Wednesday's 3 up to 11:04
				t.Fatalf("bar count field %q (%v) in %q", f[tc.head-1], err, f[:tc.head])
			}
			if len(f) != tc.head+n*tc.perBar {
				t.Errorf("HISTORICAL_DATA has %d fields, want %d+%d×%d", len(f), tc.head, n, tc.perBar)
			}
			if f[1+boolInt(tc.v < verSyntRealtimeBars)] != "5" {
				t.Errorf("reqId field: %q", f[:3])
			}
			if first := f[tc.head]; first != "20260310 09:30:00 US/Eastern" {
				t.Errorf("first bar date %q", first)
			}
			if tc.end {
				if e := r.until(inHistoricalDataEnd); len(e) != 4 || e[1] != "5" {
					t.Errorf("HISTORICAL_DATA_END %q", e)
				}
			}
			r.send(outReqHeadTimestamp, 6, 0, "AAPL", "STK", "", "", "", "", "SMART", "", "USD", "", "", 0, 1, "TRADES", 1)
			if h := r.until(inHeadTimestamp); !equal(h, []string{"88", "6", "20060103-14:30:00"}) {
				t.Errorf("HEAD_TIMESTAMP %q", h)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestHistoricalPacing: an identical request within 15 s and the 61st
// request in 10 minutes get error 162; other requests still work.
func TestHistoricalPacing(t *testing.T) {
	s := startSim(t, Config{MaxMsgRate: 1000})
	r := rawDial(t, s.Addr())
	r.start("v100..200", 1)
	r.send(histReq(200, 1, "AAPL", "", "1 day", "1 M", "TRADES", false)...)
	r.until(inHistoricalDataEnd)
	r.send(histReq(200, 2, "AAPL", "", "1 day", "1 M", "TRADES", false)...)
	if f := r.untilErr(162); f[1] != "2" || f[3] != hmdsErr+"Historical data request pacing violation" {
		t.Errorf("identical request: %q", f)
	}
	for i := 3; i <= 61; i++ {
		r.send(histReq(200, i, "MSFT", "", "1 day", strconv.Itoa(i)+" D", "MIDPOINT", false)...)
		if f := r.until(inHistoricalDataEnd); f[1] != strconv.Itoa(i) {
			t.Fatalf("request %d answered %q", i, f)
		}
	}
	r.send(histReq(200, 62, "MSFT", "", "1 day", "1 W", "TRADES", false)...)
	if f := r.untilErr(162); f[1] != "62" {
		t.Errorf("61st request in 10 minutes: %q", f)
	}
	if got := s.State().Stats.ErrorsSent[162]; got != 2 {
		t.Errorf("%d pacing errors", got)
	}
}

// TestHistoricalRefusals: the answers a user gets for requests TWS refuses.
func TestHistoricalRefusals(t *testing.T) {
	s := startSim(t, Config{MaxMsgRate: 1000})
	r := rawDial(t, s.Addr())
	r.start("v100..200", 1)
	for _, tc := range []struct {
		req  []any
		code string
		text string
	}{
		{histReq(200, 1, "AAPL", "", "7 mins", "1 D", "TRADES", false), "321", "bar size setting is invalid"},
		{histReq(200, 2, "AAPL", "", "1 min", "1 X", "TRADES", false), "321", "duration"},
		{histReq(200, 3, "AAPL", "", "1 min", "1 D", "ADJUSTED_LAST", false), "321", "ADJUSTED_LAST"},
		{histReq(200, 4, "AAPL", "20260301 10:00:00", "1 min", "1 D", "TRADES", true), "321", "End date not supported with live updates"},
		{histReq(200, 5, "AAPL", "", "1 secs", "1 D", "TRADES", false), "162", "Time length exceed max."},
		{histReq(200, 6, "NOPE", "", "1 min", "1 D", "TRADES", false), "200", "No security definition"},
		{histReq(200, 7, "AAPL", "2026-03-01", "1 min", "1 D", "TRADES", false), "321", "End date/time"},
		{histReq(200, 8, "AAPL", "20260308 12:00:00", "1 min", "3600 S", "MIDPOINT", false), "162", "HMDS query returned no data: AAPL@SMART Midpoint"}, // a Sunday
	} {
		r.send(tc.req...)
		f := r.until(wire.InErrMsg)
		for f[1] == "-1" { // farm notices
			f = r.until(wire.InErrMsg)
		}
		if f[1] != strconv.Itoa(tc.req[1].(int)) || f[2] != tc.code || !strings.Contains(f[3], tc.text) {
			t.Errorf("request %v: %q, want %s %q", tc.req[1], f, tc.code, tc.text)
		}
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestHistoricalUpdateLayout: HISTORICAL_DATA_UPDATE has 10 fields at every
// version that can ask for it (keepUpToDate needs 124).
func TestHistoricalUpdateLayout(t *testing.T) {
	for _, v := range []int{176, 193, 200} {
		t.Run(strconv.Itoa(v), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v, Now: movingClock()})
			r := rawDial(t, s.Addr())
			r.start("v100.."+strconv.Itoa(v), 1)
			r.send(histReq(v, 3, "SPY", "", "5 secs", "60 S", "MIDPOINT", true)...)
			f := r.until(inHistoricalUpdate)
			if len(f) != 10 || f[1] != "3" || f[2] != "-1" || f[9] != "-1" {
				t.Errorf("HISTORICAL_DATA_UPDATE %q: want 10 fields, count and volume -1 for MIDPOINT", f)
			}
		})
	}
}
