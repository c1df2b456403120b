package twsim

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// controlHelp is what GET / on the control port prints.
const controlHelp = `ibwatch sim control API (all fault endpoints are POST; each answers with the new state as JSON)

GET  /state                                  ground truth: switches, sessions, every fault so far, counters
POST /fault/stall?on=true|false              freeze: sockets open, nothing read or written
POST /fault/drop                             close every client socket
POST /fault/restart?down=8s                  daily restart: drop, refuse for down (at most 1h), then accept again
POST /fault/refuse?on=true|false             close the listener (ECONNREFUSED) / reopen on the same port
POST /fault/handshake-stall?on=true|false    accept TCP, never answer the hello
POST /fault/api-frozen?on=true|false         accept, never answer the hello, open sessions silent; only a restart cures it
POST /fault/accept-close?on=true|false       accept, then close before answering (untrusted IP)
POST /fault/iblink/lost                      1100 + 2103/2105/2157, data stops, new clients get 2110
POST /fault/iblink/restored?kept=false|true  1101 (subscriptions gone) or 1102 (kept)
POST /fault/farm?name=usfarm&state=broken    state ok|broken|inactive; farms usfarm usopt ushmds secdefnj
POST /fault/port-reset?port=0                1300 naming the new port, close, listener moves (0 = any free port, else 1024..65535)
POST /fault/latency?d=250ms                  delay every reply (0 turns it off; at most 1m)
POST /fault/inject?req=-1&code=2119&msg=...  send any ERR_MSG (msg may also be the request body)
POST /fault/raw-frame[?hex=...]              body (or hex) sent length-prefixed to every session
POST /fault/raw-bytes[?hex=...]              body (or hex) sent exactly as given
POST /fault/raw-preset?name=huge-length      a named malformed frame (GET /presets lists them)
GET  /account                                the simulated paper account (cash, holdings)
POST /account?portfolio=cash=5e5,AAPL=100@180  replace it (syntax of --portfolio; none = cash only)
POST /fault/clear                            stall/refuse/handshake-stall/accept-close/latency off, IB link and farms up

An unknown, repeated or out-of-range parameter gets 400 with the reason.
`

// maxControlBody bounds request bodies (raw frames may be big on purpose).
const maxControlBody = 32 << 20

// Bounds of the control parameters, with the reasons the 400 answers give.
const (
	maxLatency = time.Minute
	whyLatency = "longer outlasts every client's timeout; /fault/stall models a TWS that never answers"
	maxDown    = time.Hour
	whyDown    = "a real daily restart keeps TWS away for a few minutes"
	minPort    = 1024
	whyPort    = "0 picks a free port; ports below 1024 are privileged"
	whyReqID   = "TWS request ids are 32-bit; -1 means no request"
	whyCode    = "TWS message codes are positive 32-bit numbers"
)

// Handler returns the control API (see controlHelp). Serve it on a loopback
// address only: it can break every client of the simulator.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, controlHelp)
	})
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, _ *http.Request) { s.writeState(w) })
	mux.HandleFunc("GET /presets", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(Presets())
	})
	s.accountRoutes(mux)
	// Names are clipped: no real one is long, and an unknown one is quoted
	// back in the 400.
	s.action(mux, "raw-preset", []string{"name"}, func(r *http.Request) error {
		return s.SendPreset(clipText(r.URL.Query().Get("name")))
	})
	s.toggle(mux, "stall", s.SetStall)
	s.toggle(mux, "refuse", s.SetRefuse)
	s.toggle(mux, "handshake-stall", s.SetHandshakeStall)
	s.toggle(mux, "api-frozen", s.SetAPIFrozen)
	s.toggle(mux, "accept-close", s.SetAcceptThenClose)
	s.action(mux, "drop", nil, func(*http.Request) error { s.Drop(); return nil })
	s.action(mux, "clear", nil, func(*http.Request) error { s.ClearFaults(); return nil })
	s.action(mux, "iblink/lost", nil, func(*http.Request) error { s.IBLinkLost(); return nil })
	s.action(mux, "iblink/restored", []string{"kept"}, func(r *http.Request) error {
		kept, err := boolParam(r, "kept", false)
		if err == nil {
			s.IBLinkRestored(kept)
		}
		return err
	})
	s.action(mux, "restart", []string{"down"}, func(r *http.Request) error {
		d, err := durParam(r, "down", 8*time.Second, maxDown, whyDown)
		if err == nil {
			s.Restart(d)
		}
		return err
	})
	s.action(mux, "latency", []string{"d"}, func(r *http.Request) error {
		d, err := durParam(r, "d", 0, maxLatency, whyLatency)
		if err == nil {
			s.SetLatency(d)
		}
		return err
	})
	s.action(mux, "farm", []string{"name", "state"}, func(r *http.Request) error {
		st, err := farmStateParam(r.URL.Query().Get("state"))
		if err != nil {
			return err
		}
		return s.SetFarmState(clipText(r.URL.Query().Get("name")), st)
	})
	s.action(mux, "port-reset", []string{"port"}, func(r *http.Request) error {
		p, err := intParam(r, "port", 0)
		if err == nil && p != 0 {
			err = inRange("port", p, minPort, 65535, whyPort)
		}
		if err == nil {
			_, err = s.PortReset(int(p))
		}
		return err
	})
	s.action(mux, "inject", []string{"req", "code", "msg"}, func(r *http.Request) error {
		req, err1 := intParam(r, "req", -1)
		code, err2 := intParam(r, "code", 0)
		if err := firstErr(err1, err2); err != nil {
			return err
		}
		if code == 0 {
			return fmt.Errorf("code is required")
		}
		if err := firstErr(inRange("req", req, -1, math.MaxInt32, whyReqID),
			inRange("code", code, 1, math.MaxInt32, whyCode)); err != nil {
			return err
		}
		msg := r.URL.Query().Get("msg")
		if !r.URL.Query().Has("msg") {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return err
			}
			msg = string(b)
		}
		s.Inject(req, code, msg)
		return nil
	})
	s.action(mux, "raw-frame", []string{"hex"}, func(r *http.Request) error {
		b, err := rawBody(r)
		if err == nil {
			s.RawFrame(b)
		}
		return err
	})
	s.action(mux, "raw-bytes", []string{"hex"}, func(r *http.Request) error {
		b, err := rawBody(r)
		if err == nil {
			s.RawBytes(b)
		}
		return err
	})
	return mux
}

// toggle registers POST /fault/<name>?on=true|false (default true).
func (s *Server) toggle(mux *http.ServeMux, name string, set func(bool)) {
	s.action(mux, name, []string{"on"}, func(r *http.Request) error {
		on, err := boolParam(r, "on", true)
		if err == nil {
			set(on)
		}
		return err
	})
}

// action registers POST /fault/<name> taking the query parameters params;
// a nil error answers with the state.
func (s *Server) action(mux *http.ServeMux, name string, params []string, do func(*http.Request) error) {
	mux.HandleFunc("POST /fault/"+name, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxControlBody)
		err := checkParams(r.URL.RawQuery, params)
		if err == nil {
			err = do(r)
		}
		if err != nil {
			http.Error(w, name+": "+err.Error(), http.StatusBadRequest)
			return
		}
		s.writeState(w)
	})
}

func (s *Server) writeState(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s.State())
}

// checkParams refuses a query that does not parse, names a parameter the
// endpoint does not take (a typo like ?delay=5s would otherwise apply the
// default) or repeats one (only the first would count).
func checkParams(rawQuery string, params []string) error {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return fmt.Errorf("bad query: %v", err)
	}
	for k, vs := range q {
		switch {
		case !slices.Contains(params, k) && len(params) == 0:
			return fmt.Errorf("unknown parameter %q: this endpoint takes none", clipText(k))
		case !slices.Contains(params, k):
			return fmt.Errorf("unknown parameter %q (known: %s)", clipText(k), strings.Join(params, ", "))
		case len(vs) > 1:
			return fmt.Errorf("%s given %d times", k, len(vs))
		}
	}
	return nil
}

func boolParam(r *http.Request, key string, def bool) (bool, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	switch strings.ToLower(v) {
	case "1", "true", "on", "yes":
		return true, nil
	case "0", "false", "off", "no":
		return false, nil
	}
	return false, fmt.Errorf("%s=%q is not a boolean", key, clipText(v))
}

// durParam reads a duration in 0..hi (why says why hi); a bare number is
// milliseconds.
func durParam(r *http.Request, key string, def, hi time.Duration, why string) (time.Duration, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		ms, err2 := strconv.ParseInt(v, 10, 64)
		if err2 != nil {
			return 0, fmt.Errorf("%s=%q is not a duration (e.g. 250ms, 8s)", key, clipText(v))
		}
		if ms < 0 || ms > int64(hi/time.Millisecond) { // checked before scaling: no wrap-around
			return 0, fmt.Errorf("%s=%dms: want 0s..%v (%s)", key, ms, hi, why)
		}
		d = time.Duration(ms) * time.Millisecond
	}
	return d, inRange(key, d, 0, hi, why)
}

func intParam(r *http.Request, key string, def int64) (int64, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not an integer", key, clipText(v))
	}
	return n, nil
}

func farmStateParam(v string) (FarmState, error) {
	switch strings.ToLower(v) {
	case "ok", "up", "":
		return FarmOK, nil
	case "broken", "down":
		return FarmBroken, nil
	case "inactive":
		return FarmInactive, nil
	}
	return 0, fmt.Errorf("state=%q: want ok, broken or inactive", clipText(v))
}

// rawBody returns ?hex=... decoded, or the request body.
func rawBody(r *http.Request) ([]byte, error) {
	if h := r.URL.Query().Get("hex"); h != "" {
		b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
		if err != nil {
			return nil, fmt.Errorf("hex: %w", err)
		}
		return b, nil
	}
	return io.ReadAll(r.Body)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
