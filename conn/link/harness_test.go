package link

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// wait is the generous deadline of "wait for X" helpers (a busy 2-core box).
const wait = 10 * time.Second

// syncBuffer is a goroutine-safe bytes.Buffer for stderr captures.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// parent plays the supervisor: it writes commands to a link's stdin and
// records every report line from its stdout.
type parent struct {
	t      *testing.T
	name   string
	stdin  io.WriteCloser
	stderr *syncBuffer
	exited chan struct{} // closed when the link has ended
	code   int           // its exit status, valid after exited closes

	mu      sync.Mutex
	msgs    []linkproto.Msg
	lines   []string
	badLine string // first stdout line that is not a protocol line
	eof     bool   // stdout closed
	taken   []bool // parallel to msgs: consumed by a wait
	notify  chan struct{}
	pingSeq uint64
}

// startLink runs Main in-process on pipes and waits for linkproto.Hello.
func startLink(t *testing.T) *parent {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	p := newParent(t, "link", inW)
	go func() {
		p.code = Main(inR, outW, p.stderr)
		_ = outW.Close()
		close(p.exited)
	}()
	go p.readReports(outR)
	t.Cleanup(func() {
		_ = inW.Close()
		select {
		case <-p.exited:
		case <-time.After(wait):
			t.Errorf("%s: Main did not return after stdin closed", p.name)
		}
		_ = outR.Close()
		p.dumpOnFailure()
	})
	p.expectHello()
	return p
}

func newParent(t *testing.T, name string, stdin io.WriteCloser) *parent {
	return &parent{t: t, name: name, stdin: stdin, stderr: &syncBuffer{}, exited: make(chan struct{}), notify: make(chan struct{}, 1)}
}

func (p *parent) expectHello() {
	p.t.Helper()
	h := waitFor[linkproto.Hello](p, nil)
	if h.Protocol != linkproto.ProtocolVersion || h.PID == 0 {
		p.t.Fatalf("%s: bad hello %+v", p.name, h)
	}
}

func (p *parent) readReports(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), linkproto.MaxLine)
	for sc.Scan() {
		line := sc.Text()
		m, err := linkproto.Decode([]byte(line))
		p.mu.Lock()
		p.lines = append(p.lines, line)
		if err != nil {
			if p.badLine == "" {
				p.badLine = line
			}
		} else {
			p.msgs = append(p.msgs, m)
			p.taken = append(p.taken, false)
		}
		p.mu.Unlock()
		p.poke()
	}
	p.mu.Lock()
	p.eof = true
	p.mu.Unlock()
	p.poke()
}

func (p *parent) poke() {
	select {
	case p.notify <- struct{}{}:
	default:
	}
}

func (p *parent) send(m linkproto.Msg) {
	p.t.Helper()
	line, err := linkproto.Encode(m)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.stdin.Write(line); err != nil {
		p.t.Fatalf("%s: write command: %v", p.name, err)
	}
}

// waitFor returns the first report of type T, not yet taken by an earlier
// wait, that matches match (nil matches any), and takes it. Reports are
// matched in arrival order but independently of the order of the waits, so
// a test need not know in which order TWS interleaves its answers. It fails
// the test after the deadline.
func waitFor[T linkproto.Msg](p *parent, match func(T) bool) T {
	p.t.Helper()
	m, ok := lookFor(p, wait, match)
	if !ok {
		var zero T
		p.t.Fatalf("%s: no %T within %v; reports so far:\n%s", p.name, zero, wait, p.transcript())
	}
	return m
}

// lookFor is waitFor without failing: ok is false after d.
func lookFor[T linkproto.Msg](p *parent, d time.Duration, match func(T) bool) (T, bool) {
	return lookAfter(p, 0, d, match)
}

// lookAfter is lookFor limited to reports that arrived after mark.
func lookAfter[T linkproto.Msg](p *parent, mark int, d time.Duration, match func(T) bool) (T, bool) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		for i := mark; i < len(p.msgs); i++ {
			if p.taken[i] {
				continue
			}
			if m, ok := asT[T](p.msgs[i]); ok && (match == nil || match(m)) {
				p.taken[i] = true
				p.mu.Unlock()
				return m, true
			}
		}
		eof := p.eof
		p.mu.Unlock()
		if eof {
			var zero T
			return zero, false
		}
		select {
		case <-p.notify:
		case <-deadline.C:
			var zero T
			return zero, false
		}
	}
}

// asT converts a decoded report (a pointer) to T (a value type).
func asT[T linkproto.Msg](m linkproto.Msg) (T, bool) {
	var zero T
	v := reflect.ValueOf(m)
	if v.Kind() == reflect.Pointer && v.Elem().Type() == reflect.TypeOf(zero) {
		return v.Elem().Interface().(T), true
	}
	t, ok := m.(T)
	return t, ok
}

// count returns how many reports of type T matching match arrived so far.
func count[T linkproto.Msg](p *parent, match func(T) bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.msgs {
		if v, ok := asT[T](m); ok && (match == nil || match(v)) {
			n++
		}
	}
	return n
}

// ping is a barrier: every report the link queued before it answered the
// ping has arrived when ping returns.
func (p *parent) ping() linkproto.Pong {
	p.t.Helper()
	p.pingSeq++
	n := p.pingSeq
	p.send(linkproto.Ping{Seq: n})
	return waitFor(p, func(m linkproto.Pong) bool { return m.Seq == n })
}

func (p *parent) transcript() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var sb strings.Builder
	for _, l := range p.lines {
		sb.WriteString("  ")
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
	return sb.String()
}

func (p *parent) dumpOnFailure() {
	if p.t.Failed() {
		p.t.Logf("%s stdout:\n%s%s stderr:\n%s", p.name, p.transcript(), p.name, p.stderr.String())
	}
}

// closedFor waits for the linkproto.Closed of attempt a.
func closedFor(p *parent, a uint64) linkproto.Closed {
	p.t.Helper()
	return waitFor(p, func(m linkproto.Closed) bool { return m.Attempt == a })
}

// exitStatus waits up to d for the link to end and returns its status.
func (p *parent) exitStatus(d time.Duration) (int, bool) {
	select {
	case <-p.exited:
		return p.code, true
	case <-time.After(d):
		return 0, false
	}
}

// ---- the real binary ----

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// ibwatchBinary builds the real ibwatch binary once per test run.
func ibwatchBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ibwatch-link-test-")
		if err != nil {
			buildErr = err
			return
		}
		buildBin = filepath.Join(dir, "ibwatch")
		out, err := exec.Command("go", "build", "-o", buildBin, "github.com/ibwatch/ibwatch").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// startChild runs `ibwatch link` as a child process, as the supervisor does.
func startChild(t *testing.T) (*parent, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(ibwatchBinary(t), "link")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := newParent(t, "child", stdin)
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		p.readReports(stdout)
	}()
	go func() {
		<-readDone
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			p.code = ee.ExitCode()
		} else if err != nil {
			p.code = -2
		}
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		p.dumpOnFailure()
	})
	p.expectHello()
	return p, cmd
}
