package obs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/conntest"
	"github.com/ibwatch/ibwatch/conn/conntest/fastconf"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// linkCommand starts the link process (see conntest).
var linkCommand []string

func TestMain(m *testing.M) { os.Exit(conntest.RunWithLink(m, &linkCommand)) }

// rig is a simulator, a supervisor pointed at it with an exporter, and
// the metrics server, as main.go wires them.
type rig struct {
	t    *testing.T
	sim  *twsim.Server
	sup  *conn.Supervisor
	exp  *Exporter
	srv  *Server
	base string // http://127.0.0.1:port

	stopSup context.CancelFunc
	supDone chan error
	stopSrv context.CancelFunc

	mu     sync.Mutex
	evs    []conn.Event
	closed bool
	notify chan struct{}
}

func newRig(t *testing.T, before func(*twsim.Server)) *rig {
	t.Helper()
	sim := conntest.StartSim(t, twsim.Config{DupIDCloseDelay: 50 * time.Millisecond})
	if before != nil {
		before(sim)
	}
	exp := New()
	cfg := fastconf.Config(sim.Port(), linkCommand, 21, 22, 23)
	cfg.LinkStderr, cfg.OnEvent = io.Discard, exp.Observe
	sup, err := conn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	exp.Attach(sup)
	srvCtx, stopSrv := context.WithCancel(context.Background())
	srv, err := Start(srvCtx, "127.0.0.1:0", exp.Handler(), nil)
	if err != nil {
		stopSrv()
		t.Fatal(err)
	}
	supCtx, stopSup := context.WithCancel(context.Background())
	r := &rig{t: t, sim: sim, sup: sup, exp: exp, srv: srv, base: "http://" + srv.Addr().String(),
		stopSup: stopSup, supDone: make(chan error, 1), stopSrv: stopSrv, notify: make(chan struct{}, 1)}
	go func() { r.supDone <- sup.Run(supCtx) }()
	go r.collect()
	t.Cleanup(r.close)
	return r
}

func (r *rig) collect() {
	for ev := range r.sup.Events() {
		r.mu.Lock()
		r.evs = append(r.evs, ev)
		r.mu.Unlock()
		r.poke()
	}
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.poke()
}

func (r *rig) poke() {
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// stopSupervisor stops the supervisor and waits until its event stream
// closed: every event has been through Observe and the counters are final.
func (r *rig) stopSupervisor() {
	r.t.Helper()
	r.stopSup()
	select {
	case err := <-r.supDone:
		if err != nil {
			r.t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		r.t.Fatal("supervisor did not stop within 15 s")
	}
	r.supDone <- nil // for close
	r.waitFor("event stream closed", func([]conn.Event) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.closed
	})
}

func (r *rig) close() {
	r.stopSup()
	select {
	case <-r.supDone:
	case <-time.After(15 * time.Second):
		r.t.Error("supervisor did not stop within 15 s")
	}
	r.stopSrv()
	if err := r.srv.Wait(); err != nil {
		r.t.Errorf("metrics server: %v", err)
	}
}

func (r *rig) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.evs)
}

// waitFor waits (up to 10 s) until cond holds for the events seen so far.
func (r *rig) waitFor(what string, cond func([]conn.Event) bool) {
	r.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		evs := append([]conn.Event(nil), r.evs...)
		r.mu.Unlock()
		if cond(evs) {
			return
		}
		select {
		case <-r.notify:
		case <-deadline.C:
			r.t.Fatalf("timed out waiting for %s; events:\n%s", what, dump(evs))
		}
	}
}

// waitState waits for a transition into state (with cause, if not
// CauseNone) after event index from.
func (r *rig) waitState(from int, state conn.State, cause conn.Cause) {
	r.t.Helper()
	r.waitFor(state.String()+"/"+cause.String(), func(evs []conn.Event) bool {
		for _, ev := range evs[min(from, len(evs)):] {
			if ev.Kind == conn.KindState && ev.State == state && (cause == conn.CauseNone || ev.Cause == cause) {
				return true
			}
		}
		return false
	})
}

func dump(evs []conn.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "  %s %-9s %-10s %-22s code=%d %s\n", ev.Time.Format("15:04:05.000"), ev.Kind, ev.State, ev.Cause, ev.Code, ev.Message)
	}
	return b.String()
}

// get fetches path from the metrics server.
func (r *rig) get(path string) (int, []byte) {
	r.t.Helper()
	resp, err := http.Get(r.base + path)
	if err != nil {
		r.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, body
}

// health fetches /healthz.
func (r *rig) health() (int, Health) {
	r.t.Helper()
	code, body := r.get("/healthz")
	var h Health
	if err := json.Unmarshal(body, &h); err != nil {
		r.t.Fatalf("/healthz is not JSON: %v\n%s", err, body)
	}
	return code, h
}
