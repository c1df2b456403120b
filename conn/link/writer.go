package link

import (
	"bufio"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// reportWriter owns the protocol output: one goroutine writes every line, fed
// by a bounded queue. A report that cannot be queued for reportStall means the
// parent stopped reading (gone or hung), and a write error means the pipe is
// gone; both make the link exit, because a link nobody listens to must not
// live on.
type reportWriter struct {
	q        chan []byte
	log      *slog.Logger
	onDead   func(code int)
	stopCh   chan struct{}
	stopOnce sync.Once
	done     chan struct{}
	dead     chan struct{}
	deadOnce sync.Once
}

func newReportWriter(out io.Writer, log *slog.Logger, onDead func(code int)) *reportWriter {
	w := &reportWriter{
		q:      make(chan []byte, reportQueue),
		log:    log,
		onDead: onDead,
		stopCh: make(chan struct{}),
		done:   make(chan struct{}),
		dead:   make(chan struct{}),
	}
	go w.loop(out)
	return w
}

// send queues m. It returns at once when there is room, waits up to
// reportStall otherwise, and then declares the parent gone. Safe for
// concurrent use; callers include library callbacks, so it must stay short.
func (w *reportWriter) send(m linkproto.Msg) {
	line, err := linkproto.Encode(m)
	if err != nil {
		w.log.Error("dropping a report that does not encode", "err", err)
		return
	}
	select {
	case w.q <- line:
		return
	case <-w.dead:
		return
	default:
	}
	t := time.NewTimer(reportStall)
	defer t.Stop()
	select {
	case w.q <- line:
	case <-w.dead:
	case <-t.C:
		w.die("the parent has not read reports for " + reportStall.String())
	}
}

func (w *reportWriter) die(why string) {
	w.deadOnce.Do(func() {
		w.log.Error("parent gone, exiting", "why", why)
		close(w.dead)
		w.onDead(ExitParentGone)
	})
}

func (w *reportWriter) loop(out io.Writer) {
	defer close(w.done)
	bw := bufio.NewWriterSize(out, 64<<10)
	for {
		select {
		case line := <-w.q:
			_, _ = bw.Write(line)
			w.drain(bw)
			if err := bw.Flush(); err != nil {
				w.die("writing reports: " + err.Error())
				return
			}
		case <-w.stopCh:
			w.drain(bw)
			if err := bw.Flush(); err != nil {
				w.log.Warn("final flush failed", "err", err)
			}
			return
		}
	}
}

// drain moves every line queued right now into the buffer, so a burst
// becomes few writes.
func (w *reportWriter) drain(bw *bufio.Writer) {
	for {
		select {
		case line := <-w.q:
			_, _ = bw.Write(line)
		default:
			return
		}
	}
}

// stop flushes what is queued and ends the writer, waiting at most grace
// (the parent may not be reading).
func (w *reportWriter) stop(grace time.Duration) {
	w.stopOnce.Do(func() { close(w.stopCh) })
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-w.done:
	case <-t.C:
		w.log.Warn("reports not flushed at exit: parent not reading")
	}
}
