//go:build !race

// The real github.com/scmhub/ibapi client races inside itself, so every test
// that drives an EClient is excluded from -race builds; `go test -race` on
// this package runs the raw-socket tests only.

package twsim

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/scmhub/ibapi"
)

func init() {
	ibapi.SetLogger(zerolog.Nop())
}

// ev is one callback as the test client saw it.
type ev struct {
	kind  string // err, nextid, accts, time, timems, closed, cd, cdend, secdef, secdefend, price, size, optcomp, generic, string, snapend, mdtype, reqparams, samples
	req   int64
	code  int64
	text  string
	json  string
	at    int64 // errTime
	tick  int64
	f     float64
	vals  []float64 // optcomp: iv, delta, optPrice, pvDiv, gamma, vega, theta, undPrice; secdef: strikes
	strs  []string  // accts; secdef: exchange, tradingClass, multiplier, expirations...
	n     int64
	cd    *ibapi.ContractDetails
	descs []ibapi.ContractDescription
	ct    *ibapi.Contract // position, portfolio
	bar   ibapi.Bar       // hist, histupd
}

func (e ev) String() string {
	switch e.kind {
	case "err":
		return fmt.Sprintf("err(%d,%d,%q)", e.req, e.code, e.text)
	case "price", "size", "generic", "string":
		return fmt.Sprintf("%s(%d,%d,%v,%s)", e.kind, e.req, e.tick, e.f, e.text)
	}
	return fmt.Sprintf("%s(%d)", e.kind, e.req)
}

// rec records callbacks without ever blocking the decoder goroutine.
type rec struct {
	mu  sync.Mutex
	evs []ev
	sig chan struct{}
}

func newRec() *rec { return &rec{sig: make(chan struct{})} }

func (r *rec) add(e ev) {
	r.mu.Lock()
	r.evs = append(r.evs, e)
	close(r.sig)
	r.sig = make(chan struct{})
	r.mu.Unlock()
}

// all returns the recorded events matching pred.
func (r *rec) all(pred func(ev) bool) []ev {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ev
	for _, e := range r.evs {
		if pred(e) {
			out = append(out, e)
		}
	}
	return out
}

// waitN waits until n events match pred and returns them.
func (r *rec) waitN(t *testing.T, what string, n int, pred func(ev) bool) []ev {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		var got []ev
		for _, e := range r.evs {
			if pred(e) {
				got = append(got, e)
			}
		}
		sig := r.sig
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-sig:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s (got %d of %d); events: %v", what, len(got), n, r.tail(30))
		}
	}
}

// wait waits for one event matching pred.
func (r *rec) wait(t *testing.T, what string, pred func(ev) bool) ev {
	t.Helper()
	return r.waitN(t, what, 1, pred)[0]
}

func (r *rec) tail(n int) []ev {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.evs) > n {
		return append([]ev(nil), r.evs[len(r.evs)-n:]...)
	}
	return append([]ev(nil), r.evs...)
}

// Predicates.
func isErr(req, code int64) func(ev) bool {
	return func(e ev) bool { return e.kind == "err" && e.req == req && e.code == code }
}
func isCode(code int64) func(ev) bool {
	return func(e ev) bool { return e.kind == "err" && e.code == code }
}
func isKind(kind string) func(ev) bool { return func(e ev) bool { return e.kind == kind } }
func isKindReq(kind string, req int64) func(ev) bool {
	return func(e ev) bool { return e.kind == kind && e.req == req }
}
func isTick(kind string, req, tick int64) func(ev) bool {
	return func(e ev) bool { return e.kind == kind && e.req == req && e.tick == tick }
}

// wrap implements the callbacks the tests look at; everything else goes to
// the embedded default (which logs to the Nop logger).
type wrap struct {
	ibapi.Wrapper
	r *rec
}

func (w wrap) ConnectionClosed()           { w.r.add(ev{kind: "closed"}) }
func (w wrap) NextValidID(id int64)        { w.r.add(ev{kind: "nextid", n: id}) }
func (w wrap) CurrentTime(t int64)         { w.r.add(ev{kind: "time", n: t}) }
func (w wrap) CurrentTimeInMillis(t int64) { w.r.add(ev{kind: "timems", n: t}) }
func (w wrap) ManagedAccounts(a []string) {
	w.r.add(ev{kind: "accts", strs: append([]string(nil), a...)})
}
func (w wrap) Error(req ibapi.TickerID, at int64, code int64, msg string, js string) {
	w.r.add(ev{kind: "err", req: req, at: at, code: code, text: msg, json: js})
}
func (w wrap) ContractDetails(req int64, cd *ibapi.ContractDetails) {
	w.r.add(ev{kind: "cd", req: req, cd: cd})
}
func (w wrap) ContractDetailsEnd(req int64) { w.r.add(ev{kind: "cdend", req: req}) }
func (w wrap) SecurityDefinitionOptionParameter(req int64, exch string, under int64, tc, mult string, exps []string, strikes []float64) {
	w.r.add(ev{kind: "secdef", req: req, n: under, strs: append([]string{exch, tc, mult}, exps...), vals: append([]float64(nil), strikes...)})
}
func (w wrap) SecurityDefinitionOptionParameterEnd(req int64) {
	w.r.add(ev{kind: "secdefend", req: req})
}
func (w wrap) TickPrice(req ibapi.TickerID, tt ibapi.TickType, p float64, _ ibapi.TickAttrib) {
	w.r.add(ev{kind: "price", req: req, tick: tt, f: p})
}
func (w wrap) TickSize(req ibapi.TickerID, tt ibapi.TickType, sz ibapi.Decimal) {
	w.r.add(ev{kind: "size", req: req, tick: tt, text: sz.String(), f: sz.Float()})
}
func (w wrap) TickOptionComputation(req ibapi.TickerID, tt ibapi.TickType, attrib int64, iv, delta, optPrice, pvDiv, gamma, vega, theta, und float64) {
	w.r.add(ev{kind: "optcomp", req: req, tick: tt, n: attrib, vals: []float64{iv, delta, optPrice, pvDiv, gamma, vega, theta, und}})
}
func (w wrap) TickGeneric(req ibapi.TickerID, tt ibapi.TickType, v float64) {
	w.r.add(ev{kind: "generic", req: req, tick: tt, f: v})
}
func (w wrap) TickString(req ibapi.TickerID, tt ibapi.TickType, v string) {
	w.r.add(ev{kind: "string", req: req, tick: tt, text: v})
}
func (w wrap) TickSnapshotEnd(req int64) { w.r.add(ev{kind: "snapend", req: req}) }
func (w wrap) MarketDataType(req ibapi.TickerID, t int64) {
	w.r.add(ev{kind: "mdtype", req: req, n: t})
}
func (w wrap) TickReqParams(req ibapi.TickerID, minTick float64, bbo string, perms int64) {
	w.r.add(ev{kind: "reqparams", req: req, f: minTick, text: bbo, n: perms})
}
func (w wrap) SymbolSamples(req int64, d []ibapi.ContractDescription) {
	w.r.add(ev{kind: "samples", req: req, descs: d})
}

// client is one real ibapi EClient connected to the simulator.
type client struct {
	t *testing.T
	c *ibapi.EClient
	r *rec
}

// newClient makes a fresh EClient (one per connection, as the notes advise).
func newClient(t *testing.T) *client {
	r := newRec()
	return &client{t: t, c: ibapi.NewEClient(wrap{r: r}), r: r}
}

// connectAsync starts Connect in a goroutine; the result arrives on the
// channel (Connect has no timeout of its own).
func (c *client) connectAsync(port int, id int64) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- c.c.Connect("127.0.0.1", port, id) }()
	return ch
}

// connect connects and fails the test on error or a 10 s hang.
func (c *client) connect(port int, id int64) {
	c.t.Helper()
	select {
	case err := <-c.connectAsync(port, id):
		if err != nil {
			c.t.Fatalf("connect: %v", err)
		}
	case <-time.After(10 * time.Second):
		c.t.Fatal("connect hung")
	}
}

// dial connects a new client and waits for NextValidID (the ready signal).
func dial(t *testing.T, s *Server, id int64) *client {
	t.Helper()
	c := newClient(t)
	c.connect(s.Port(), id)
	c.r.wait(t, "NextValidID", isKind("nextid"))
	t.Cleanup(c.close)
	return c
}

// close disconnects without trusting Disconnect to return.
func (c *client) close() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if c.c.IsConnected() {
			_ = c.c.Disconnect()
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		c.t.Errorf("Disconnect hung")
	}
}

// waitClosed waits for ConnectionClosed.
func (c *client) waitClosed() {
	c.t.Helper()
	c.r.wait(c.t, "ConnectionClosed", isKind("closed"))
}

// stk and opt build request contracts.
func stk(sym string) *ibapi.Contract {
	k := ibapi.NewContract()
	k.Symbol, k.SecType, k.Exchange, k.Currency = sym, "STK", "SMART", "USD"
	return k
}

func opt(sym, expiry string, right string, strike float64) *ibapi.Contract {
	k := ibapi.NewContract()
	k.Symbol, k.SecType, k.Exchange, k.Currency = sym, "OPT", "SMART", "USD"
	k.LastTradeDateOrContractMonth, k.Right, k.Multiplier = expiry, right, "100"
	if strike > 0 {
		k.Strike = strike
	}
	return k
}

// errTexts lists the error events, for failure messages.
func errTexts(evs []ev) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%d/%d %s; ", e.req, e.code, e.text)
	}
	return b.String()
}
