package twsim

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// raw is a byte-level test client: it sees exactly what a strict non-Go
// client (stoqey) would parse. These tests do not use ibapi and run under
// -race.
type raw struct {
	t  testing.TB
	c  net.Conn
	rd *bufio.Reader
}

func rawDial(t testing.TB, addr string) *raw {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &raw{t: t, c: c, rd: bufio.NewReader(c)}
}

func (r *raw) write(b []byte) {
	r.t.Helper()
	if _, err := r.c.Write(b); err != nil {
		r.t.Fatal(err)
	}
}

func (r *raw) hello(v string) {
	r.write(append([]byte(wire.Magic), wire.AppendFrame(nil, []byte(v))...))
}

func (r *raw) send(fields ...any) { r.write(wire.AppendFrame(nil, wire.Encode(fields...))) }

// next reads one frame (10 s deadline).
func (r *raw) next() ([]string, error) {
	_ = r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	p, err := wire.ReadFrame(r.rd)
	if err != nil {
		return nil, err
	}
	return wire.Fields(p), nil
}

func (r *raw) read() []string {
	r.t.Helper()
	f, err := r.next()
	if err != nil {
		r.t.Fatalf("read: %v", err)
	}
	return f
}

// until reads frames until one starts with msg id id, and returns it.
func (r *raw) until(id int) []string {
	r.t.Helper()
	for {
		f := r.read()
		if len(f) > 0 && f[0] == strconv.Itoa(id) {
			return f
		}
	}
}

// untilErr reads until an ERR_MSG with this code.
func (r *raw) untilErr(code int) []string {
	r.t.Helper()
	for {
		f := r.until(wire.InErrMsg)
		for _, x := range f[2:4] {
			if x == strconv.Itoa(code) {
				return f
			}
		}
	}
}

// expectClosed reads until EOF (or a reset) within the deadline.
func (r *raw) expectClosed() {
	r.t.Helper()
	for {
		_, err := r.next()
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			r.t.Fatal("socket still open")
		}
		return
	}
}

// start does the handshake and START_API and reads up to NEXT_VALID_ID.
func (r *raw) start(v string, clientID int) (version string) {
	r.t.Helper()
	r.hello(v)
	reply := r.read()
	if len(reply) != 2 {
		r.t.Fatalf("handshake reply %q: want 2 fields", reply)
	}
	r.send(wire.OutStartAPI, 2, clientID, "")
	r.until(wire.InNextValidID)
	return reply[0]
}

func TestNegotiation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cap   int
		hello []byte
		want  string // "" → closed without a reply
	}{
		{"go client", 200, helloBytes("v100..222"), "200"},
		{"stoqey", 200, helloBytes("v100..193"), "193"},
		{"stoqey cap 176", 176, helloBytes("v100..193"), "176"},
		{"old range", 200, helloBytes("v100..150"), "150"},
		{"single", 200, helloBytes("v176"), "176"},
		{"options", 193, helloBytes("v100..222 +PACEAPI"), "193"},
		{"below 100", 200, helloBytes("v38..99"), ""},
		{"above cap", 176, helloBytes("v193..222"), ""},
		{"garbage range", 200, helloBytes("hello"), ""},
		{"no magic", 200, wire.AppendFrame(nil, wire.Encode(49, 1)), ""},
		{"cap above 200 clamps", 250, helloBytes("v100..222"), "200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: tc.cap})
			r := rawDial(t, s.Addr())
			r.write(tc.hello)
			if tc.want == "" {
				r.expectClosed()
				if n := s.State().Stats.HandshakesDone; n != 0 {
					t.Errorf("%d handshakes", n)
				}
				return
			}
			reply := r.read()
			if len(reply) != 2 || reply[0] != tc.want {
				t.Fatalf("reply %q, want version %s", reply, tc.want)
			}
			if _, err := time.Parse(connTimeLayout, reply[1]); err != nil {
				t.Errorf("connection time %q: %v", reply[1], err)
			}
		})
	}
}

func helloBytes(v string) []byte {
	return append([]byte(wire.Magic), wire.AppendFrame(nil, []byte(v))...)
}

// TestSessionStartLayout checks START_API's answers byte for byte at the
// versions where ERR_MSG changes.
func TestSessionStartLayout(t *testing.T) {
	for _, tc := range []struct {
		hello string
		err   []string // first farm notice
	}{
		{"v100..165", []string{"4", "2", "-1", "2104", "Market data farm connection is OK:usfarm"}},
		{"v100..166", []string{"4", "2", "-1", "2104", "Market data farm connection is OK:usfarm", ""}},
		{"v100..193", []string{"4", "2", "-1", "2104", "Market data farm connection is OK:usfarm", ""}},
		{"v100..194", []string{"4", "-1", "2104", "Market data farm connection is OK:usfarm", "", strconv.FormatInt(fixedNow.UnixMilli(), 10)}},
	} {
		t.Run(tc.hello, func(t *testing.T) {
			s := startSim(t, Config{})
			r := rawDial(t, s.Addr())
			r.hello(tc.hello)
			r.read()
			r.send(wire.OutStartAPI, 2, 3, "")
			want := [][]string{
				{"15", "1", "DU1234567"},
				{"9", "1", "1"},
				tc.err,
			}
			for i, w := range want {
				if got := r.read(); !equal(got, w) {
					t.Errorf("frame %d = %q, want %q", i, got, w)
				}
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestClientGarbage feeds malformed requests; the simulator answers with
// errors or ignores them, and keeps serving.
func TestClientGarbage(t *testing.T) {
	s := startSim(t, Config{})
	r := rawDial(t, s.Addr())
	r.start("v100..200", 1)
	r.send("abc", "1")
	if f := r.untilErr(321); f[1] != "-1" {
		t.Errorf("unparsable id answered with %q", f)
	}
	r.send(wire.OutPlaceOrder, 17, 265598, "AAPL", "STK")
	if f := r.untilErr(321); f[1] != "17" || !bytes.Contains([]byte(f[3]), []byte("Read-Only")) {
		t.Errorf("place order answered with %q", f)
	}
	r.send(10, 5, 99, "x") // reqMktDepth
	if f := r.untilErr(321); f[1] != "99" || f[3] != "Error validating request.-'bk' : cause - reqMktDepth is not supported by the simulator" {
		t.Errorf("unsupported request answered with %q", f)
	}
	r.send(wire.OutReqMktData, 11) // truncated: every field missing
	r.untilErr(200)
	r.write([]byte{0, 0, 0, 0}) // an empty frame is ignored
	r.write([]byte{0, 0})       // a request split across writes
	r.write([]byte{0, 5, '4', '9', 0, '1', 0})
	if f := r.until(wire.InCurrentTime); f[2] != strconv.FormatInt(fixedNow.Unix(), 10) {
		t.Errorf("current time %q", f)
	}
	// A length prefix above 16 MiB is a protocol error: TWS drops the client.
	r.write([]byte{0x7f, 0xff, 0xff, 0xff})
	r.expectClosed()
	// The simulator still serves others.
	r2 := rawDial(t, s.Addr())
	r2.start("v100..200", 1)
}

// TestRawBytesExact: raw frames and bytes reach the client unchanged,
// including invalid UTF-8 and escape sequences.
func TestRawBytesExact(t *testing.T) {
	s := startSim(t, Config{})
	r := rawDial(t, s.Addr())
	r.start("v100..200", 1)
	for range 4 {
		r.until(wire.InErrMsg) // farm notices
	}
	payload := []byte("4\x00-1\x002104\x00bad \xff\xfe utf8 \x1b[31m red \\u00e9\x00\x00" + "1\x00")
	s.RawFrame(payload)
	got, err := wire.ReadFrame(r.rd)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("raw frame: %q, %v", got, err)
	}
	s.RawBytes([]byte{0, 0, 0, 9, '4', '9'}) // a truncated frame
	buf := make([]byte, 6)
	_ = r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(r.rd, buf); err != nil || !bytes.Equal(buf, []byte{0, 0, 0, 9, '4', '9'}) {
		t.Fatalf("raw bytes: %q, %v", buf, err)
	}
}

// TestRateLimitRaw: 53 requests in one burst with a limit of 50: three
// error 100s and the session ends.
func TestRateLimitRaw(t *testing.T) {
	s := startSim(t, Config{})
	r := rawDial(t, s.Addr())
	r.start("v100..200", 1)
	var burst []byte
	for range 52 { // + START_API = 53
		burst = wire.AppendFrame(burst, wire.Encode(wire.OutReqCurrentTime, 1))
	}
	r.write(burst)
	var times, errs int
	for {
		f, err := r.next()
		if err != nil {
			break
		}
		switch {
		case f[0] == "49":
			times++
		case f[0] == "4" && f[2] == "100":
			errs++
			want := "Max rate of messages per second has been exceeded:max=50 rec=51 (" + strconv.Itoa(errs) + ")"
			if f[3] != want {
				t.Errorf("100 text %q, want %q", f[3], want)
			}
		}
	}
	if times != 49 || errs != 3 {
		t.Errorf("%d CURRENT_TIME and %d error 100, want 49 and 3", times, errs)
	}
	if st := s.State(); st.Stats.Violations != 3 || len(st.Sessions) != 0 {
		t.Errorf("violations %d, sessions %d", st.Stats.Violations, len(st.Sessions))
	}
}

// TestCloseEndsEverything: Close returns with sessions in every state and
// leaves no goroutine (TestMain's goleak check) and no open socket.
func TestCloseEndsEverything(t *testing.T) {
	s := New(Config{Now: func() time.Time { return fixedNow }, TickInterval: 5 * time.Millisecond})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ready := rawDial(t, s.Addr())
	ready.start("v100..200", 1)
	ready.send(wire.OutReqMktData, 11, 7, 0, "AAPL", "STK", "", "", "", "", "SMART", "", "USD", "", "", 0, "", 0, 0, "")
	ready.until(wire.InTickPrice)
	s.SetHandshakeStall(true)
	held := rawDial(t, s.Addr())
	held.hello("v100..200")
	waitFor(t, "held session", func() bool { return len(s.State().Sessions) == 2 })
	s.SetStall(true)
	s.SetLatency(time.Hour)
	s.Restart(time.Hour)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ready.expectClosed()
	held.expectClosed()
	if _, err := net.Dial("tcp", s.Addr()); err == nil {
		t.Error("listener open after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestPresets: every named preset reaches a raw client exactly; the text
// preset goes through ERR_MSG at the session's version.
func TestPresets(t *testing.T) {
	s := startSim(t, Config{ServerVersion: 193})
	r := rawDial(t, s.Addr())
	r.start("v100..222", 1)
	for range 4 {
		r.until(wire.InErrMsg) // farm notices
	}
	if err := s.SendPreset("escape-text"); err != nil {
		t.Fatal(err)
	}
	f := r.untilErr(2119)
	if len(f) != 6 || f[5] != "" || f[4] != rawPresets["escape-text"].msg {
		t.Errorf("escape-text arrived as %q", f)
	}
	for _, name := range []string{"unknown-msg", "empty-frame", "truncated-tick-price", "non-numeric-next-id", "negative-count", "huge-count", "no-trailing-nul", "half-frame"} {
		if err := s.SendPreset(name); err != nil {
			t.Fatal(err)
		}
		want := rawPresets[name].bytes()
		got := make([]byte, len(want))
		_ = r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadFull(r.rd, got); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
	if err := s.SendPreset("nosuch"); err == nil {
		t.Error("unknown preset accepted")
	}
	if len(Presets()) != len(rawPresets) {
		t.Error("Presets incomplete")
	}
	if f := s.State().Faults; f[len(f)-1].Fault != "raw-preset" || !strings.HasPrefix(f[len(f)-1].Detail, "half-frame") {
		t.Errorf("last fault %+v", f[len(f)-1])
	}
}
