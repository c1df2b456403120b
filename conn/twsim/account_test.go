package twsim

import (
	"strconv"
	"testing"
)

// TestAccountLayouts pins the field count of every account, order and PnL
// answer at each negotiated version, as a strict client (stoqey, ib_async)
// would parse them: one field too many or too few is an error there.
func TestAccountLayouts(t *testing.T) {
	for _, v := range []int{100, 176, 193, 200} {
		t.Run(strconv.Itoa(v), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v})
			r := rawDial(t, s.Addr())
			r.start("v100.."+strconv.Itoa(v), 1)
			held := s.Portfolio().Holdings[0]
			st, _ := s.Universe().Stock(held.Symbol)
			pnl, pnlSingle := 5, 7
			if v < verRealizedPnL {
				pnl, pnlSingle = 4, 6
			}
			if v < verUnrealizedPnL {
				pnl, pnlSingle = 3, 5
			}
			for _, tc := range []struct {
				req   []any
				sizes map[int]int // message id → field count
				last  int         // the message that ends the answer
			}{
				{[]any{outReqPositions, 1}, map[int]int{inPositionData: 16, inPositionEnd: 2}, inPositionEnd},
				{[]any{outReqAcctData, 2, 1, ""}, map[int]int{inAcctValue: 6, inPortfolioValue: 20, inAcctUpdateTime: 3, inAcctDownloadEnd: 3}, inAcctDownloadEnd},
				{[]any{outReqAccountSummary, 1, 11, "All", "All"}, map[int]int{inAccountSummary: 7, inAccountSummaryEnd: 3}, inAccountSummaryEnd},
				{[]any{outReqPositionsMulti, 1, 12, "", ""}, map[int]int{inPositionMulti: 18, inPositionMultiEnd: 3}, inPositionMultiEnd},
				{[]any{outReqAcctUpdatesMulti, 1, 13, "", "", 0}, map[int]int{inAccountUpdateMulti: 8, inAcctUpdateMultiEnd: 3}, inAcctUpdateMultiEnd},
				{[]any{outReqExecutions, 3, 14, 0, "", "", "", "", "", ""}, map[int]int{inExecutionDataEnd: 3}, inExecutionDataEnd},
				{[]any{outReqOpenOrders, 1}, map[int]int{inOpenOrderEnd: 2}, inOpenOrderEnd},
				{[]any{outReqAllOpenOrders, 1}, map[int]int{inOpenOrderEnd: 2}, inOpenOrderEnd},
				{[]any{outReqCompletedOrders, 0}, map[int]int{inCompletedOrdersEnd: 1}, inCompletedOrdersEnd},
				{[]any{outReqPnL, 15, DefaultAccount, ""}, map[int]int{inPnL: pnl}, inPnL},
				{[]any{outReqPnLSingle, 16, DefaultAccount, "", st.ConID}, map[int]int{inPnLSingle: pnlSingle}, inPnLSingle},
			} {
				r.send(tc.req...)
				counts := map[int]int{}
				for {
					f := r.read()
					id, _ := strconv.Atoi(f[0])
					if id == 4 {
						if f[1+boolInt(v < 194)] != "-1" {
							t.Fatalf("request %v: error %q", tc.req, f)
						}
						continue // farm notices
					}
					want, ok := tc.sizes[id]
					if !ok {
						t.Fatalf("request %v: unexpected message %q", tc.req, f)
					}
					if len(f) != want {
						t.Errorf("request %v: message %d has %d fields, want %d: %q", tc.req, id, len(f), want, f)
					}
					counts[id]++
					if id == tc.last {
						break
					}
				}
				for id := range tc.sizes {
					if counts[id] == 0 {
						t.Errorf("request %v: no message %d", tc.req, id)
					}
				}
			}
		})
	}
}
