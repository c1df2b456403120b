package twsim

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// controlHelp is what GET / on the control port prints.
const controlHelp = `ibwatch sim control API (all fault endpoints are POST; each answers with the new state as JSON)

GET  /state                                  ground truth: switches, sessions, every fault so far, counters
POST /fault/stall?on=true|false              freeze: sockets open, nothing read or written
POST /fault/drop                             close every client socket
POST /fault/restart?down=8s                  daily restart: drop, refuse for down, then accept again
POST /fault/refuse?on=true|false             close the listener (ECONNREFUSED) / reopen on the same port
POST /fault/handshake-stall?on=true|false    accept TCP, never answer the hello
POST /fault/accept-close?on=true|false       accept, then close before answering (untrusted IP)
POST /fault/iblink/lost                      1100 + 2103/2105/2157, data stops, new clients get 2110
POST /fault/iblink/restored?kept=false|true  1101 (subscriptions gone) or 1102 (kept)
POST /fault/farm?name=usfarm&state=broken    state ok|broken|inactive; farms usfarm usopt ushmds secdefnj
POST /fault/port-reset?port=0                1300 naming the new port, close, listener moves (0 = any free port)
POST /fault/latency?d=250ms                  delay every reply (0 turns it off)
POST /fault/inject?req=-1&code=2119&msg=...  send any ERR_MSG (msg may also be the request body)
POST /fault/raw-frame[?hex=...]              body (or hex) sent length-prefixed to every session
POST /fault/raw-bytes[?hex=...]              body (or hex) sent exactly as given
POST /fault/raw-preset?name=huge-length      a named malformed frame (GET /presets lists them)
GET  /account                                the simulated paper account (cash, holdings)
POST /account?portfolio=cash=5e5,AAPL=100@180  replace it (syntax of --portfolio; none = cash only)
POST /fault/clear                            stall/refuse/handshake-stall/accept-close/latency off, IB link and farms up
`

// maxControlBody bounds request bodies (raw frames may be big on purpose).
const maxControlBody = 32 << 20

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
	s.action(mux, "raw-preset", func(r *http.Request) error { return s.SendPreset(r.URL.Query().Get("name")) })
	s.toggle(mux, "stall", s.SetStall)
	s.toggle(mux, "refuse", s.SetRefuse)
	s.toggle(mux, "handshake-stall", s.SetHandshakeStall)
	s.toggle(mux, "accept-close", s.SetAcceptThenClose)
	s.action(mux, "drop", func(*http.Request) error { s.Drop(); return nil })
	s.action(mux, "clear", func(*http.Request) error { s.ClearFaults(); return nil })
	s.action(mux, "iblink/lost", func(*http.Request) error { s.IBLinkLost(); return nil })
	s.action(mux, "iblink/restored", func(r *http.Request) error {
		kept, err := boolParam(r, "kept", false)
		if err == nil {
			s.IBLinkRestored(kept)
		}
		return err
	})
	s.action(mux, "restart", func(r *http.Request) error {
		d, err := durParam(r, "down", 8*time.Second)
		if err == nil {
			s.Restart(d)
		}
		return err
	})
	s.action(mux, "latency", func(r *http.Request) error {
		d, err := durParam(r, "d", 0)
		if err == nil {
			s.SetLatency(d)
		}
		return err
	})
	s.action(mux, "farm", func(r *http.Request) error {
		st, err := farmStateParam(r.URL.Query().Get("state"))
		if err != nil {
			return err
		}
		return s.SetFarmState(r.URL.Query().Get("name"), st)
	})
	s.action(mux, "port-reset", func(r *http.Request) error {
		p, err := intParam(r, "port", 0)
		if err == nil {
			_, err = s.PortReset(int(p))
		}
		return err
	})
	s.action(mux, "inject", func(r *http.Request) error {
		req, err1 := intParam(r, "req", -1)
		code, err2 := intParam(r, "code", 0)
		if err := firstErr(err1, err2); err != nil {
			return err
		}
		if code == 0 {
			return fmt.Errorf("code is required")
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
	s.action(mux, "raw-frame", func(r *http.Request) error {
		b, err := rawBody(r)
		if err == nil {
			s.RawFrame(b)
		}
		return err
	})
	s.action(mux, "raw-bytes", func(r *http.Request) error {
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
	s.action(mux, name, func(r *http.Request) error {
		on, err := boolParam(r, "on", true)
		if err == nil {
			set(on)
		}
		return err
	})
}

// action registers POST /fault/<name>; a nil error answers with the state.
func (s *Server) action(mux *http.ServeMux, name string, do func(*http.Request) error) {
	mux.HandleFunc("POST /fault/"+name, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxControlBody)
		if err := do(r); err != nil {
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
	return false, fmt.Errorf("%s=%q is not a boolean", key, v)
}

func durParam(r *http.Request, key string, def time.Duration) (time.Duration, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		if ms, err2 := strconv.Atoi(v); err2 == nil {
			return time.Duration(ms) * time.Millisecond, nil
		}
		return 0, fmt.Errorf("%s=%q is not a duration (e.g. 250ms, 8s)", key, v)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s must not be negative", key)
	}
	return d, nil
}

func intParam(r *http.Request, key string, def int64) (int64, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not an integer", key, v)
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
	return 0, fmt.Errorf("state=%q: want ok, broken or inactive", v)
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
