package twsim

import (
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// BenchmarkOptionChain measures a whole-chain REQ_CONTRACT_DATA (blank
// expiry, strike and right) for SPY over a loopback socket, as the scanner
// would issue it, until CONTRACT_DATA_END.
func BenchmarkOptionChain(b *testing.B) {
	s := New(Config{Now: func() time.Time { return fixedNow }})
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := rawDial(b, s.Addr())
	r.start("v100..200", 1)
	rows := 0
	b.ResetTimer()
	for i := range b.N {
		r.send(wire.OutReqContractData, 8, i, 0, "SPY", "OPT", "", "", "", "100", "SMART", "", "USD", "", "", 0, "", "", "")
		rows = 0
		for {
			f := r.read()
			if f[0] == "52" {
				break
			}
			if f[0] == "10" {
				rows++
			}
		}
	}
	b.ReportMetric(float64(rows), "rows/op")
}
