package link

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/scmhub/ibapi"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// The relay sits between the EClient and TWS. The EClient connects to a
// loopback listener the attempt owns; the relay swallows the EClient's hello
// (the link already negotiated with TWS), answers it with TWS's cached reply,
// and then copies bytes both ways. It gives the link what the library lacks:
// an instant view of TWS closing the socket, a kill switch (closing both
// sockets makes the library clean itself up through its own EOF path), a
// guard against frames the library would wait on forever, and a place to turn
// away the library's hidden handshake-less redials.

// relayListening, when set (by tests only), is told each relay port.
var relayListening func(port int)

// startRelay opens the relay listener, creates the attempt's EClient and
// points it at the relay.
func (a *attempt) startRelay(tws net.Conn, ver int, connTime string) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "relay listener: " + err.Error()})
		return
	}
	if !a.own(ln) {
		return
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.hasEC = true
	a.version = ver
	a.mu.Unlock()

	reply := wire.AppendFrame(nil, wire.Encode(strconv.Itoa(ver), connTime))
	go a.acceptLoop(ln, tws, reply)

	ec := ibapi.NewEClient(&wrapper{a: a})
	connected := make(chan struct{})
	go a.sender(ec, connected)
	port := ln.Addr().(*net.TCPAddr).Port
	if relayListening != nil {
		relayListening(port)
	}
	go func() {
		defer a.l.recoverGoroutine("EClient.Connect")
		err := ec.Connect("127.0.0.1", port, a.cmd.ClientID)
		switch {
		case err != nil:
			a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "client library connect: " + err.Error()})
		case !ec.IsConnected():
			a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "client library not connected after its handshake"})
		default:
			close(connected)
		}
	}()
}

// acceptLoop takes the EClient's socket and then turns away every further
// socket: the library's hidden reconnect dials the same address and writes
// request frames without a handshake, which must never reach TWS.
func (a *attempt) acceptLoop(ln net.Listener, tws net.Conn, reply []byte) {
	defer a.l.recoverGoroutine("relay accept")
	tl := ln.(*net.TCPListener)
	deadline := time.Now().Add(a.shakeTO)
	_ = tl.SetDeadline(deadline)
	took := false
	for {
		c, err := tl.Accept()
		if err != nil {
			if !took && isTimeout(err) {
				a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "client library did not connect to the relay within " + a.shakeTO.String()})
			}
			return // closed by finish
		}
		if took {
			a.l.rejects.warn("rejected an extra socket from the client library (handshake-less redial)", "a", a.id)
			_ = c.Close()
			continue
		}
		if a.takeClient(c, tws, reply, deadline) {
			took = true
			_ = tl.SetDeadline(time.Time{})
		}
	}
}

// takeClient checks that c begins with a proper hello, answers it with the
// cached server reply, and starts the two pipes.
func (a *attempt) takeClient(c net.Conn, tws net.Conn, reply []byte, deadline time.Time) bool {
	_ = c.SetDeadline(deadline)
	if _, _, _, err := wire.ReadHello(c); err != nil {
		a.l.rejects.warn("rejected a relay socket without a valid API hello", "a", a.id, "err", err)
		_ = c.Close()
		return false
	}
	if !a.own(c) {
		return true // the attempt closed meanwhile; nothing more to accept
	}
	if _, err := c.Write(reply); err != nil {
		a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "relay: writing the version reply to the client library: " + err.Error()})
		return true
	}
	_ = c.SetDeadline(time.Time{})
	go a.pipeFromTWS(tws, c)
	go a.pipeToTWS(c, tws)
	return true
}

// pipeFromTWS copies TWS's frames to the EClient, one whole frame at a time,
// noting 326 and 1300 on the way. It sees TWS's EOF or reset at once and
// reports the close.
func (a *attempt) pipeFromTWS(tws, cli net.Conn) {
	defer a.l.recoverGoroutine("relay from TWS")
	br := bufio.NewReaderSize(tws, 64<<10)
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			a.finish(a.closedByTWS(err))
			return
		}
		n := binary.BigEndian.Uint32(hdr[:])
		if n > wire.MaxLibraryPayload {
			// The library would wait for those bytes forever with the
			// connection looking healthy (or, just under 16 MiB, fail later
			// with "token too long").
			a.finish(linkproto.Closed{Cause: linkproto.CauseProtocolError,
				Detail: fmt.Sprintf("TWS sent a frame length of %d bytes (limit %d)", n, wire.MaxLibraryPayload)})
			return
		}
		frame := make([]byte, 4+int(n))
		copy(frame, hdr[:])
		if _, err := io.ReadFull(br, frame[4:]); err != nil {
			a.finish(a.closedByTWS(err))
			return
		}
		a.inspect(frame[4:])
		if _, err := cli.Write(frame); err != nil {
			a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "client library socket: " + err.Error()})
			return
		}
	}
}

// pipeToTWS copies the EClient's requests to TWS.
func (a *attempt) pipeToTWS(cli, tws net.Conn) {
	defer a.l.recoverGoroutine("relay to TWS")
	buf := make([]byte, 32<<10)
	for {
		n, rerr := cli.Read(buf)
		if n > 0 {
			if _, err := tws.Write(buf[:n]); err != nil {
				a.finish(a.closedByTWS(err))
				return
			}
		}
		if rerr != nil {
			a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "client library closed its socket: " + rerr.Error()})
			return
		}
	}
}

// closedByTWS builds the close report for TWS ending the connection,
// naming the reason TWS gave just before (1300 port reset, 326 id in use).
func (a *attempt) closedByTWS(err error) linkproto.Closed {
	at := time.Now().UnixNano()
	detail := "TWS closed the connection"
	if err != nil && !errors.Is(err, io.EOF) {
		detail += ": " + err.Error()
	}
	a.seenMu.Lock()
	code, msg, port := a.seenCode, a.seenMsg, a.newPort
	a.seenMu.Unlock()
	cl := linkproto.Closed{Cause: linkproto.CauseClosedByTWS, Detail: detail, Code: code, Msg: msg, At: at}
	switch code {
	case 1300:
		cl.Cause = linkproto.CausePortReset
		cl.NewPort = port
	case 326:
		cl.Cause = linkproto.CauseClientIDInUse
	}
	return cl
}

// inspect looks at one TWS frame for the error codes that explain a close:
// 326 (client id in use) and 1300 (API port reset, with the new port). It
// only reads fields; content validation is the library's business.
func (a *attempt) inspect(payload []byte) {
	if len(payload) < 2 || payload[0] != '4' || payload[1] != 0 {
		return
	}
	f := wire.Fields(payload)
	// ERR_MSG: [4, v, reqId, code, msg, ...] below 194, [4, reqId, code, msg, ...] from 194.
	ci := 3
	if a.version >= wire.VerErrorTime {
		ci = 2
	}
	if len(f) <= ci+1 {
		return
	}
	code, err := strconv.ParseInt(f[ci], 10, 64)
	if err != nil || (code != 326 && code != 1300) {
		return
	}
	msg := f[ci+1]
	a.seenMu.Lock()
	defer a.seenMu.Unlock()
	if code == 326 && a.seenCode == 1300 {
		return // the port reset explains the close better
	}
	a.seenCode, a.seenMsg = code, clipText(msg)
	if code == 1300 {
		a.newPort = trailingPort(msg)
	}
}

// trailingPort returns the last run of digits in s if it is a valid TCP port
// ("... reconnect on the new port - 7498"), else 0.
func trailingPort(s string) int {
	end := len(s)
	for end > 0 && (s[end-1] < '0' || s[end-1] > '9') {
		end--
	}
	start := end
	for start > 0 && s[start-1] >= '0' && s[start-1] <= '9' {
		start--
	}
	if start == end || end-start > 5 {
		return 0
	}
	p, err := strconv.Atoi(s[start:end])
	if err != nil || p < 1 || p > 65535 {
		return 0
	}
	return p
}
