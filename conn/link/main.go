// Package link is the child "link" process: it owns the ibapi.EClient and the
// loopback relay to TWS, and speaks the link protocol (package
// conn/internal/linkproto) with the parent over stdin/stdout.
//
// The process is disposable by design. The client library can block forever
// (Connect, Disconnect, Req*), panics on malformed frames on goroutines nobody
// can recover, and redials behind our back; all of that happens here, in a
// process the parent kills and replaces, never in the dashboard.
//
// Goroutines and their owners:
//   - the command loop (Main's goroutine) owns the active attempt pointer and
//     is the only one that starts or drops attempts; it never blocks on TWS or
//     on the library;
//   - one stdin reader feeds it lines;
//   - one report writer owns stdout (every protocol line goes through it);
//   - per attempt: the attempt runner (dial, handshake), the relay's accept
//     loop and two pipes, the EClient's Connect caller and one request sender.
//     All of them end when the attempt closes, except a Connect or Req* call
//     stuck inside the library, which dies with the process.
//
// Exit codes: 0 stdin closed or linkproto.Exit; 1 setup failed; 3 fatal (recovered
// callback panic, full send queue); 4 the parent stopped reading reports or
// stdout broke; 5 a malformed command line. A panic inside the library kills
// the process with the runtime's exit code 2; that is the intended containment.
package link

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/scmhub/ibapi"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// Exit statuses returned by Main.
const (
	ExitOK         = 0 // stdin closed or linkproto.Exit
	ExitSetup      = 1 // could not set up stdout
	ExitFatal      = 3 // recovered panic, send queue full
	ExitParentGone = 4 // the parent stopped reading reports, or stdout broke
	ExitBadCommand = 5 // a command line that does not decode
)

// Timing knobs. They are variables so tests in this package can shorten
// them; nothing else changes them.
var (
	// reportStall is how long a report may wait for room in the writer's
	// queue before the link concludes the parent is gone or hung.
	reportStall = 5 * time.Second
	// exitGrace bounds how long Main waits for queued reports to be flushed
	// when it ends.
	exitGrace = 500 * time.Millisecond
)

const (
	reportQueue     = 8192 // lines buffered towards the parent
	sendQueue       = 1024 // requests buffered towards the EClient, per attempt
	defaultTimeout  = 5 * time.Second
	defaultMaxVer   = 200 // last classic-text server version
	ibLogLevel      = zerolog.WarnLevel
	stdinBufInitial = 64 << 10
)

// link is the state of one link process. The command loop goroutine owns
// active; everything else is safe for concurrent use.
type link struct {
	out *reportWriter
	log *slog.Logger
	// rejects logs the relay's turned-away sockets, rate-limited.
	rejects *rejectLog

	active *attempt // command loop only

	exitOnce sync.Once
	exitCh   chan struct{}
	exitCode int // written once before exitCh closes
}

// Main runs the link process until stdin closes; it returns the exit status.
// When stdout is the process's real standard output, the protocol moves to a
// private duplicate of it and file descriptor 1 is pointed at stderr, so that
// nothing the library prints can corrupt the protocol stream.
func Main(stdin io.Reader, stdout, stderr io.Writer) int {
	ibapi.SetLogger(zerolog.New(stderr).Level(ibLogLevel).With().Timestamp().Str("proc", "link").Logger())
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("proc", "link")

	proto, err := protectStdout(stdout)
	if err != nil {
		logger.Error("cannot protect stdout", "err", err)
		return ExitSetup
	}
	if os.Getenv("GOMAXPROCS") == "" {
		// The link only moves bytes and decodes a few messages; one P keeps
		// every wake-up on one thread (measured: a third less CPU per idle
		// reconnect attempt than with two).
		runtime.GOMAXPROCS(1)
	}
	stdin = pollableStdin(stdin)
	l := &link{log: logger, rejects: newRejectLog(logger, time.Now), exitCh: make(chan struct{})}
	l.out = newReportWriter(proto, logger, l.exit)
	l.out.send(linkproto.Hello{PID: os.Getpid(), Protocol: linkproto.ProtocolVersion})

	lines, readErr := l.readLines(stdin)
	for {
		select {
		case <-l.exitCh:
			return l.shutdown()
		case line, ok := <-lines:
			if !ok {
				if err := readErr(); err != nil {
					l.fatal(ExitBadCommand, fmt.Sprintf("reading commands: %v", err))
				} else {
					l.exit(ExitOK)
				}
				lines = nil // wait for exitCh
				continue
			}
			msg, err := linkproto.Decode(line)
			if err != nil {
				l.fatal(ExitBadCommand, fmt.Sprintf("bad command: %v", err))
				lines = nil
				continue
			}
			l.handle(msg)
		}
	}
}

// readLines starts the stdin reader. The channel closes at EOF or on a read
// error; the returned function reports that error afterwards. The reader
// also stops (after its current read) once the link is exiting.
func (l *link) readLines(stdin io.Reader) (<-chan []byte, func() error) {
	lines := make(chan []byte)
	var mu sync.Mutex
	var rerr error
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, stdinBufInitial), linkproto.MaxLine)
		for sc.Scan() {
			b := append([]byte(nil), sc.Bytes()...)
			if len(b) == 0 {
				continue
			}
			select {
			case lines <- b:
			case <-l.exitCh:
				return
			}
		}
		mu.Lock()
		rerr = sc.Err()
		mu.Unlock()
	}()
	return lines, func() error {
		mu.Lock()
		defer mu.Unlock()
		return rerr
	}
}

// handle runs one command. It never blocks on TWS or the library.
func (l *link) handle(msg linkproto.Msg) {
	switch m := msg.(type) {
	case *linkproto.Ping:
		l.out.send(linkproto.Pong{Seq: m.Seq, Goroutines: runtime.NumGoroutine(), FDs: countFDs()})
	case *linkproto.Exit:
		l.exit(ExitOK)
	case *linkproto.Connect:
		if l.active != nil {
			l.active.finish(linkproto.Closed{Cause: linkproto.CauseDropped, Detail: "replaced by a new connect"})
		}
		l.active = newAttempt(l, *m)
		go l.active.run()
	case *linkproto.Drop:
		if a := l.current(m.Attempt); a != nil {
			a.finish(linkproto.Closed{Cause: linkproto.CauseDropped})
		}
	default:
		l.request(msg)
	}
}

// current returns the active attempt if its number is a and it has not
// closed; nil otherwise (a stale command).
func (l *link) current(a uint64) *attempt {
	if l.active == nil || l.active.id != a || l.active.isClosed() {
		return nil
	}
	return l.active
}

// exit makes Main return code; the first call wins.
func (l *link) exit(code int) {
	l.exitOnce.Do(func() {
		l.exitCode = code
		close(l.exitCh)
	})
}

// fatal reports detail to the parent and makes Main return code.
func (l *link) fatal(code int, detail string) {
	l.log.Error("fatal", "detail", detail)
	l.out.send(linkproto.Fatal{Detail: detail})
	l.exit(code)
}

// recoverGoroutine is deferred at the top of every goroutine the link starts:
// a bug of ours becomes a linkproto.Fatal instead of a silent crash.
func (l *link) recoverGoroutine(name string) {
	if r := recover(); r != nil {
		l.fatal(ExitFatal, fmt.Sprintf("panic in %s: %v", name, r))
	}
}

// shutdown tears down the active attempt quietly, flushes what is queued
// (bounded by exitGrace) and returns the exit code.
func (l *link) shutdown() int {
	if l.active != nil {
		l.active.teardown()
	}
	l.rejects.flush()
	l.out.stop(exitGrace)
	return l.exitCode
}
