package conn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// linkLiveness tracks the link process's own liveness (pings answered by its
// command loop, independent of TWS), for the current link.
type linkLiveness struct {
	seq   uint64    // number of the last ping sent
	due   time.Time // next liveness ping
	wait  time.Time // deadline for the outstanding pong
	heard time.Time // last report from the current link
}

// disarm cancels the next ping and the outstanding pong's deadline.
func (l *linkLiveness) disarm() { l.due, l.wait = time.Time{}, time.Time{} }

// linkEvent is what a link process's reader delivers to the supervisor.
type linkEvent struct {
	proc *linkProc
	msg  linkproto.Msg // nil when exited is true or err is set
	// err is a protocol failure (undecodable line); the process is killed.
	err error
	// exited is set once, after the process has ended and its pipes are drained.
	exited  bool
	exitErr error
	stderr  string
}

// linkWriteTimeout bounds one command write to the link's stdin. A pipe
// holds 64 KiB, so a write only waits when the link has stopped reading:
// then the link is hung and is killed.
const linkWriteTimeout = 250 * time.Millisecond

// linkProc is one link child process. The supervisor goroutine owns it:
// only it calls send and terminate. Commands are written straight into the
// stdin pipe (with a deadline) from the supervisor goroutine, so an idle
// attempt costs no extra goroutine wake-ups; one reader goroutine decodes
// stdout, and done closes after it has returned and the process has been
// waited for.
type linkProc struct {
	id      uint64
	cmd     *exec.Cmd
	stdin   *os.File
	kill    chan struct{} // closed by terminate
	done    chan struct{} // closed when reader, writer and Wait are finished
	started time.Time
	killed  atomic.Bool
	once    sync.Once
	// hello is set by the supervisor when linkproto.Hello arrived.
	hello bool
	// usedEClient is set when an attempt on this link created an EClient.
	usedEClient bool
}

// errLinkNotReading means the link stopped reading its stdin.
var errLinkNotReading = errors.New("link is not reading its commands")

// errLinkGone means the link is being killed.
var errLinkGone = errors.New("link is gone")

// startLink starts a link process. Reports go to out; the reader blocks on
// out (the supervisor drains it) unless the process is being killed or ctx
// ends.
func startLink(ctx context.Context, id uint64, command []string, stderr io.Writer, out chan<- linkEvent) (*linkProc, error) {
	if len(command) == 0 {
		return nil, errors.New("no link command configured")
	}
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stderr = stderr
	setLinkSysProcAttr(cmd)
	// Our own pipe (not cmd.StdinPipe) so that writes can have a deadline.
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdin = stdinR
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stdinR.Close()
		stdinW.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		stdinR.Close()
		stdinW.Close()
		return nil, fmt.Errorf("start link %q: %w", command[0], err)
	}
	stdinR.Close() // the child has its copy
	p := &linkProc{
		id: id, cmd: cmd, stdin: stdinW,
		kill:    make(chan struct{}),
		done:    make(chan struct{}),
		started: time.Now(),
	}
	go func() {
		p.readLoop(ctx, stdout, out)
		// stdout is at EOF (or we gave up on it): the process is gone or
		// being killed. Make sure it is, then reap it.
		p.terminate()
		werr := cmd.Wait()
		ev := linkEvent{proc: p, exited: true, exitErr: werr}
		select {
		case out <- ev:
		case <-ctx.Done():
		}
		close(p.done)
	}()
	return p, nil
}

func (p *linkProc) readLoop(ctx context.Context, stdout io.Reader, out chan<- linkEvent) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), linkproto.MaxLine)
	for sc.Scan() {
		msg, err := linkproto.Decode(sc.Bytes())
		ev := linkEvent{proc: p, msg: msg, err: err}
		select {
		case out <- ev:
		case <-p.kill:
			return
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
	if err := sc.Err(); err != nil && !p.killed.Load() {
		select {
		case out <- linkEvent{proc: p, err: fmt.Errorf("link stdout: %w", err)}:
		case <-p.kill:
		case <-ctx.Done():
		}
	}
}

// send writes a command to the link's stdin. It returns at once unless the
// link stopped reading; after linkWriteTimeout that is an error (the caller
// kills the link).
func (p *linkProc) send(m linkproto.Msg) error {
	if p.killed.Load() {
		return errLinkGone
	}
	b, err := linkproto.Encode(m)
	if err != nil {
		return err
	}
	_ = p.stdin.SetWriteDeadline(time.Now().Add(linkWriteTimeout))
	if _, err := p.stdin.Write(b); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return errLinkNotReading
		}
		return fmt.Errorf("writing to the link: %w", err)
	}
	return nil
}

// terminate kills the process (idempotent, non-blocking).
func (p *linkProc) terminate() {
	p.once.Do(func() {
		p.killed.Store(true)
		close(p.kill)
		_ = p.stdin.Close()
		if p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
		}
	})
}

// pid returns the process id.
func (p *linkProc) pid() int {
	if p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}
