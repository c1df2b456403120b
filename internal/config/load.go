package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Load reads the configuration of a command whose only flags are the
// settings' and --config (args holds them): defaults, then the config file
// (--config, else IBWATCH_CONFIG, else the default path), then the
// IBWATCH_* variables of env, then the flags. Every bad value is reported
// (file:line, variable or flag named), each on its own line of the error;
// nothing is guessed. A command with flags of its own uses NewFlags.
func Load(args []string, env Env) (*Settings, error) {
	f := NewFlags("ibwatch", io.Discard)
	if err := f.Parse(args); err != nil {
		return nil, err
	}
	if f.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", f.Arg(0))
	}
	return f.Load(env)
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

// Flags is a command line with every setting as a flag (--key-with-dashes)
// and --config. A command adds its own flags to the FlagSet, parses, then
// calls Load. Usage prints nothing: each command prints its own help,
// once the paths it names are known.
type Flags struct {
	*flag.FlagSet
	values map[string]*flagValue // flag name → captured value
	config string
}

// NewFlags returns the flags of the command name; the flag package's
// messages about a bad flag go to errOut.
func NewFlags(name string, errOut io.Writer) *Flags {
	f := &Flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), values: map[string]*flagValue{}}
	f.SetOutput(errOut)
	f.Usage = func() {}
	f.StringVar(&f.config, "config", "", "config `file` (default "+defaultConfigPath()+"; env IBWATCH_CONFIG)")
	for i := range settingTable {
		st := &settingTable[i]
		v := &flagValue{set: st, isBool: st.kind == kindBool}
		f.values[flagName(st.key)] = v
		f.Var(v, flagName(st.key), st.usage+defaultNote(st))
	}
	return f
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

// Path is the config file Load reads: --config, then IBWATCH_CONFIG, then
// the default path (config.toml in the user's config directory).
func (f *Flags) Path(env Env) string {
	path, _ := f.resolvePath(env)
	return path
}

// resolvePath is Path; explicit says the user named the file (then a
// missing file is an error).
func (f *Flags) resolvePath(env Env) (path string, explicit bool) {
	if f.config != "" {
		return f.config, true
	}
	if v, ok := env.Lookup(envPrefix + "CONFIG"); ok && v != "" {
		return v, true
	}
	return defaultConfigPath(), false
}

// Load builds the settings from the parsed flags, as the function Load
// does. On error it returns what it could read too (a command's help
// shows the paths even when a value is bad).
func (f *Flags) Load(env Env) (*Settings, error) {
	s := defaultSettings()
	path, explicit := f.resolvePath(env)
	s.ConfigPath = path
	var errs []error
	src, err := readConfigFile(path)
	switch {
	case err == nil:
		s.ConfigFound = true
		errs = append(errs, loadFile(s, path, src, env.Now())...)
	case errors.Is(err, os.ErrNotExist) && !explicit:
		// No file is fine: defaults, env and flags.
	default:
		errs = append(errs, fmt.Errorf("config file: %w", err))
	}
	errs = append(errs, unknownEnvVars(env)...)
	for i := range settingTable {
		st := &settingTable[i]
		name := envName(st.key)
		v, ok := env.Lookup(name)
		if !ok || v == "" {
			continue
		}
		if err := st.setText(s, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%s: %v", name, clipQuote(v), err))
			continue
		}
		s.origins[st.key] = origin{kind: "env", name: name}
	}
	f.Visit(func(fl *flag.Flag) {
		v, ok := f.values[fl.Name]
		if !ok {
			return
		}
		if err := v.set.setText(s, v.text); err != nil {
			errs = append(errs, fmt.Errorf("--%s %s: %v", fl.Name, clipQuote(v.text), err))
			return
		}
		s.origins[v.set.key] = origin{kind: "flag", name: fl.Name}
	})
	if len(errs) == 0 {
		errs = append(errs, s.finish()...)
	}
	return s, errors.Join(errs...)
}

// finish derives the values that depend on others and checks the settings
// that must agree with each other.
func (s *Settings) finish() []error {
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
