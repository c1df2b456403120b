package conn

import (
	"reflect"
	"strings"
	"testing"
)

func TestLinkProtocolRoundTrip(t *testing.T) {
	iv, d := 0.25, -0.5
	msgs := []LinkMsg{
		&LinkConnect{A: 7, Host: "127.0.0.1", Port: 7497, ClientID: 101, DialTimeoutMs: 3000, HandshakeTimeoutMs: 5000},
		&LinkClosed{A: 7, Cause: LinkCausePortReset, NewPort: 7498, Code: 1300, Msg: "reset", EClient: true, At: 1},
		&LinkTickOption{A: 7, R: 1001, Tick: 13, IV: &iv, Delta: &d},
		&LinkContractDetails{A: 7, R: 1002, Details: ContractDetails{Contract: Contract{Symbol: "AAPL", SecType: "OPT", Strike: 150, Right: "C"}, LongName: "APPLE INC"}},
		&LinkSymbolSamples{A: 1, R: 2, Samples: []SymbolSample{{ConID: 265598, Symbol: "AAPL", Derivatives: []string{"OPT"}}}},
		&LinkPong{N: 3, Goroutines: 9, FDs: 12},
		&LinkExit{},
	}
	for _, m := range msgs {
		line, err := EncodeLinkMsg(m)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(string(line), "\n") != 1 || line[len(line)-1] != '\n' {
			t.Fatalf("%T: not one line: %q", m, line)
		}
		got, err := DecodeLinkMsg(line)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("round trip: got %#v, want %#v", got, m)
		}
	}
}

func TestLinkProtocolRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "{", `{"op":"nope"}`, `{"op":"connect","m":{"port":"x"}}`, `[1,2]`, strings.Repeat("x", MaxLinkLine+1)} {
		if _, err := DecodeLinkMsg([]byte(in)); err == nil {
			t.Errorf("DecodeLinkMsg(%.40q) accepted garbage", in)
		}
	}
}

func FuzzDecodeLinkMsg(f *testing.F) {
	for _, m := range []LinkMsg{&LinkHello{PID: 1, Protocol: 1}, &LinkTickPrice{A: 1, R: 2, Tick: 1, Price: 1.5}, &LinkClosed{A: 1, Cause: "refused"}} {
		b, _ := EncodeLinkMsg(m)
		f.Add(b)
	}
	f.Add([]byte(`{"op":"tick_option","m":{"iv":1e400}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeLinkMsg(b)
		if err != nil {
			return
		}
		// Whatever decodes must encode again.
		if _, err := EncodeLinkMsg(m); err != nil {
			t.Fatalf("decoded %T does not re-encode: %v", m, err)
		}
	})
}
