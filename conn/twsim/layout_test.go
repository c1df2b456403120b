package twsim

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// These tests pin field counts and version fields at each negotiated version
// (TWS adds fields to a message as the server version grows). A strict client such as stoqey rejects a message with one
// field too many or too few, which the Go client would silently tolerate.

func TestContractDataLayout(t *testing.T) {
	for _, tc := range []struct {
		v, stock, option int
	}{
		{100, 32, 32}, {110, 33, 33}, {121, 34, 34}, {122, 36, 36}, {126, 37, 37}, {134, 38, 38},
		{152, 39, 39}, {163, 40, 40}, {164, 40, 40}, {176, 40, 40}, {182, 41, 41}, {186, 42, 42},
		{193, 42, 42}, {200, 42, 42},
	} {
		t.Run(strconv.Itoa(tc.v), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: tc.v})
			r := rawDial(t, s.Addr())
			r.start("v100.."+strconv.Itoa(tc.v), 1)
			r.send(wire.OutReqContractData, 8, 7, 0, "AAPL", "STK", "", "", "", "", "SMART", "", "USD", "", "", 0, "", "", "")
			f := r.until(wire.InContractData)
			if len(f) != tc.stock {
				t.Errorf("stock CONTRACT_DATA has %d fields, want %d: %q", len(f), tc.stock, f)
			}
			versioned := tc.v < wire.VerSizeRules
			if versioned != (f[1] == "8") {
				t.Errorf("version field %q at %d", f[1], tc.v)
			}
			if end := r.until(wire.InContractDataEnd); !equal(end, []string{"52", "1", "7"}) {
				t.Errorf("end %q", end)
			}
			exp := s.Universe().Expirations("AAPL", fixedNow)[0]
			k := s.Universe().Strikes("AAPL", exp, fixedNow)[0]
			r.send(wire.OutReqContractData, 8, 8, 0, "AAPL", "OPT", exp, k, "P", "100", "SMART", "", "USD", "", "", 0, "", "", "")
			if f := r.until(wire.InContractData); len(f) != tc.option {
				t.Errorf("option CONTRACT_DATA has %d fields, want %d: %q", len(f), tc.option, f)
			}
		})
	}
}

func TestSymbolSamplesLayout(t *testing.T) {
	for _, tc := range []struct {
		v       int
		perRow  int
		hasDesc bool
	}{{175, 6 + len(derivTypes), false}, {176, 8 + len(derivTypes), true}} {
		s := startSim(t, Config{ServerVersion: tc.v})
		r := rawDial(t, s.Addr())
		r.start("v100..193", 1)
		r.send(wire.OutReqMatchingSymbols, 3, "MSFT")
		f := r.until(wire.InSymbolSamples)
		n, _ := strconv.Atoi(f[2])
		if n < 1 || len(f) != 3+n*tc.perRow {
			t.Errorf("v%d: %d rows in %d fields: %q", tc.v, n, len(f), f)
			continue
		}
		row := f[3 : 3+tc.perRow]
		if row[1] != "MSFT" || (tc.hasDesc && row[len(row)-2] != "Microsoft Corp") {
			t.Errorf("v%d: first row %q", tc.v, row)
		}
	}
}

func TestTickLayouts(t *testing.T) {
	for _, v := range []int{155, 156, 193} {
		s := startSim(t, Config{ServerVersion: v})
		r := rawDial(t, s.Addr())
		r.start("v100..200", 1)
		u := s.Universe()
		exp := u.Expirations("AAPL", fixedNow)[1]
		k := u.Strikes("AAPL", exp, fixedNow)
		r.send(wire.OutReqMktData, 11, 5, 0, "AAPL", "OPT", exp, k[len(k)/2], "C", "100", "SMART", "", "USD", "", "", 0, "", 1, 0, "")
		seen := map[string]bool{}
		for {
			f := r.read()
			switch f[0] {
			case "1": // TICK_PRICE: id, version ≥3, reqId, type, price, size, mask
				if len(f) != 7 || f[1] != "6" {
					t.Errorf("v%d TICK_PRICE %q", v, f)
				}
			case "2":
				if len(f) != 5 {
					t.Errorf("v%d TICK_SIZE %q", v, f)
				}
			case "21":
				want := 12 // below 156 a version field takes tickAttrib's place
				if v < wire.VerPriceBasedVol {
					if f[1] != "6" {
						t.Errorf("v%d TICK_OPTION_COMPUTATION version %q", v, f[1])
					}
				}
				if len(f) != want {
					t.Errorf("v%d TICK_OPTION_COMPUTATION %d fields: %q", v, len(f), f)
				}
			case "58":
				if !equal(f, []string{"58", "1", "5", "1"}) {
					t.Errorf("MARKET_DATA_TYPE %q", f)
				}
			case "81":
				if len(f) != 5 || f[2] != "0.01" {
					t.Errorf("TICK_REQ_PARAMS %q", f)
				}
			case "4":
				if strings.Contains(strings.Join(f, ","), ",5,") {
					t.Errorf("v%d error %q", v, f)
				}
			}
			if f[0] == "1" || f[0] == "2" || f[0] == "21" {
				for _, x := range f[3:] {
					if strings.ContainsAny(x, "eEIN") {
						t.Errorf("v%d: number %q in %q", v, x, f)
					}
				}
			}
			seen[f[0]] = true
			if f[0] == "57" {
				if !equal(f, []string{"57", "1", "5"}) {
					t.Errorf("TICK_SNAPSHOT_END %q", f)
				}
				break
			}
		}
		if !seen["21"] || !seen["1"] {
			t.Errorf("v%d: frames seen %v", v, seen)
		}
	}
}
