// Package linkproto is the protocol between the supervisor (package conn,
// the parent) and the link process (package conn/link, which owns the
// ibapi.EClient): they talk over the link's stdin and stdout.
//
// Each message is one line of JSON: {"op":"<name>","m":{...}}. Lines are at
// most MaxLine bytes. Commands flow parent → link, reports flow
// link → parent. Every attempt-scoped message carries the attempt number the
// parent assigned in Connect; a message for another attempt is stale and
// is ignored by both sides. In the messages, Attempt is that number (JSON
// key "a"), Req is the TWS request id of a request-scoped message ("r"),
// and Seq numbers a Ping and its Pong ("n"); the keys are short because
// tick lines are the hot path.
//
// Lifecycle of one attempt inside the link:
//
//	Connect → dial TWS (Closed{refused|dial_timeout|dial_error})
//	        → hello "v100..200", wait for the server's version reply
//	          (Closed{handshake_timeout|accepted_then_closed|protocol_error})
//	        → Handshake, then a fresh EClient connects through the relay
//	        → Ready when NEXT_VALID_ID arrives
//	        → data and TWSError reports, requests from the parent
//	        → Closed{closed_by_tws|client_id_in_use|port_reset|dropped|...}
//
// A link serves any number of attempts that fail before the handshake (no
// EClient is created for them), and at most one attempt that created an
// EClient: after that attempt closes (Closed.EClient true) the parent
// replaces the process, so whatever the library leaked dies with it.
//
// The package also holds the plain data types both sides exchange
// (Contract, ContractDetails, OptionParams, SymbolSample, MarketDataType)
// and the Backoff schedule both sides compute; package conn re-exports them.
// Parent and link are the same binary, so the protocol only has to agree
// with itself: ProtocolVersion guards against a stale link binary.
package linkproto

import "time"

// MaxLine bounds one protocol line in either direction.
const MaxLine = 4 << 20

// ProtocolVersion is sent in Hello; the parent refuses a link that
// speaks another version (a stale binary).
const ProtocolVersion = 2

// Msg is one message of the link protocol.
type Msg interface{ linkOp() string }

// ---- parent → link ----

// Connect starts attempt number Attempt: dial Host:Port, negotiate, connect an EClient.
type Connect struct {
	Attempt            uint64 `json:"a"`
	Host               string `json:"host"`
	Port               int    `json:"port"`
	ClientID           int64  `json:"clientId"`
	DialTimeoutMs      int64  `json:"dialTimeoutMs"`
	HandshakeTimeoutMs int64  `json:"handshakeTimeoutMs"`
	// MaxVersion is the highest server version advertised in the hello
	// (default 200, the last classic-text version).
	MaxVersion int `json:"maxVersion,omitempty"`
	// Retry, when set, makes the link keep retrying a refused dial by
	// itself, with the supervisor's backoff schedule, and report the
	// refusals in batches (Retrying) instead of one Closed each.
	// The supervisor uses it once a run of refusals is established (TWS
	// is down), so that a weekend of refused attempts costs one wake-up of
	// one process per attempt. Any other outcome of a dial ends the loop
	// and the attempt continues (or closes) as usual.
	Retry *Retry `json:"retry,omitempty"`
}

// Retry is the backoff schedule for refused dials inside the link:
// before dial number n (counting from From) it waits min(Cap, Base·Factor^n),
// without jitter (a refusal loads no one, and jitter would only add
// dials); the first dial waits DelayMs.
type Retry struct {
	DelayMs  int64   `json:"delayMs"`
	BaseMs   int64   `json:"baseMs"`
	CapMs    int64   `json:"capMs"`
	Factor   float64 `json:"factor"`
	From     int     `json:"from"`
	ReportMs int64   `json:"reportMs"` // send Retrying with the first dial this long after the last one
	// FastMs is the fixed wait between refused dials made inside one of
	// the Fast spans (the refused-dial fast path); outside them the
	// backoff applies and only those dials advance its exponent.
	FastMs int64  `json:"fastMs,omitempty"`
	Fast   []Span `json:"fast,omitempty"`
	// FastReportMs, when set, is how often to send Retrying inside the
	// fast spans (the first minutes of an outage, when the user may be
	// watching the count; dials wake the link every FastMs then anyway).
	FastReportMs int64 `json:"fastReportMs,omitempty"`
}

// Span is a period of wall-clock time, [From, Until) in Unix
// milliseconds (parent and link share the machine's clock).
type Span struct {
	From  int64 `json:"from"`
	Until int64 `json:"until"`
}

// Contains reports whether t falls inside the span.
func (s Span) Contains(t time.Time) bool {
	ms := t.UnixMilli()
	return ms >= s.From && ms < s.Until
}

// Drop ends attempt Attempt: the link closes both sides of the relay and
// answers Closed{Cause: "dropped"} (unless the attempt already closed).
type Drop struct {
	Attempt uint64 `json:"a"`
}

// ReqCurrentTime asks for REQ_CURRENT_TIME (the heartbeat).
type ReqCurrentTime struct {
	Attempt uint64 `json:"a"`
}

// ReqMktData is REQ_MKT_DATA.
type ReqMktData struct {
	Attempt  uint64   `json:"a"`
	Req      int64    `json:"r"`
	Contract Contract `json:"contract"`
	Generic  string   `json:"generic,omitempty"`
	Snapshot bool     `json:"snapshot,omitempty"`
}

// CancelMktData is CANCEL_MKT_DATA.
type CancelMktData struct {
	Attempt uint64 `json:"a"`
	Req     int64  `json:"r"`
}

// ReqMktDataType is REQ_MKT_DATA_TYPE.
type ReqMktDataType struct {
	Attempt uint64         `json:"a"`
	Type    MarketDataType `json:"type"`
}

// ReqContractDetails is REQ_CONTRACT_DATA.
type ReqContractDetails struct {
	Attempt  uint64   `json:"a"`
	Req      int64    `json:"r"`
	Contract Contract `json:"contract"`
}

// ReqSecDefOptParams is REQ_SEC_DEF_OPT_PARAMS.
type ReqSecDefOptParams struct {
	Attempt    uint64 `json:"a"`
	Req        int64  `json:"r"`
	Symbol     string `json:"symbol"`
	FutFopExch string `json:"futFopExch,omitempty"`
	SecType    string `json:"secType"`
	UnderConID int64  `json:"underConId"`
}

// ReqMatchingSymbols is REQ_MATCHING_SYMBOLS.
type ReqMatchingSymbols struct {
	Attempt uint64 `json:"a"`
	Req     int64  `json:"r"`
	Pattern string `json:"pattern"`
}

// Ping asks the link to prove its command loop is alive; it is answered
// by the loop itself, never through the EClient.
type Ping struct {
	Seq uint64 `json:"n"`
}

// Exit asks the link to end now (closing stdin does the same).
type Exit struct{}
