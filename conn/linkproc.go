package conn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// linkEvent is what a link process's reader delivers to the supervisor.
type linkEvent struct {
	proc *linkProc
	msg  LinkMsg // nil when exited is true or err is set
	// err is a protocol failure (undecodable line); the process is killed.
	err error
	// exited is set once, after the process has ended and its pipes are drained.
	exited  bool
	exitErr error
	stderr  string
}

// linkProc is one link child process. The supervisor goroutine owns it:
// only it calls send and kill. The process has two goroutines of its own
// (reader and writer); both end when the process ends, and done closes after
// both have returned and the process has been waited for.
type linkProc struct {
	id      uint64
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	writeQ  chan []byte
	kill    chan struct{} // closed by terminate
	done    chan struct{} // closed when reader, writer and Wait are finished
	started time.Time
	killed  atomic.Bool
	once    sync.Once
	// hello is set by the supervisor when LinkHello arrived.
	hello bool
	// usedEClient is set when an attempt on this link created an EClient.
	usedEClient bool
}

// errLinkQueueFull means the link stopped reading its stdin.
var errLinkQueueFull = errors.New("link is not reading its commands")

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
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start link %q: %w", command[0], err)
	}
	p := &linkProc{
		id: id, cmd: cmd, stdin: stdin,
		writeQ:  make(chan []byte, 512),
		kill:    make(chan struct{}),
		done:    make(chan struct{}),
		started: time.Now(),
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.writeLoop() }()
	readDone := make(chan struct{})
	go func() {
		defer wg.Done()
		defer close(readDone)
		p.readLoop(ctx, stdout, out)
	}()
	go func() {
		<-readDone
		// stdout is at EOF (or we gave up on it): the process is gone or
		// being killed. Make sure it is, then reap it.
		p.terminate()
		werr := cmd.Wait()
		wg.Wait()
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
	sc.Buffer(make([]byte, 64<<10), MaxLinkLine)
	for sc.Scan() {
		msg, err := DecodeLinkMsg(sc.Bytes())
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

func (p *linkProc) writeLoop() {
	defer p.stdin.Close()
	for {
		select {
		case b := <-p.writeQ:
			if _, err := p.stdin.Write(b); err != nil {
				p.terminate()
				return
			}
		case <-p.kill:
			return
		}
	}
}

// send queues a command without blocking. A full queue means the link is
// hung; the caller kills it.
func (p *linkProc) send(m LinkMsg) error {
	b, err := EncodeLinkMsg(m)
	if err != nil {
		return err
	}
	select {
	case p.writeQ <- b:
		return nil
	default:
		return errLinkQueueFull
	}
}

// terminate kills the process (idempotent, non-blocking).
func (p *linkProc) terminate() {
	p.once.Do(func() {
		p.killed.Store(true)
		close(p.kill)
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
