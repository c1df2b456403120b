// Package config is ibwatch's configuration: one Settings value built
// from four layers (defaults, the TOML config file, IBWATCH_* environment
// variables, command-line flags; each wins over the one before), with
// every value checked where it is read and every key remembering where
// its value came from.
//
// Load (or NewFlags and Flags.Load, for a command with flags of its own)
// builds the Settings; Settings.Conn derives the supervisor's conn.Config;
// Settings.WriteEffective prints what `ibwatch config` shows and
// WriteExample writes the commented file of `ibwatch config --init`.
// Each key is described once, in a table (keys.go), from which the flag,
// the variable, the example and the effective view are all derived.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/obs"
	"github.com/ibwatch/ibwatch/scanner"
)

// Settings is the effective configuration: defaults, then the config file,
// then IBWATCH_* environment variables, then flags (each layer wins over
// the one before). Every key remembers where its value came from. Load
// has checked every value: a Settings from Load is ready to use.
//
// Each field holds the key of the same name (Host: host, ClientIDs:
// client_id, IBCAddress: ibc_address, Deals: the [deals.SYMBOL] tables; Scan: the [scan]
// table);
// `ibwatch config --init` writes what each one means.
type Settings struct {
	Host             string
	Port             int
	ClientIDs        []int64
	Heartbeat        time.Duration
	HeartbeatTimeout time.Duration
	DialTimeout      time.Duration
	HandshakeTimeout time.Duration
	BackoffBase      time.Duration
	BackoffMax       time.Duration
	StateDir         string
	LogFile          string // default: ibwatch.log in StateDir
	Debug            bool
	Bell             bool
	NoColor          bool
	Background       string // auto, dark, light
	DailyRestart     string // HH:MM or ""
	Timezone         string // IANA name, "" = local
	RestartWindow    time.Duration
	WeeklyRelogin    bool
	MetricsAddr      string // as given; "" = off
	FastRetry        time.Duration
	FastRetryFor     time.Duration
	IBCAddress       string // IBC command server; "" = no remedies
	IBCDataAfter     time.Duration
	IBCAccountAfter  time.Duration
	IBCRestartAfter  time.Duration
	IBCMaxRestarts   int
	Watchlist        []string
	Deals            []scanner.Deal
	Scan             ScanSettings // the [scan] table

	location *time.Location // Timezone, loaded

	// ConfigPath is the config file read (or that would be read).
	ConfigPath string
	// ConfigFound says whether ConfigPath exists.
	ConfigFound bool

	origins    map[string]origin // key → where its value came from
	dealOrigin map[string]origin // deal symbol → its table
	// dealSel holds the deals' own selection keys (deal symbol → keys).
	dealSel map[string]dealSelection
}

// origin says where a value came from, as `ibwatch config` shows it.
type origin struct {
	kind string // "default", "file", "env", "flag"
	name string // file path, variable or flag
	line int
	note string // e.g. "state_dir/ibwatch.log"
}

func (o origin) String() string {
	switch o.kind {
	case "file":
		return fmt.Sprintf("%s:%d", o.name, o.line)
	case "env":
		return "env " + o.name
	case "flag":
		return "flag --" + o.name
	}
	if o.note != "" {
		return "default (" + o.note + ")"
	}
	return "default"
}

// envPrefix starts every environment variable: IBWATCH_<KEY in capitals>.
const envPrefix = "IBWATCH_"

func envName(key string) string  { return envPrefix + strings.ToUpper(key) }
func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// defaultSettings are the values before any file, variable or flag.
func defaultSettings() *Settings {
	return &Settings{
		Host: "127.0.0.1", Port: 7497, ClientIDs: []int64{101, 102, 103},
		Heartbeat: 5 * time.Second, HeartbeatTimeout: 5 * time.Second,
		DialTimeout: 3 * time.Second, HandshakeTimeout: 5 * time.Second,
		BackoffBase: 250 * time.Millisecond, BackoffMax: 5 * time.Second,
		StateDir: defaultStateDir(), Background: "auto",
		RestartWindow: 10 * time.Minute,
		FastRetry:     200 * time.Millisecond, FastRetryFor: 5 * time.Minute,
		IBCDataAfter: time.Minute, IBCAccountAfter: 90 * time.Second, IBCRestartAfter: 3 * time.Minute, IBCMaxRestarts: 3,
		Scan:       defaultScan(),
		location:   time.Local,
		origins:    map[string]origin{},
		dealOrigin: map[string]origin{},
		dealSel:    map[string]dealSelection{},
	}
}

// defaultStateDir is $XDG_STATE_HOME/ibwatch (~/.local/state/ibwatch) on
// Unix, the user config dir elsewhere.
func defaultStateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "ibwatch")
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" || runtime.GOOS == "openbsd" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "state", "ibwatch")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "ibwatch")
	}
	return "ibwatch-state"
}

// defaultConfigPath is config.toml in the user's config directory
// ($XDG_CONFIG_HOME/ibwatch or ~/.config/ibwatch on Linux,
// ~/Library/Application Support/ibwatch on macOS, %AppData%\ibwatch on
// Windows).
func defaultConfigPath() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join(".", "ibwatch.toml")
	}
	return filepath.Join(d, "ibwatch", "config.toml")
}

// origin returns where key's value came from.
func (s *Settings) origin(key string) origin {
	if o, ok := s.origins[key]; ok {
		return o
	}
	return origin{kind: "default"}
}

// JournalDir is where the watcher keeps its event journal: events/ in
// state_dir.
func (s *Settings) JournalDir() string { return filepath.Join(s.StateDir, "events") }

// MetricsListen is the address to serve /metrics on, with the host filled
// in (":9464" becomes 127.0.0.1:9464); "" when metrics are off.
func (s *Settings) MetricsListen() string {
	addr, _ := obs.ListenAddr(s.MetricsAddr) // checked when the value was set
	return addr
}

// Conn is the supervisor's configuration: endpoint, timings, IBC remedies,
// the daily-restart schedule and the event journal. What only the running
// program knows (logger, the link's stderr, OnEvent) is the caller's to
// add.
func (s *Settings) Conn() conn.Config {
	return conn.Config{
		Host: s.Host, Port: s.Port, ClientIDs: s.ClientIDs,
		Heartbeat: s.Heartbeat, HeartbeatTimeout: s.HeartbeatTimeout,
		DialTimeout: s.DialTimeout, HandshakeTimeout: s.HandshakeTimeout,
		BackoffBase: s.BackoffBase, BackoffMax: s.BackoffMax,
		FastRetry: s.FastRetry, FastRetryFor: s.FastRetryFor,
		IBC: conn.IBCConfig{Addr: s.IBCAddress, DataAfter: s.IBCDataAfter, AccountAfter: s.IBCAccountAfter,
			RestartAfter: s.IBCRestartAfter, MaxRestarts: s.IBCMaxRestarts},
		JournalDir: s.JournalDir(),
		Schedule: conn.Schedule{
			DailyRestart: s.DailyRestart, RestartWindow: s.RestartWindow,
			WeeklyRelogin: s.WeeklyRelogin, Location: s.location,
		},
	}
}
