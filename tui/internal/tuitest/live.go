package tuitest

import (
	"context"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/conntest"
	"github.com/ibwatch/ibwatch/conn/conntest/fastconf"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// LiveSup starts the simulator and a real supervisor (with its link
// process) connected to it, with short intervals and the client ids ids,
// and waits (15 s at most) until it is connected. Cleanup stops both,
// after the test's own deferred calls (which close the panes' lines).
func LiveSup(t *testing.T, ids ...int64) (*twsim.Server, *conn.Supervisor) {
	t.Helper()
	sim := twsim.New(twsim.Config{Listen: "127.0.0.1:0", TickInterval: 100 * time.Millisecond})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	// A little more slack than fastconf's: a pane's tests run beside
	// their own goroutines and Bubble Tea's.
	cfg := fastconf.Config(sim.Port(), conntest.MustLinkCommand(t), ids...)
	cfg.HeartbeatTimeout, cfg.HandshakeTimeout = 600*time.Millisecond, 2*time.Second
	sup, err := conn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	supCtx, stopSup := context.WithCancel(context.Background())
	supDone := make(chan error, 1)
	go func() { supDone <- sup.Run(supCtx) }()
	up := make(chan struct{})
	evDone := make(chan struct{})
	go func() { // the dashboard's event reader stands in here
		defer close(evDone)
		seen := false
		for ev := range sup.Events() {
			if !seen && ev.Kind == conn.KindState && ev.State == conn.StateConnected {
				seen = true
				close(up)
			}
		}
	}()
	t.Cleanup(func() {
		stopSup()
		if err := <-supDone; err != nil {
			t.Errorf("supervisor: %v", err)
		}
		<-evDone
	})
	select {
	case <-up:
	case <-time.After(15 * time.Second):
		t.Fatal("the supervisor did not connect to the simulator within 15 s")
	}
	return sim, sup
}
