package linkproto

import (
	"reflect"
	"strings"
	"testing"
)

func TestProtocolRoundTrip(t *testing.T) {
	iv, d := 0.25, -0.5
	msgs := []Msg{
		&Connect{Attempt: 7, Host: "127.0.0.1", Port: 7497, ClientID: 101, DialTimeoutMs: 3000, HandshakeTimeoutMs: 5000},
		&Closed{Attempt: 7, Cause: CausePortReset, NewPort: 7498, Code: 1300, Msg: "reset", EClient: true, At: 1},
		&TickOption{Attempt: 7, Req: 1001, Tick: 13, IV: &iv, Delta: &d},
		&ContractData{Attempt: 7, Req: 1002, Details: ContractDetails{Contract: Contract{Symbol: "AAPL", SecType: "OPT", Strike: 150, Right: "C"}, LongName: "APPLE INC"}},
		&SymbolSamples{Attempt: 1, Req: 2, Samples: []SymbolSample{{ConID: 265598, Symbol: "AAPL", Derivatives: []string{"OPT"}}}},
		&Pong{Seq: 3, Goroutines: 9, FDs: 12},
		&Exit{},
	}
	for _, m := range msgs {
		line, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(string(line), "\n") != 1 || line[len(line)-1] != '\n' {
			t.Fatalf("%T: not one line: %q", m, line)
		}
		got, err := Decode(line)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("round trip: got %#v, want %#v", got, m)
		}
	}
}

func TestProtocolRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "{", `{"op":"nope"}`, `{"op":"connect","m":{"port":"x"}}`, `[1,2]`, strings.Repeat("x", MaxLine+1)} {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%.40q) accepted garbage", in)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, m := range []Msg{&Hello{PID: 1, Protocol: 1}, &TickPrice{Attempt: 1, Req: 2, Tick: 1, Price: 1.5}, &Closed{Attempt: 1, Cause: "refused"}} {
		b, _ := Encode(m)
		f.Add(b)
	}
	f.Add([]byte(`{"op":"tick_option","m":{"iv":1e400}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		// Whatever decodes must encode again.
		if _, err := Encode(m); err != nil {
			t.Fatalf("decoded %T does not re-encode: %v", m, err)
		}
	})
}
