package conntest

import (
	"testing"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// StartSim starts a simulator with cfg (on a free loopback port unless
// cfg.Listen names one) and closes it when t ends.
func StartSim(t testing.TB, cfg twsim.Config) *twsim.Server {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	sim := twsim.New(cfg)
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}
