package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/conn/obs"
)

// The parsers and checks of single values, shared by the file, the
// environment and the flags (keys.go names which key uses which).

func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("not a duration like 5s")
	}
	if d <= 0 {
		return 0, fmt.Errorf("must be longer than 0s")
	}
	return d, nil
}

// formatDuration prints 10m rather than 10m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("want true or false")
}

func setPort(s *Settings, v string) error {
	p, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("not a port number 1–65535")
	}
	s.Port = p
	return nil
}

func checkHost(_ *Settings, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, " /\t") {
		return "", fmt.Errorf("not a host name or IP address")
	}
	return v, nil
}

func checkNonEmpty(_ *Settings, v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("must not be empty")
	}
	return v, nil
}

func checkBackground(_ *Settings, v string) (string, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "auto", "dark", "light":
		return v, nil
	}
	return "", fmt.Errorf("want auto, dark or light")
}

func checkClock(_ *Settings, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if _, _, err := conn.ParseClock(v); err != nil {
		return "", fmt.Errorf("not a time of day like 23:45")
	}
	return v, nil
}

func checkZone(s *Settings, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "Local" {
		s.location = time.Local
		return v, nil
	}
	loc, err := time.LoadLocation(v)
	if err != nil {
		return "", fmt.Errorf("unknown time zone (want an IANA name like America/New_York)")
	}
	s.location = loc
	return v, nil
}

func checkIBCAddr(_ *Settings, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	return v, ibc.CheckAddr(v, false)
}

func setMaxRestarts(s *Settings, v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 24 {
		return fmt.Errorf("want a whole number 1–24")
	}
	s.IBCMaxRestarts = n
	return nil
}

func checkMetricsAddr(_ *Settings, v string) (string, error) {
	v = strings.TrimSpace(v)
	if _, err := obs.ListenAddr(v); err != nil {
		if len(v) > clipLen { // its message quotes the port: the whole value is already in front
			return "", fmt.Errorf("not an address like :9464, 9464 or 0.0.0.0:9464")
		}
		return "", err
	}
	return v, nil
}

// expandHome turns a leading ~ into the home directory.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, p[1:])
}

// quote writes a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
