package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/scanner"
)

// settings is the effective configuration: defaults, then the config file,
// then IBWATCH_* environment variables, then flags (each layer wins over
// the one before). Every key remembers where its value came from.
type settings struct {
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
	LogFile          string // "" until resolved: state_dir/ibwatch.log
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

	location *time.Location // Timezone, loaded

	// ConfigPath is the config file read (or that would be read).
	ConfigPath string
	// ConfigFound says whether ConfigPath exists.
	ConfigFound bool

	origins    map[string]origin // key → where its value came from
	dealOrigin map[string]origin // deal symbol → its table
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
func defaultSettings() *settings {
	return &settings{
		Host: "127.0.0.1", Port: 7497, ClientIDs: []int64{101, 102, 103},
		Heartbeat: 5 * time.Second, HeartbeatTimeout: 5 * time.Second,
		DialTimeout: 3 * time.Second, HandshakeTimeout: 5 * time.Second,
		BackoffBase: 250 * time.Millisecond, BackoffMax: 5 * time.Second,
		StateDir: defaultStateDir(), Background: "auto",
		RestartWindow: 10 * time.Minute,
		FastRetry:     200 * time.Millisecond, FastRetryFor: 5 * time.Minute,
		IBCDataAfter: time.Minute, IBCAccountAfter: 90 * time.Second, IBCRestartAfter: 3 * time.Minute, IBCMaxRestarts: 3,
		location:   time.Local,
		origins:    map[string]origin{},
		dealOrigin: map[string]origin{},
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
func (s *settings) origin(key string) origin {
	if o, ok := s.origins[key]; ok {
		return o
	}
	return origin{kind: "default"}
}

// loader reads the layers. env is osEnv in production.
type loader struct {
	env environment
}

// flagValue captures a flag's text; it is applied after the file and the
// environment, so flags win whatever their position on the command line.
type flagValue struct {
	set    *setting
	text   string
	isBool bool
}

func (v *flagValue) String() string { return v.text }

func (v *flagValue) Set(s string) error { v.text = s; return nil }

func (v *flagValue) IsBoolFlag() bool { return v.isBool }

// cliFlags are the flags of the watcher (and of `ibwatch config`).
type cliFlags struct {
	fs       *flag.FlagSet
	values   map[string]*flagValue // flag name → captured value
	config   string
	headless bool
	demo     bool
}

// newCLIFlags registers every setting as a flag, plus --config and, with
// modes, --headless and --demo. Usage text is printed by the caller, once
// the log and config paths are known.
func newCLIFlags(name string, errOut io.Writer, modes bool) *cliFlags {
	c := &cliFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError), values: map[string]*flagValue{}}
	c.fs.SetOutput(errOut)
	c.fs.Usage = func() {}
	c.fs.StringVar(&c.config, "config", "", "config `file` (default "+defaultConfigPath()+"; env IBWATCH_CONFIG)")
	if modes {
		c.fs.BoolVar(&c.headless, "headless", false, "no dashboard: write each event as one JSON line on stdout")
		c.fs.BoolVar(&c.demo, "demo", false, "start the built-in TWS simulator with a fault schedule and watch it")
	}
	for i := range settingTable {
		st := &settingTable[i]
		v := &flagValue{set: st, isBool: st.kind == kindBool}
		c.values[flagName(st.key)] = v
		c.fs.Var(v, flagName(st.key), st.usage+defaultNote(st))
	}
	return c
}

// defaultNote appends the default, in flag syntax, to a flag's help
// (flag's own "(default …)" would print the captured text, which is empty).
func defaultNote(st *setting) string {
	d := st.show(defaultSettings())
	switch st.kind {
	case kindIDs, kindList:
		d = strings.NewReplacer("[", "", "]", "", " ", "", `"`, "").Replace(d)
	case kindDuration:
		d = strings.Trim(d, `"`)
	}
	if d == "" || d == `""` || d == "false" {
		return ""
	}
	return " (default " + d + ")"
}

// resolveConfigPath picks --config, then IBWATCH_CONFIG, then the default;
// explicit says the user named it (a missing explicit file is an error).
func (l loader) resolveConfigPath(flagPath string) (path string, explicit bool) {
	if flagPath != "" {
		return flagPath, true
	}
	if v, ok := l.env.Lookup(envPrefix + "CONFIG"); ok && v != "" {
		return v, true
	}
	return defaultConfigPath(), false
}

// load builds the settings from the parsed flags: defaults, file, env,
// flags. Every bad value is reported (file:line, variable or flag named);
// nothing is guessed.
func (l loader) load(c *cliFlags) (*settings, error) {
	s := defaultSettings()
	path, explicit := l.resolveConfigPath(c.config)
	s.ConfigPath = path
	var errs []error
	src, err := readConfigFile(path)
	switch {
	case err == nil:
		s.ConfigFound = true
		errs = append(errs, loadFile(s, path, src, l.env.Now())...)
	case errors.Is(err, os.ErrNotExist) && !explicit:
		// No file is fine: defaults, env and flags.
	default:
		errs = append(errs, fmt.Errorf("config file: %w", err))
	}
	errs = append(errs, unknownEnvVars(l.env)...)
	for i := range settingTable {
		st := &settingTable[i]
		name := envName(st.key)
		v, ok := l.env.Lookup(name)
		if !ok || v == "" {
			continue
		}
		if err := st.setText(s, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%s: %v", name, clipQuote(v), err))
			continue
		}
		s.origins[st.key] = origin{kind: "env", name: name}
	}
	c.fs.Visit(func(f *flag.Flag) {
		v, ok := c.values[f.Name]
		if !ok {
			return
		}
		if err := v.set.setText(s, v.text); err != nil {
			errs = append(errs, fmt.Errorf("--%s %s: %v", f.Name, clipQuote(v.text), err))
			return
		}
		s.origins[v.set.key] = origin{kind: "flag", name: f.Name}
	})
	if len(errs) == 0 {
		errs = append(errs, s.finish()...)
	}
	return s, errors.Join(errs...)
}

// finish derives the values that depend on others and checks the settings
// that must agree with each other.
func (s *settings) finish() []error {
	var errs []error
	if s.LogFile == "" {
		s.LogFile = filepath.Join(s.StateDir, "ibwatch.log")
		s.origins["log_file"] = origin{kind: "default", note: "in state_dir"}
	}
	if s.BackoffBase > s.BackoffMax {
		errs = append(errs, fmt.Errorf("backoff_base %v (%s) is above backoff_max %v (%s)",
			s.BackoffBase, s.origin("backoff_base"), s.BackoffMax, s.origin("backoff_max")))
	}
	return errs
}
