package twsim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/ibc"
)

func startIBC(t *testing.T, s *Server, cfg IBCConfig) (*IBC, ibc.Client) {
	t.Helper()
	if cfg.ReconnectDelay == 0 {
		cfg.ReconnectDelay = 20 * time.Millisecond
	}
	if cfg.RestartDown == 0 {
		cfg.RestartDown = 50 * time.Millisecond
	}
	b, err := s.StartIBC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b, ibc.Client{Addr: b.Addr(), ReplyTimeout: 5 * time.Second}
}

func ibcRecords(s *Server) []string {
	var out []string
	for _, f := range s.State().Faults {
		if f.Fault == "ibc" {
			out = append(out, f.Detail)
		}
	}
	return out
}

// Each command heals what it heals in a real TWS, and GET /state records
// every command with its answer.
func TestIBCCommandsHeal(t *testing.T) {
	s := startSim(t, Config{})
	_, cl := startIBC(t, s, IBCConfig{})
	ctx := context.Background()

	s.SetFarm("usfarm", false)
	if _, err := cl.Send(ctx, ibc.ReconnectData); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "usfarm healed", func() bool { return s.State().Farms["usfarm"] })

	s.IBLinkLost()
	if _, err := cl.Send(ctx, ibc.ReconnectAccount); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "IB link back", func() bool { return s.State().IBLinkUp })
	if last := lastFault(s); last != "ib-link-restored" && last != "farm" {
		t.Errorf("last fault %q", last)
	}

	s.SetAPIFrozen(true)
	text, err := cl.Send(ctx, ibc.Restart)
	if err != nil || text != "Restart in progress" {
		t.Fatalf("RESTART: %q %v", text, err)
	}
	waitFor(t, "restarted, not frozen", func() bool {
		st := s.State()
		return !st.Stalled && !st.Restarting && st.Listening
	})
	want := []string{"RECONNECTDATA → OK", "EXIT → OK Goodbye", "RECONNECTACCOUNT → OK", "EXIT → OK Goodbye", "RESTART → OK Restart in progress"}
	waitFor(t, "every command recorded", func() bool { return len(ibcRecords(s)) >= len(want) })
	if got := ibcRecords(s); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("records %q, want %q", got, want)
	}
}

// RECONNECTACCOUNT can end the loss with 1101 (data lost); with IB down,
// RECONNECTDATA cannot bring the farms back.
func TestIBCDataLostAndFarmsNeedTheLink(t *testing.T) {
	s := startSim(t, Config{})
	_, cl := startIBC(t, s, IBCConfig{DataLost: true})
	s.IBLinkLost()
	if _, err := cl.Send(context.Background(), ibc.ReconnectData); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Send(context.Background(), ibc.ReconnectAccount); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "IB link back", func() bool { return s.State().IBLinkUp })
	var restored string
	for _, f := range s.State().Faults {
		if f.Fault == "ib-link-restored" {
			restored = f.Detail
		}
		if f.Fault == "farm" {
			t.Errorf("a farm changed while IB was down: %s", f.Detail)
		}
	}
	if !strings.HasPrefix(restored, "1101") {
		t.Fatalf("restored with %q, want 1101", restored)
	}
}

func TestIBCErrorAnswersAndClose(t *testing.T) {
	s := startSim(t, Config{})
	b, cl := startIBC(t, s, IBCConfig{})
	b.SetAnswerError("main window not found")
	_, err := cl.Send(context.Background(), ibc.Restart)
	var re *ibc.ReplyError
	if !errors.As(err, &re) || re.Text != "main window not found" {
		t.Fatalf("answer %v", err)
	}
	if s.State().Restarting {
		t.Fatal("restarted despite the ERROR answer")
	}
	b.Close()
	if _, err := cl.Send(context.Background(), ibc.ReconnectData); !errors.Is(err, ibc.ErrUnreachable) {
		t.Fatalf("after Close: %v", err)
	}
}
