package conn

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// idHolder is a second API client on the simulator's real socket that
// takes a client id and keeps it, so that the supervisor meets error 326
// exactly as it would when another program (or a dead session TWS has not
// noticed) holds its id. It speaks the wire protocol directly: it only needs
// the hello and START_API, and a second link process would race the
// supervisor's reconnect for the id.
type idHolder struct {
	c       net.Conn
	claimed bool
	done    chan struct{} // closed when the drain goroutine ends
}

// dialHolder connects and completes the version handshake, but does not
// send START_API yet: the session exists at the simulator without an id.
func dialHolder(addr string) (*idHolder, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("id holder: %w", err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(wire.AppendHello(nil, wire.VerMin, wire.VerClassicMax, "")); err != nil {
		c.Close()
		return nil, fmt.Errorf("id holder hello: %w", err)
	}
	if _, err := wire.ReadFrame(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("id holder version reply: %w", err)
	}
	_ = c.SetDeadline(time.Time{})
	return &idHolder{c: c, done: make(chan struct{})}, nil
}

// claim sends START_API with id and keeps reading (and discarding) what
// TWS sends, so its queue never backs up.
func (h *idHolder) claim(id int64) error {
	if _, err := h.c.Write(wire.AppendFrame(nil, wire.Encode(wire.OutStartAPI, 2, id, ""))); err != nil {
		return fmt.Errorf("id holder START_API: %w", err)
	}
	h.claimed = true
	go func() {
		defer close(h.done)
		_, _ = io.Copy(io.Discard, h.c)
	}()
	return nil
}

// close hangs up and waits for the drain goroutine.
func (h *idHolder) close() {
	_ = h.c.Close()
	if h.claimed {
		<-h.done
	}
}

// tailWriter keeps the last lines written to it (the link processes'
// stderr: hundreds of deliberate panics would drown the test log).
type tailWriter struct {
	mu      sync.Mutex
	partial []byte // a line not yet ended (writes arrive in pieces)
	lines   []string
	max     int
	total   int
}

func (w *tailWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSpace(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
		if line == "" {
			continue
		}
		w.total++
		w.lines = append(w.lines, line)
		if len(w.lines) > w.max {
			w.lines = w.lines[len(w.lines)-w.max:]
		}
	}
	if len(w.partial) == 0 {
		w.partial = nil // let the backing array go
	}
	return len(b), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprintf("(last %d of %d lines)\n%s", len(w.lines), w.total, strings.Join(w.lines, "\n"))
}

// resources is what a long run must not accumulate.
type resources struct {
	goroutines int
	fds        int
	links      int    // live child processes (link processes)
	rssKB      int64  // this process's resident set
	heapKB     uint64 // Go heap in use after a GC
	linkRSSKB  int64  // the current link process's resident set
}

func (r resources) String() string {
	return fmt.Sprintf("goroutines %d, fds %d, link processes %d, RSS %.1f MB (heap %.1f MB), link RSS %.1f MB",
		r.goroutines, r.fds, r.links, float64(r.rssKB)/1024, float64(r.heapKB)/1024, float64(r.linkRSSKB)/1024)
}

func (r *soakRun) sample() resources {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return resources{
		goroutines: runtime.NumGoroutine(),
		fds:        countFDs(r.t),
		links:      countChildren(r.t),
		rssKB:      rssKB(os.Getpid()),
		heapKB:     ms.HeapInuse / 1024,
		linkRSSKB:  rssKB(r.h.linkPID()),
	}
}

// rssKB reads VmRSS of pid from /proc (0 when unknown).
func rssKB(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := strings.Fields(string(line)); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

func (w *tailWriter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.total
}
