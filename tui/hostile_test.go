package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// Hostile input from TWS, end to end: a real simulator sends it over a real
// socket to the real link process; the real supervisor turns it into
// events; the real dashboard (tui.New, in a Bubble Tea program) draws them.
// For each piece the dashboard must keep running, its event log must say
// what happened, service must come back, and nothing TWS sent may reach
// the terminal as a control sequence.

// hostileEvil are TWS texts that try to take over a terminal. No NUL: it
// would end the wire field. A raw C1 byte is invalid UTF-8 and becomes
// U+FFFD, so what follows it is harmless text.
var hostileEvil = []string{
	"\x1b]0;pwned\x07\x1b[2J evil \xff\xfe",
	"evil raw C1 \x9b31m CSI \x9b2J and \x9d0;title\x07",
	"evil UTF-8 C1 \u009b31m CSI \u009d0;pwned\u009c",
	"evil \x1bPdcs pwned\x1b\\ \x1b[?1049h alt screen\r\n\ttab \x7f \x1b[5mblink\x1b[31mred",
}

// hostileStep is one hostile input and what the dashboard must show.
type hostileStep struct {
	name string
	sim  twsim.Config // the simulator's settings (zero: defaults)
	send func(*twsim.Server)
	// loss: the session is lost and must come back (epoch 2); else sign is
	// the supervisor event that shows the input was seen and survived.
	loss bool
	sign func(conn.Event) bool
	// drawn are texts first drawn once the dashboard has handled the input
	// (they prove it did); final must be on the final screen as well.
	drawn, final []string
	// atConnect: the input comes with the connection itself (simulator
	// settings), so drawn may already be on the first connected screen.
	atConnect bool
}

func hostilePreset(name string, loss bool, final ...string) hostileStep {
	return hostileStep{name: name, loss: loss, final: final, send: func(s *twsim.Server) {
		if err := s.SendPreset(name); err != nil {
			panic(err) // a preset this test names no longer exists
		}
	}}
}

// hostileInject sends an ERR_MSG; drawn must be texts no screen shows
// before it (the code itself could match an RTT), final adds the code.
func hostileInject(name string, code int64, text string, drawn ...string) hostileStep {
	final := append([]string{fmt.Sprint(code)}, drawn...)
	return hostileStep{name: name, drawn: drawn, final: final, send: func(s *twsim.Server) { s.Inject(-1, code, text) },
		sign: func(ev conn.Event) bool { return ev.Kind == conn.KindTWS && ev.Code == code }}
}

func hostileSteps() []hostileStep {
	died := "the link process died"
	heartbeats := 0
	evil := "\x1b]0;pwned\x07\x1b[2J"
	return []hostileStep{
		// The client library panics: only the link process dies.
		hostilePreset("truncated-tick-price", true, died),
		hostilePreset("non-numeric-next-id", true, died),
		hostilePreset("negative-count", true, died),
		hostilePreset("huge-count", true, died),
		hostilePreset("no-trailing-nul", true, died),
		// Frames the library would wait on forever, or cannot hold.
		hostilePreset("huge-length", true, "frame length of 2147483647 bytes"),
		{name: "length-16MiB", loss: true, final: []string{"frame length of 16777216 bytes"},
			send: func(s *twsim.Server) { s.RawBytes([]byte{0x01, 0, 0, 0}) }},
		{name: "frame-16MiB-minus-1", loss: true, final: []string{"frame length of 16777215 bytes"},
			send: func(s *twsim.Server) { s.RawFrame(hostileMaxFrame()) }},
		hostilePreset("half-frame", true, "backoff: "),
		// Texts that attack the terminal.
		hostileInject("osc-csi-invalid-utf8", 10197, hostileEvil[0], "evil"),
		hostileInject("c1-controls", 2100, hostileEvil[1]+" "+hostileEvil[2], "evil raw C1", "evil UTF-8 C1"),
		hostileInject("dcs-alt-screen", 399, hostileEvil[3], "alt screen"),
		hostileInject("text-192KiB", 2100, strings.Repeat("A\x1b[1m", 1<<15), "AAAAAAAAAA"),
		{name: "escape-text", send: hostilePreset("escape-text", false).send, drawn: []string{"farm is connecting"}, final: []string{"2119", "farm is connecting"},
			sign: func(ev conn.Event) bool { return ev.Kind == conn.KindTWS && ev.Code == 2119 }},
		{name: "unknown-msg", send: hostilePreset("unknown-msg", false).send, drawn: []string{"Bad message"}, final: []string{"508", "Bad message"},
			sign: func(ev conn.Event) bool { return ev.Kind == conn.KindTWS && ev.Code == 508 }},
		{name: "empty-frame", send: hostilePreset("empty-frame", false).send, sign: func(ev conn.Event) bool {
			if ev.Kind == conn.KindHeartbeat && ev.RTT > 0 {
				heartbeats++
			}
			return heartbeats >= 2 // the stream goes on
		}},
		// Fields the status pane shows come from TWS too: accounts, and
		// the texts of 1100/1102, which become state changes.
		{name: "accounts", sim: twsim.Config{Accounts: []string{"DU1" + evil + "X", "\x9bDU2"}}, atConnect: true,
			send: func(*twsim.Server) {}, sign: func(conn.Event) bool { return true }, drawn: []string{"DU1X"}, final: []string{"DU1X"}},
		hostileInject("farm-name", 2104, "Market data farm connection is OK:evilfarm"+evil, "evilfarm"),
		{name: "ib-link-1100-1102", send: func(s *twsim.Server) {
			s.Inject(-1, 1100, "IB link lost "+hostileEvil[0])
			s.Inject(-1, 1102, "IB link back "+hostileEvil[2])
		}, sign: func(ev conn.Event) bool { return ev.Kind == conn.KindTWS && ev.Code == 1102 },
			drawn: []string{"IB link lost", "degraded: ", "connected: IB link back evil"}},
	}
}

// TestHostileDashboard gives each hostile input its own dashboard, so the
// final screen belongs to that input alone.
func TestHostileDashboard(t *testing.T) {
	for _, st := range hostileSteps() {
		t.Run(st.name, func(t *testing.T) {
			d := startHostileDash(t, st.sim)
			mark := d.tee.mark()
			outMark := d.readOutput()
			st.send(d.sim)
			drawn := st.drawn
			if st.loss {
				d.tee.wait(t, "disconnect", mark, func(ev conn.Event) bool {
					return ev.Kind == conn.KindState && ev.State == conn.StateBackoff
				})
				d.tee.wait(t, "reconnect", mark, func(ev conn.Event) bool {
					return ev.Kind == conn.KindState && ev.State == conn.StateConnected
				})
				drawn = append(drawn, "epoch 2")
			} else {
				d.tee.wait(t, "the sign that it was seen", mark, st.sign)
			}
			if st.atConnect {
				outMark = 0
			}
			d.waitDrawn(st.name, outMark, drawn...)
			if got := d.tee.statesSince(mark); !st.loss && slices.Contains(got, conn.StateBackoff) {
				t.Errorf("the session was lost (%v) on input it must survive", got)
			}
			v := d.finish()
			for _, s := range append([]string{"CONNECTED"}, st.final...) {
				if !strings.Contains(v, s) {
					t.Errorf("final screen lacks %q:\n%s", s, v)
				}
			}
		})
	}
}
