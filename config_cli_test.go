package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/internal/config"
	"github.com/ibwatch/ibwatch/scanner"
)

func TestChainArgsAddEndpointAndDeal(t *testing.T) {
	s := &config.Settings{}
	s.Host, s.Port = "10.0.0.5", 4002
	s.Deals = []scanner.Deal{{Symbol: "ATVI", Price: 95, BreakPrice: 75, ExpectedClose: time.Date(2023, 10, 13, 0, 0, 0, 0, time.UTC)}}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"atvi"}, "--host 10.0.0.5 --port 4002 --deal 95 --close 2023-10-13 --break 75 atvi"},
		// A flag value is not the symbol.
		{[]string{"--expiry", "20231020", "ATVI", "--json"}, "--host 10.0.0.5 --port 4002 --deal 95 --close 2023-10-13 --break 75 --expiry 20231020 ATVI --json"},
		// The user's own deal wins whole; the user's port comes last and wins.
		{[]string{"ATVI", "--deal=90", "--port", "7497"}, "--host 10.0.0.5 --port 4002 ATVI --deal=90 --port 7497"},
		{[]string{"MSFT"}, "--host 10.0.0.5 --port 4002 MSFT"},
	}
	for _, c := range cases {
		if got := strings.Join(chainArgs(s, c.args), " "); got != c.want {
			t.Errorf("chainArgs(%v)\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func TestTakeConfigFlag(t *testing.T) {
	for _, c := range []struct {
		in   []string
		rest []string
		path string
	}{
		{[]string{"AAPL", "--config", "/x.toml", "--json"}, []string{"AAPL", "--json"}, "/x.toml"},
		{[]string{"-config=/y.toml", "AAPL"}, []string{"AAPL"}, "/y.toml"},
		{[]string{"AAPL"}, []string{"AAPL"}, ""},
	} {
		rest, path := takeConfigFlag(c.in)
		if !slices.Equal(rest, c.rest) || path != c.path {
			t.Errorf("takeConfigFlag(%v) = %v, %q", c.in, rest, path)
		}
	}
}
