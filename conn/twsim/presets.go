package twsim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// rawPreset is a named piece of hostile server output for reliability
// tests. What each one does to the Go client is in its text: the library
// has no recover, so a field it cannot decode panics its decoder goroutine,
// and a huge length prefix stalls its reader forever while it still reports
// itself connected. A crash there is the point: the link child process must
// die and be restarted without taking the dashboard with it.
type rawPreset struct {
	text  string
	bytes func() []byte // exact bytes; nil → inject instead
	msg   string        // for inject presets (encoded at each session's version)
}

var rawPresets = map[string]rawPreset{
	"unknown-msg": {text: "frame with unknown message id 150: Go reports 508 Bad message and carries on",
		bytes: func() []byte { return wire.AppendFrame(nil, wire.Encode(150, "junk")) }},
	"empty-frame": {text: "zero-length frame: Go skips it",
		bytes: func() []byte { return wire.AppendFrame(nil, nil) }},
	"truncated-tick-price": {text: "TICK_PRICE with fields missing: Go panics (process exits)",
		bytes: func() []byte { return wire.AppendFrame(nil, wire.Encode(wire.InTickPrice, 6, 1, 1)) }},
	"non-numeric-next-id": {text: `NEXT_VALID_ID "abc": Go prints abc to stdout and panics`,
		bytes: func() []byte { return wire.AppendFrame(nil, wire.Encode(wire.InNextValidID, 1, "abc")) }},
	"negative-count": {text: "SECURITY_DEFINITION_OPTION_PARAMETER with expiration count -1: Go panics (makeslice)",
		bytes: func() []byte {
			return wire.AppendFrame(nil, wire.Encode(wire.InSecDefOptParam, 1, "SMART", 265598, "AAPL", "100", -1))
		}},
	"huge-count": {text: "SECURITY_DEFINITION_OPTION_PARAMETER with 2,000,000,000 expirations: Go dies out of memory",
		bytes: func() []byte {
			return wire.AppendFrame(nil, wire.Encode(wire.InSecDefOptParam, 1, "SMART", 265598, "AAPL", "100", 2000000000))
		}},
	"no-trailing-nul": {text: "CURRENT_TIME whose last field lacks its NUL: Go panics (EOF)",
		bytes: func() []byte { return wire.AppendFrame(nil, []byte("49\x001\x001700000000")) }},
	"huge-length": {text: "a 0x7fffffff length prefix: the client waits for 2 GiB; the stream stalls while the socket looks fine",
		bytes: func() []byte { return []byte{0x7f, 0xff, 0xff, 0xff} }},
	"half-frame": {text: "a length prefix of 100 and 10 bytes: the client waits for the rest forever",
		bytes: func() []byte { return append([]byte{0, 0, 0, 100}, "49\x001\x00123"...) }},
	"escape-text": {text: "ERR_MSG 2119 (reqId -1) whose text has invalid UTF-8, ANSI escapes, a \\u escape and a newline",
		msg: "Market data farm is connecting:usfarm \xff\xfe \x1b[31mRED\x1b[0m \x1b]0;title\x07 \\u00e9\nline2"},
}

// Presets lists the names SendPreset accepts, with what each does.
func Presets() map[string]string {
	out := make(map[string]string, len(rawPresets))
	for k, p := range rawPresets {
		out[k] = p.text
	}
	return out
}

// SendPreset sends a named malformed frame (see Presets) to every ready
// session, through RawBytes or Inject.
func (s *Server) SendPreset(name string) error {
	p, ok := rawPresets[name]
	if !ok {
		names := make([]string, 0, len(rawPresets))
		for k := range rawPresets {
			names = append(names, k)
		}
		slices.Sort(names)
		return fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(names, ", "))
	}
	if p.bytes == nil {
		s.Inject(-1, 2119, p.msg)
		return nil
	}
	s.broadcastRaw(p.bytes(), "raw-preset", name)
	return nil
}
