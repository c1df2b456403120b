//go:build !race

package twsim

import (
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// quiet asserts that fewer than n+1 events match pred within d (n = how
// many already may exist). It checks an absence, so a bounded wait is the
// only way; d is short.
func quiet(t *testing.T, c *client, what string, d time.Duration, pred func(ev) bool) {
	t.Helper()
	quietN(t, c, what, d, 0, pred)
}

func quietN(t *testing.T, c *client, what string, d time.Duration, n int, pred func(ev) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		c.r.mu.Lock()
		sig := c.r.sig
		c.r.mu.Unlock()
		if len(c.r.all(pred)) > n {
			t.Fatalf("unexpected %s", what)
		}
		select {
		case <-sig:
		case <-deadline:
			return
		}
	}
}

func TestStall(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	before := s.State().Stats.Requests
	s.SetStall(true)
	if st := s.State(); !st.Stalled || lastFault(s) != "stall" {
		t.Fatalf("state after SetStall: stalled=%v faults=%v", st.Stalled, st.Faults)
	}
	c.c.ReqCurrentTime()
	late := newClient(t)
	hs := late.connectAsync(s.Port(), 2)
	quiet(t, c, "CurrentTime while stalled", 300*time.Millisecond, isKind("time"))
	select {
	case err := <-hs:
		t.Fatalf("handshake answered while stalled: %v", err)
	default:
	}
	if !c.c.IsConnected() {
		t.Error("client saw the socket close during a stall")
	}
	if got := s.State().Stats.Requests; got != before {
		t.Errorf("simulator read %d requests while stalled", got-before)
	}
	s.SetStall(false)
	c.r.wait(t, "CurrentTime after the stall", isKind("time"))
	if err := <-hs; err != nil {
		t.Fatalf("late connect: %v", err)
	}
	late.r.wait(t, "late client's NextValidID", isKind("nextid"))
	late.close()
}

func TestDrop(t *testing.T) {
	s := startSim(t, Config{})
	a, b := dial(t, s, 1), dial(t, s, 2)
	s.Drop()
	if st := s.State(); len(st.Sessions) != 0 || lastFault(s) != "drop" {
		t.Fatalf("after Drop: sessions %d, faults %v", len(st.Sessions), st.Faults)
	}
	a.waitClosed()
	b.waitClosed()
	// The port still accepts: TWS itself is up.
	c := dial(t, s, 1)
	c.c.ReqCurrentTime()
	c.r.wait(t, "CurrentTime", isKind("time"))
}

func TestRestart(t *testing.T) {
	s := startSim(t, Config{FirstOrderID: 1000})
	a := dial(t, s, 1)
	s.Restart(400 * time.Millisecond)
	st := s.State()
	if st.Listening || !st.Restarting || len(st.Sessions) != 0 || lastFault(s) != "restart" {
		t.Fatalf("during restart: %+v", st)
	}
	a.waitClosed()
	refused := newClient(t)
	if err := <-refused.connectAsync(s.Port(), 1); err == nil {
		t.Fatal("connect during restart succeeded")
	}
	refused.r.wait(t, "502 during restart", isErr(-1, 502))
	waitFor(t, "restart-up", func() bool { return lastFault(s) == "restart-up" })
	if !s.State().Listening {
		t.Fatal("not listening after the restart")
	}
	b := dial(t, s, 1) // the id is free in the fresh TWS
	if id := b.r.wait(t, "NextValidID", isKind("nextid")).n; id != 1000 {
		t.Errorf("next valid id %d after restart, want the persistent 1000", id)
	}
}

func TestRefuse(t *testing.T) {
	s := startSim(t, Config{})
	port := s.Port()
	a := dial(t, s, 1)
	s.SetRefuse(true)
	if st := s.State(); st.Listening || !st.Refusing {
		t.Fatalf("state %+v", st)
	}
	c := newClient(t)
	if err := <-c.connectAsync(port, 2); err == nil {
		t.Fatal("connect succeeded while refusing")
	}
	c.r.wait(t, "502", isErr(-1, 502))
	a.c.ReqCurrentTime() // open sessions are not affected
	a.r.wait(t, "CurrentTime", isKind("time"))
	s.SetRefuse(false)
	if s.Port() != port {
		t.Fatalf("port moved from %d to %d", port, s.Port())
	}
	dial(t, s, 2)
}

func TestHandshakeStall(t *testing.T) {
	s := startSim(t, Config{})
	s.SetHandshakeStall(true)
	c := newClient(t)
	hs := c.connectAsync(s.Port(), 1)
	waitFor(t, "session accepted", func() bool {
		st := s.State()
		return len(st.Sessions) == 1 && st.Sessions[0].ServerVersion == 0
	})
	quiet(t, c, "any callback while the handshake is held", 200*time.Millisecond, func(ev) bool { return true })
	select {
	case err := <-hs:
		t.Fatalf("Connect returned during a handshake stall: %v", err)
	default:
	}
	s.SetHandshakeStall(false) // the dialog is confirmed: the held client proceeds
	if err := <-hs; err != nil {
		t.Fatal(err)
	}
	c.r.wait(t, "NextValidID", isKind("nextid"))
	c.close()
	waitFor(t, "first session gone", func() bool { return len(s.State().Sessions) == 0 })

	// Drop frees a client stuck in the handshake.
	s.SetHandshakeStall(true)
	d := newClient(t)
	hs = d.connectAsync(s.Port(), 2)
	waitFor(t, "held session", func() bool { return len(s.State().Sessions) == 1 })
	s.Drop()
	<-hs
	if d.c.IsConnected() {
		t.Error("client connected after a dropped handshake")
	}
}

func TestAcceptThenClose(t *testing.T) {
	s := startSim(t, Config{})
	s.SetAcceptThenClose(true)
	before := s.State().Stats.Accepted
	c := newClient(t)
	<-c.connectAsync(s.Port(), 1)
	if c.c.IsConnected() {
		t.Fatal("connected to an untrusting TWS")
	}
	if st := s.State(); st.Stats.Accepted != before+1 || st.Stats.HandshakesDone != 0 || len(st.Sessions) != 0 {
		t.Errorf("stats %+v sessions %d", st.Stats, len(st.Sessions))
	}
	s.SetAcceptThenClose(false)
	dial(t, s, 1)
}

func TestIBLink(t *testing.T) {
	s := startSim(t, Config{})
	a := dial(t, s, 1)
	s.IBLinkLost()
	if st := s.State(); st.IBLinkUp || st.Farms["usfarm"] {
		t.Fatalf("state %+v", st)
	}
	lost := a.r.wait(t, "1100", isErr(-1, 1100))
	if lost.text != textLinkLost {
		t.Errorf("1100 text %q", lost.text)
	}
	for _, code := range []int64{2103, 2105, 2157} {
		a.r.wait(t, "farm broken", isErr(-1, code))
	}
	if n := len(a.r.all(isCode(2103))); n != 2 {
		t.Errorf("%d 2103 notices, want usfarm and usopt", n)
	}
	// A client connecting during the outage gets 2110 and no farm OK.
	b := dial(t, s, 2)
	b.r.wait(t, "2110", isErr(-1, 2110))
	if n := len(b.r.all(isCode(2104))); n != 0 {
		t.Errorf("new client got %d 2104 during the outage", n)
	}
	s.IBLinkRestored(false)
	for _, c := range []*client{a, b} {
		c.r.wait(t, "1101", isErr(-1, 1101))
		c.r.wait(t, "2104 after restore", isErr(-1, 2104))
	}
	s.IBLinkLost()
	s.IBLinkRestored(true)
	a.r.wait(t, "1102", isErr(-1, 1102))
	st := s.State()
	var names []string
	for _, f := range st.Faults {
		names = append(names, f.Fault)
	}
	if got := strings.Join(names, ","); got != "ib-link-lost,ib-link-restored,ib-link-lost,ib-link-restored" {
		t.Errorf("faults %s", got)
	}
}

func TestFarmBlips(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	for _, tc := range []struct {
		farm string
		st   FarmState
		code int64
		text string
	}{
		{"usfarm", FarmBroken, 2103, "Market data farm connection is broken:usfarm"},
		{"usfarm", FarmOK, 2104, "Market data farm connection is OK:usfarm"},
		{"ushmds", FarmBroken, 2105, "HMDS data farm connection is broken:ushmds"},
		{"ushmds", FarmInactive, 2107, "HMDS data farm connection is inactive but should be available upon demand.ushmds"},
		{"ushmds", FarmOK, 2106, "HMDS data farm connection is OK:ushmds"},
		{"secdefnj", FarmBroken, 2157, "Sec-def data farm connection is broken:secdefnj"},
		{"secdefnj", FarmOK, 2158, "Sec-def data farm connection is OK:secdefnj"},
		{"usopt", FarmInactive, 2108, "Market data farm connection is inactive but should be available upon demand.usopt"},
	} {
		n := len(c.r.all(isCode(tc.code)))
		if err := s.SetFarmState(tc.farm, tc.st); err != nil {
			t.Fatal(err)
		}
		got := c.r.waitN(t, tc.text, n+1, isCode(tc.code))
		if e := got[len(got)-1]; e.text != tc.text || e.req != -1 {
			t.Errorf("%s %v: got %v", tc.farm, tc.st, e)
		}
		if s.State().FarmStates[tc.farm] != tc.st.String() {
			t.Errorf("state of %s not %v", tc.farm, tc.st)
		}
	}
	if err := s.SetFarmState("nosuchfarm", FarmOK); err == nil {
		t.Error("unknown farm accepted")
	}
}

func TestPortReset(t *testing.T) {
	s := startSim(t, Config{})
	old := s.Port()
	c := dial(t, s, 1)
	port, err := s.PortReset(0)
	if err != nil || port == old || s.Port() != port {
		t.Fatalf("PortReset: %d, %v (old %d)", port, err, old)
	}
	e := c.r.wait(t, "1300", isErr(-1, 1300))
	want := "TWS socket port has been reset and this connection is being dropped. Please reconnect on the new port - " + itoa(int64(port))
	if e.text != want {
		t.Errorf("1300 text %q", e.text)
	}
	c.waitClosed()
	refused := newClient(t)
	if err := <-refused.connectAsync(old, 1); err == nil {
		t.Error("old port still accepts")
	}
	dial(t, s, 1)
}

func TestLatency(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	const d = 150 * time.Millisecond
	s.SetLatency(d)
	start := time.Now()
	c.c.ReqCurrentTime()
	c.r.wait(t, "CurrentTime", isKind("time"))
	if rtt := time.Since(start); rtt < d {
		t.Errorf("round trip %v with latency %v", rtt, d)
	}
	if s.State().Latency != d {
		t.Error("latency not in state")
	}
	s.SetLatency(0)
}

func TestInject(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	s.Inject(-1, 2119, "Market data farm is connecting:usfarm")
	s.Inject(42, 10197, "No market data during competing session")
	if e := c.r.wait(t, "2119", isErr(-1, 2119)); e.text != "Market data farm is connecting:usfarm" {
		t.Errorf("text %q", e.text)
	}
	c.r.wait(t, "10197 for 42", isErr(42, 10197))
	if n := s.State().Stats.ErrorsSent[10197]; n != 1 {
		t.Errorf("ErrorsSent[10197] = %d", n)
	}
}

func TestRawFrames(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	// An unknown message id: the Go client reports 508 and carries on.
	s.RawFrame(wire.Encode(150, "junk"))
	c.r.wait(t, "508 Bad message", isErr(150, 508))
	c.c.ReqCurrentTime()
	c.r.wait(t, "CurrentTime after junk", isKind("time"))
	// A 0x7fffffff length prefix: the client waits for 2 GiB forever.
	s.RawBytes([]byte{0x7f, 0xff, 0xff, 0xff})
	c.c.ReqCurrentTime()
	quietN(t, c, "second CurrentTime behind a huge frame", 300*time.Millisecond, 1, isKind("time"))
	if !c.c.IsConnected() {
		t.Error("client noticed the stuck stream")
	}
	if f := s.State().Faults; len(f) != 2 || f[0].Fault != "raw-frame" || f[1].Fault != "raw-bytes" {
		t.Errorf("faults %v", f)
	}
}

func TestClearFaults(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	s.SetLatency(time.Second)
	s.SetAcceptThenClose(true)
	s.SetHandshakeStall(true)
	s.IBLinkLost()
	s.SetFarm("ushmds", false)
	s.SetRefuse(true)
	s.ClearFaults()
	st := s.State()
	if st.Latency != 0 || st.AcceptThenClose || st.HandshakeStall || !st.IBLinkUp || st.Refusing || !st.Listening || !st.Farms["ushmds"] {
		t.Fatalf("after ClearFaults: %+v", st)
	}
	c.r.wait(t, "1102", isErr(-1, 1102))
	dial(t, s, 2)
}
