package config

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Env is what Load reads besides the file and the flags: the IBWATCH_*
// variables, and today's date (a deal's close date is checked against it).
// OSEnv is the real one; tests pass a fixed one.
type Env interface {
	// Lookup returns a variable's value, like os.LookupEnv.
	Lookup(name string) (string, bool)
	// Names lists every variable set.
	Names() []string
	// Now is the current time.
	Now() time.Time
}

// OSEnv is the process environment and the real clock.
type OSEnv struct{}

// Lookup implements Env.
func (OSEnv) Lookup(name string) (string, bool) { return os.LookupEnv(name) }

// Names implements Env.
func (OSEnv) Names() []string {
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	return names
}

// Now implements Env.
func (OSEnv) Now() time.Time { return time.Now() }

// otherEnvVars are IBWATCH_* variables that are not settings: the config
// file's path, and those read by the test suite (which runs the real
// binary with its own environment, so they reach the binary too).
// TestEveryIBWATCHVariableIsKnown keeps this list complete.
var otherEnvVars = []string{
	"IBWATCH_CONFIG",
	"IBWATCH_SOAK", "IBWATCH_IDLECPU", "IBWATCH_IDLECPU_SIZE", "IBWATCH_TEST_SIM_ADDR",
	"IBWATCH_BENCH_FAULTS", "IBWATCH_BENCH_IDLE", "IBWATCH_BENCH_VERBOSE",
	"IBWATCH_BENCH_OUTAGE", "IBWATCH_BENCH_REOPEN", "IBWATCH_BENCH_CYCLES",
}

// unknownEnvVars reports every set IBWATCH_* variable that ibwatch does not
// read: a misspelt one would otherwise be ignored without a word, as an
// unknown key in the file would. Empty ones count as unset, as for known
// variables.
func unknownEnvVars(env Env) []error {
	var errs []error
	names := env.Names()
	slices.Sort(names)
	for _, name := range names {
		if !strings.HasPrefix(name, envPrefix) || slices.Contains(otherEnvVars, name) {
			continue
		}
		key := strings.ToLower(strings.TrimPrefix(name, envPrefix))
		if settingByKey(key) != nil {
			continue
		}
		if v, _ := env.Lookup(name); v == "" {
			continue
		}
		errs = append(errs, fmt.Errorf("unknown variable %s%s", clip(name), suggestEnv(key)))
	}
	return errs
}

// suggestEnv names the variable of a key close to an unknown one.
func suggestEnv(key string) string {
	if best := closestKey(key); best != "" {
		return " (did you mean " + envName(best) + "?)"
	}
	return " (ibwatch --help lists the settings: each is IBWATCH_ and the key in capitals)"
}
