package obs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ListenAddr turns a --metrics-addr value into a TCP listen address. A bare
// port ("9464") or a port without a host (":9464") binds loopback only
// (127.0.0.1): metrics say when a trading connection is down, which is
// nobody else's business unless the user names a host ("0.0.0.0:9464",
// "[::]:9464", "192.0.2.7:9464"). Port 0 picks a free port. "" is off.
func ListenAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if _, err := strconv.Atoi(s); err == nil {
		s = ":" + s
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", errors.New("not an address like :9464, 9464 or 0.0.0.0:9464")
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("port %q is not a number 0–65535", port)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// Server is the metrics and health HTTP server. It owns its listener and
// its serving goroutine; both end when the context given to Start ends.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
	err  error
}

// Start binds addr at once (so a port in use is reported before the
// dashboard takes the terminal) and serves h until ctx ends; then it shuts
// down gracefully (open requests get 5 s). Errors are logged to lg, never
// printed: the terminal may belong to the dashboard.
func Start(ctx context.Context, addr string, h http.Handler, lg *slog.Logger) (*Server, error) {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      15 * time.Second,
			IdleTimeout:       60 * time.Second,
			MaxHeaderBytes:    16 << 10,
			ErrorLog:          slog.NewLogLogger(lg.Handler(), slog.LevelWarn),
			BaseContext:       func(net.Listener) context.Context { return ctx },
		},
		ln:   ln,
		done: make(chan struct{}),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- s.srv.Serve(ln) }()
	go func() {
		defer close(s.done)
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.srv.Shutdown(sctx); err != nil {
				lg.Warn("metrics server shutdown", "err", err)
				_ = s.srv.Close()
			}
			<-serveErr
		case err := <-serveErr:
			if !errors.Is(err, http.ErrServerClosed) {
				s.err = err
				lg.Error("metrics server stopped", "err", err)
			}
		}
	}()
	lg.Info("metrics server listening", "addr", ln.Addr().String(), "metrics", "http://"+ln.Addr().String()+"/metrics", "health", "http://"+ln.Addr().String()+"/healthz")
	return s, nil
}

// Addr is the address the server listens on (with the real port for :0).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Wait blocks until the server has shut down (after Start's context ended)
// and returns the error that stopped it early, if any.
func (s *Server) Wait() error {
	<-s.done
	return s.err
}
