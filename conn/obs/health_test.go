package obs

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// wantHealth checks /healthz's status code and state.
func (r *rig) wantHealth(code int, states ...conn.State) Health {
	r.t.Helper()
	got, h := r.health()
	ok := false
	for _, s := range states {
		ok = ok || h.State == s
	}
	if got != code || !ok || h.Healthy != (code == http.StatusOK) {
		r.t.Fatalf("/healthz = %d %+v, want %d in %v", got, h, code, states)
	}
	return h
}

// TestHealthzThroughConnectStallRecovery follows /healthz as a Docker or
// Kubernetes probe would: 503 while TWS refuses, 200 once connected, 503
// through a freeze and while degraded, 200 after each recovery.
func TestHealthzThroughConnectStallRecovery(t *testing.T) {
	r := newRig(t, func(sim *twsim.Server) { sim.SetRefuse(true) })
	r.waitState(0, conn.StateBackoff, conn.CauseRefused)
	h := r.wantHealth(http.StatusServiceUnavailable, conn.StateBackoff, conn.StateConnecting)
	if h.Reason == "" || h.Addr != r.sup.Status().Addr {
		t.Errorf("an unhealthy answer must say why and where: %+v", h)
	}

	m := r.mark()
	r.sim.SetRefuse(false)
	r.waitState(m, conn.StateConnected, conn.CauseReady)
	h = r.wantHealth(http.StatusOK, conn.StateConnected)
	if h.Epoch != 1 || h.Counters.Connects != 1 || h.Counters.FailedAttempts < 1 || h.Since.IsZero() || h.UptimeSeconds <= 0 {
		t.Errorf("healthy answer lacks its facts: %+v", h)
	}

	m = r.mark()
	r.sim.SetStall(true)
	r.waitState(m, conn.StateBackoff, conn.CauseHeartbeatTimeout)
	r.wantHealth(http.StatusServiceUnavailable, conn.StateBackoff, conn.StateConnecting)
	r.sim.SetStall(false)
	r.waitState(m, conn.StateConnected, conn.CauseReady)
	h = r.wantHealth(http.StatusOK, conn.StateConnected)
	if h.Epoch != 2 || h.Counters.Reconnects != 1 || h.Counters.Disconnects != 1 || h.Counters.MissedHeartbeats < 1 {
		t.Errorf("after recovery: %+v", h.Counters)
	}

	m = r.mark()
	r.sim.IBLinkLost()
	r.waitState(m, conn.StateDegraded, conn.CauseIBLinkLost)
	h = r.wantHealth(http.StatusServiceUnavailable, conn.StateDegraded)
	if h.Cause != conn.CauseIBLinkLost {
		t.Errorf("degraded cause = %v", h.Cause)
	}
	r.sim.IBLinkRestored(true)
	r.waitState(m, conn.StateConnected, conn.CauseIBRestored)
	r.wantHealth(http.StatusOK, conn.StateConnected)

	r.stopSupervisor()
	r.wantHealth(http.StatusServiceUnavailable, conn.StateStopped)
}

func TestHealthzBeforeAttachAndIndex(t *testing.T) {
	exp := New()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := Start(ctx, "127.0.0.1:0", exp.Handler(), nil)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.Addr().String()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("/healthz before the supervisor exists: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for path, want := range map[string]int{"/": 200, "/metrics": 200, "/nope": 404} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, err = http.Post(base+"/healthz", "text/plain", nil)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST /healthz = %d, want 405", resp.StatusCode)
		}
	}

	// The server ends with its context, and the port is released.
	cancel()
	if err := srv.Wait(); err != nil {
		t.Errorf("Wait: %v", err)
	}
	if c, err := net.DialTimeout("tcp", srv.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("the metrics port still accepts connections after shutdown")
	}
}

func TestStartReportsPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv, err := Start(context.Background(), ln.Addr().String(), New().Handler(), nil)
	if err == nil {
		srv.srv.Close()
		t.Fatal("Start on a busy port succeeded")
	}
}

func TestListenAddrBindsLoopbackUnlessTold(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"9464":           "127.0.0.1:9464",
		":9464":          "127.0.0.1:9464",
		":0":             "127.0.0.1:0",
		"0.0.0.0:9464":   "0.0.0.0:9464",
		"localhost:9464": "localhost:9464",
		"[::1]:9464":     "[::1]:9464",
		"[::]:9464":      "[::]:9464",
	} {
		got, err := ListenAddr(in)
		if err != nil || got != want {
			t.Errorf("ListenAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"abc", "host:http", ":70000", "1.2.3.4"} {
		if got, err := ListenAddr(bad); err == nil {
			t.Errorf("ListenAddr(%q) = %q, want an error", bad, got)
		}
	}
}
