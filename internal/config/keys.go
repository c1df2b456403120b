package config

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

type settingKind int

const (
	kindString settingKind = iota
	kindPath
	kindInt
	kindDuration
	kindBool
	kindIDs
	kindList
)

// setting is one configuration key: its TOML key, environment variable
// (IBWATCH_<KEY>) and flag (--key-with-dashes) are derived from key.
type setting struct {
	key   string
	kind  settingKind
	usage string // flag help, one line
	doc   string // comment above the key in `ibwatch config --init`
	// text parses a value from the environment or a flag.
	text func(s *Settings, v string) error
	// show prints the current value in TOML syntax.
	show func(s *Settings) string
}

func (st *setting) setText(s *Settings, v string) error { return st.text(s, v) }

// setTOML applies a value from the config file. dir is the file's
// directory (relative paths in the file are relative to it).
func (st *setting) setTOML(s *Settings, v any, dir string) error {
	switch st.kind {
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want true or false")
		}
		return st.text(s, strconv.FormatBool(b))
	case kindInt:
		n, ok := v.(int64)
		if !ok {
			return fmt.Errorf("want a whole number")
		}
		return st.text(s, strconv.FormatInt(n, 10))
	case kindDuration:
		switch v.(type) {
		case string:
		case int64, float64:
			return fmt.Errorf("a number has no unit: write it as a string like \"5s\" or \"250ms\"")
		default:
			return fmt.Errorf("not a duration like 5s")
		}
	case kindIDs:
		return setIDsTOML(s, v)
	case kindList:
		return setListTOML(s, v)
	}
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a string in double quotes")
	}
	if st.kind == kindPath && str != "" {
		str = expandHome(str)
		if !filepath.IsAbs(str) {
			str = filepath.Join(dir, str)
		}
	}
	return st.text(s, str)
}

// durSetting is a duration key; lim is the range it accepts.
func durSetting(key, usage, doc string, lim durLimit, f func(*Settings) *time.Duration) setting {
	return setting{key: key, kind: kindDuration, usage: usage, doc: doc,
		text: func(s *Settings, v string) error {
			d, err := parseDuration(v)
			if err == nil {
				err = lim.check(d)
			}
			if err == nil {
				*f(s) = d
			}
			return err
		},
		show: func(s *Settings) string { return quote(formatDuration(*f(s))) },
	}
}

func boolSetting(key, usage, doc string, f func(*Settings) *bool) setting {
	return setting{key: key, kind: kindBool, usage: usage, doc: doc,
		text: func(s *Settings, v string) error {
			b, err := parseBool(v)
			if err == nil {
				*f(s) = b
			}
			return err
		},
		show: func(s *Settings) string { return strconv.FormatBool(*f(s)) },
	}
}

// strSetting is a string key; check returns the value to keep or an error.
func strSetting(key string, kind settingKind, usage, doc string, f func(*Settings) *string, check func(*Settings, string) (string, error)) setting {
	return setting{key: key, kind: kind, usage: usage, doc: doc,
		text: func(s *Settings, v string) error {
			if kind == kindPath {
				v = expandHome(v)
			}
			limit := maxTextLen
			if kind == kindPath {
				limit = maxPathLen
			}
			if len(v) > limit {
				return errTooLong(limit)
			}
			if check != nil {
				var err error
				if v, err = check(s, v); err != nil {
					return err
				}
			}
			*f(s) = v
			return nil
		},
		show: func(s *Settings) string { return quote(*f(s)) },
	}
}

// settingTable lists every key, in the order `ibwatch config` prints them.
var settingTable = []setting{
	strSetting("host", kindString, "TWS/Gateway `host`", "TWS or IB Gateway host. Keep it on this machine or a trusted LAN: the API is unencrypted.",
		func(s *Settings) *string { return &s.Host }, checkHost),
	{key: "port", kind: kindInt, usage: "TWS/Gateway API `port` (TWS 7497 paper / 7496 live; Gateway 4002 paper / 4001 live)",
		doc:  "API port: TWS 7497 paper / 7496 live, IB Gateway 4002 paper / 4001 live.",
		text: setPort, show: func(s *Settings) string { return strconv.Itoa(s.Port) }},
	{key: "client_id", kind: kindIDs, usage: "client `ids`: the preferred one, then alternates tried when TWS says an id is in use (e.g. 101,102 or 101-103)",
		doc:  "Client id, then alternates tried in order when TWS says an id is in use (326):\na number, a list [101, 102, 103] or a string \"101-103\".",
		text: setIDsText, show: func(s *Settings) string { return formatIDs(s.ClientIDs) }},
	durSetting("heartbeat", "send a heartbeat (REQ_CURRENT_TIME) this `often`", "Send a heartbeat (REQ_CURRENT_TIME) this often.", heartbeatLimit,
		func(s *Settings) *time.Duration { return &s.Heartbeat }),
	durSetting("heartbeat_timeout", "declare TWS silent after this `long` without a heartbeat reply", "Declare TWS silent (frozen, or a half-open socket) after this long without a reply.", heartbeatTimeoutLimit,
		func(s *Settings) *time.Duration { return &s.HeartbeatTimeout }),
	durSetting("dial_timeout", "TCP connect `deadline`", "TCP connect deadline.", dialTimeoutLimit,
		func(s *Settings) *time.Duration { return &s.DialTimeout }),
	durSetting("handshake_timeout", "`deadline` for TWS's handshake reply and NEXT_VALID_ID", "Deadline for TWS's handshake reply and NEXT_VALID_ID (an open \"accept incoming connection\" dialog stalls here).", handshakeTimeoutLimit,
		func(s *Settings) *time.Duration { return &s.HandshakeTimeout }),
	durSetting("backoff_base", "first reconnect wait `bound`", "Reconnect backoff: each wait is random between 0 and a bound that starts here\nand grows ×1.6 per failed attempt (full jitter) …", backoffBaseLimit,
		func(s *Settings) *time.Duration { return &s.BackoffBase }),
	durSetting("backoff_max", "reconnect wait `cap`", "… up to this cap.", backoffMaxLimit,
		func(s *Settings) *time.Duration { return &s.BackoffMax }),
	durSetting("fast_retry", "while TWS refuses connections early in an outage, retry every `interval`", "While TWS refuses connections (nothing listens: it is restarting), probe its port\nthis often, for fast_retry_for from the start of an outage and during the daily-restart window.", fastRetryLimit,
		func(s *Settings) *time.Duration { return &s.FastRetry }),
	durSetting("fast_retry_for", "how `long` into an outage refused connections are retried every fast_retry", "… for this long into an outage; then the backoff above takes over.", fastRetryForLimit,
		func(s *Settings) *time.Duration { return &s.FastRetryFor }),
	strSetting("state_dir", kindPath, "`dir`ectory for the event journal and the log file", "Where the event journal (events/) and the log file live.\nRelative paths in this file are relative to the file's directory; ~ is your home.",
		func(s *Settings) *string { return &s.StateDir }, checkNonEmpty),
	strSetting("log_file", kindPath, "log `file` (default: ibwatch.log in the state dir)", "The log file (default: ibwatch.log in state_dir).",
		func(s *Settings) *string { return &s.LogFile }, nil),
	boolSetting("debug", "debug logging", "Debug logging in the log file.", func(s *Settings) *bool { return &s.Debug }),
	boolSetting("bell", "ring the terminal bell when the link is lost and when it recovers", "Ring the terminal bell when the connection is lost and when it recovers.",
		func(s *Settings) *bool { return &s.Bell }),
	boolSetting("no_color", "no colours (NO_COLOR is honoured too)", "No colours (the NO_COLOR environment variable is honoured too).",
		func(s *Settings) *bool { return &s.NoColor }),
	strSetting("background", kindString, "terminal background: `auto|dark|light` (auto asks the terminal)", "Terminal background: \"auto\" (ask the terminal), \"dark\" or \"light\".",
		func(s *Settings) *string { return &s.Background }, checkBackground),
	strSetting("daily_restart", kindString, "TWS auto-restart time `HH:MM`, to label the outage it causes", "TWS/Gateway daily auto-restart time (HH:MM, 24 h, in timezone); \"\" = none.\nAn outage inside the restart window is labelled expected; one that outlives it is escalated.",
		func(s *Settings) *string { return &s.DailyRestart }, checkClock),
	strSetting("timezone", kindString, "IANA time `zone` of daily_restart (default: local)", "Time zone of daily_restart, e.g. \"America/New_York\"; \"\" = this machine's.",
		func(s *Settings) *string { return &s.Timezone }, checkZone),
	durSetting("restart_window", "how `long` an outage after the daily restart counts as expected", "How long an outage after daily_restart counts as expected.", restartWindowLimit,
		func(s *Settings) *time.Duration { return &s.RestartWindow }),
	boolSetting("weekly_relogin", "expect IB's Sunday 01:00 ET session reset (manual re-login)", "Expect IB's weekly session reset (Sunday 01:00 New York), after which TWS needs a manual login.",
		func(s *Settings) *bool { return &s.WeeklyRelogin }),
	strSetting("metrics_addr", kindString, "serve Prometheus /metrics and /healthz on `addr`ess (\":9464\" binds 127.0.0.1; \"0.0.0.0:9464\" for all)", "Serve Prometheus /metrics and /healthz here; \"\" = off.\n\":9464\" or \"9464\" binds 127.0.0.1 only; name a host (\"0.0.0.0:9464\") to expose it.",
		func(s *Settings) *string { return &s.MetricsAddr }, checkMetricsAddr),
	strSetting("ibc_address", kindString, "IBC command server `address` (e.g. 127.0.0.1:7462): lets ibwatch ask IBC to reconnect or restart TWS", "IBC's command server (its CommandServerPort), e.g. \"127.0.0.1:7462\"; \"\" = off.\nWith it, ibwatch asks IBC to heal TWS: RECONNECTDATA, RECONNECTACCOUNT, RESTART (see README).",
		func(s *Settings) *string { return &s.IBCAddress }, checkIBCAddr),
	durSetting("ibc_data_after", "ask IBC to RECONNECTDATA after a data farm is broken this `long` while IB is linked", "Ask IBC for RECONNECTDATA after a market or historical data farm is broken this long while IB is linked.", ibcAfterLimit,
		func(s *Settings) *time.Duration { return &s.IBCDataAfter }),
	durSetting("ibc_account_after", "ask IBC to RECONNECTACCOUNT after IB's link is lost (1100) this `long`", "Ask IBC for RECONNECTACCOUNT after TWS's link to IB is lost (1100) this long.", ibcAfterLimit,
		func(s *Settings) *time.Duration { return &s.IBCAccountAfter }),
	durSetting("ibc_restart_after", "ask IBC to RESTART TWS after its API is silent this `long` (outside maintenance windows)", "Ask IBC to RESTART TWS after it accepts connections but its API has not answered\nfor this long (never inside the daily-restart or weekly re-login windows).", ibcRestartAfterLimit,
		func(s *Settings) *time.Duration { return &s.IBCRestartAfter }),
	{key: "ibc_max_restarts", kind: kindInt, usage: "at most this many IBC restarts in 24 hours (1–24)",
		doc:  "At most this many restarts through IBC in any 24 hours; then an error event and no more.",
		text: setMaxRestarts, show: func(s *Settings) string { return strconv.Itoa(s.IBCMaxRestarts) }},
	{key: "watchlist", kind: kindList, usage: "`symbols` offered first in the symbol search (comma-separated)",
		doc:  "Symbols offered first in the symbol search.",
		text: setListText, show: func(s *Settings) string { return formatList(s.Watchlist) }},
}

// settingByKey finds a key's setting.
func settingByKey(key string) *setting {
	for i := range settingTable {
		if settingTable[i].key == key {
			return &settingTable[i]
		}
	}
	return nil
}
