package conn

// The link protocol: how the parent (the supervisor) and the link process
// (which owns the ibapi.EClient) talk over the link's stdin and stdout.
//
// Each message is one line of JSON: {"op":"<name>","m":{...}}. Lines are at
// most MaxLinkLine bytes. Commands flow parent → link, reports flow
// link → parent. Every attempt-scoped message carries the attempt number the
// parent assigned in LinkConnect; a message for another attempt is stale and
// is ignored by both sides.
//
// Lifecycle of one attempt inside the link:
//
//	LinkConnect → dial TWS (LinkClosed{refused|dial_timeout|dial_error})
//	            → hello "v100..200", wait for the server's version reply
//	              (LinkClosed{handshake_timeout|accepted_then_closed|protocol_error})
//	            → LinkHandshake, then a fresh EClient connects through the relay
//	            → LinkReady when NEXT_VALID_ID arrives
//	            → data and LinkTWSError reports, requests from the parent
//	            → LinkClosed{closed_by_tws|client_id_in_use|port_reset|dropped|...}
//
// A link serves any number of attempts that fail before the handshake (no
// EClient is created for them), and at most one attempt that created an
// EClient: after that attempt closes (LinkClosed.EClient true) the parent
// replaces the process, so whatever the library leaked dies with it.

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MaxLinkLine bounds one protocol line in either direction.
const MaxLinkLine = 4 << 20

// LinkProtocolVersion is sent in LinkHello; the parent refuses a link that
// speaks another version (a stale binary).
const LinkProtocolVersion = 2

// LinkMsg is one message of the link protocol.
type LinkMsg interface{ linkOp() string }

// ---- parent → link ----

// LinkConnect starts attempt A: dial Host:Port, negotiate, connect an EClient.
type LinkConnect struct {
	A                  uint64 `json:"a"`
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
	// refusals in batches (LinkRetrying) instead of one LinkClosed each.
	// The supervisor uses it once a run of refusals is established (TWS
	// is down), so that a weekend of refused attempts costs one wake-up of
	// one process per attempt. Any other outcome of a dial ends the loop
	// and the attempt continues (or closes) as usual.
	Retry *LinkRetry `json:"retry,omitempty"`
}

// LinkRetry is the backoff schedule for refused dials inside the link:
// before dial number n (counting from From) it waits a uniformly random
// time in [0, min(Cap, Base·Factor^n)]; the first dial waits DelayMs.
type LinkRetry struct {
	DelayMs  int64   `json:"delayMs"`
	BaseMs   int64   `json:"baseMs"`
	CapMs    int64   `json:"capMs"`
	Factor   float64 `json:"factor"`
	From     int     `json:"from"`
	ReportMs int64   `json:"reportMs"` // how often to send LinkRetrying
	// FastMs is the fixed wait between refused dials made inside one of
	// the Fast spans (the refused-dial fast path); outside them the
	// backoff applies and only those dials advance its exponent.
	FastMs int64      `json:"fastMs,omitempty"`
	Fast   []LinkSpan `json:"fast,omitempty"`
}

// LinkSpan is a period of wall-clock time, [From, Until) in Unix
// milliseconds (parent and link share the machine's clock).
type LinkSpan struct {
	From  int64 `json:"from"`
	Until int64 `json:"until"`
}

// Contains reports whether t falls inside the span.
func (s LinkSpan) Contains(t time.Time) bool {
	ms := t.UnixMilli()
	return ms >= s.From && ms < s.Until
}

// LinkDrop ends attempt A: the link closes both sides of the relay and
// answers LinkClosed{Cause: "dropped"} (unless the attempt already closed).
type LinkDrop struct {
	A uint64 `json:"a"`
}

// LinkReqCurrentTime asks for REQ_CURRENT_TIME (the heartbeat).
type LinkReqCurrentTime struct {
	A uint64 `json:"a"`
}

// LinkReqMktData is REQ_MKT_DATA.
type LinkReqMktData struct {
	A        uint64   `json:"a"`
	R        int64    `json:"r"`
	Contract Contract `json:"contract"`
	Generic  string   `json:"generic,omitempty"`
	Snapshot bool     `json:"snapshot,omitempty"`
}

// LinkCancelMktData is CANCEL_MKT_DATA.
type LinkCancelMktData struct {
	A uint64 `json:"a"`
	R int64  `json:"r"`
}

// LinkReqMktDataType is REQ_MKT_DATA_TYPE.
type LinkReqMktDataType struct {
	A    uint64         `json:"a"`
	Type MarketDataType `json:"type"`
}

// LinkReqContractDetails is REQ_CONTRACT_DATA.
type LinkReqContractDetails struct {
	A        uint64   `json:"a"`
	R        int64    `json:"r"`
	Contract Contract `json:"contract"`
}

// LinkReqSecDefOptParams is REQ_SEC_DEF_OPT_PARAMS.
type LinkReqSecDefOptParams struct {
	A          uint64 `json:"a"`
	R          int64  `json:"r"`
	Symbol     string `json:"symbol"`
	FutFopExch string `json:"futFopExch,omitempty"`
	SecType    string `json:"secType"`
	UnderConID int64  `json:"underConId"`
}

// LinkReqMatchingSymbols is REQ_MATCHING_SYMBOLS.
type LinkReqMatchingSymbols struct {
	A       uint64 `json:"a"`
	R       int64  `json:"r"`
	Pattern string `json:"pattern"`
}

// LinkPing asks the link to prove its command loop is alive; it is answered
// by the loop itself, never through the EClient.
type LinkPing struct {
	N uint64 `json:"n"`
}

// LinkExit asks the link to end now (closing stdin does the same).
type LinkExit struct{}

// ---- link → parent ----

// LinkHello is the first line a link writes.
type LinkHello struct {
	PID      int `json:"pid"`
	Protocol int `json:"protocol"`
}

// LinkRetrying reports refused dials retried inside the link (see
// LinkConnect.Retry) since the last report, and when the next dial is due.
type LinkRetrying struct {
	A       uint64 `json:"a"`
	Refused int    `json:"refused"`
	// Backoff counts the refusals among them retried on the backoff
	// schedule (outside the fast path): they advance its exponent.
	Backoff  int   `json:"backoff,omitempty"`
	NextInMs int64 `json:"nextInMs"`
}

// LinkDialed reports that the TCP connection to TWS is open.
type LinkDialed struct {
	A uint64 `json:"a"`
}

// LinkHandshake reports TWS's version reply (before any EClient exists).
type LinkHandshake struct {
	A              uint64 `json:"a"`
	ServerVersion  int    `json:"serverVersion"`
	ConnectionTime string `json:"connectionTime"`
}

// LinkReady reports NEXT_VALID_ID through the EClient: the API session is up.
type LinkReady struct {
	A           uint64 `json:"a"`
	NextValidID int64  `json:"nextValidId"`
}

// LinkAccounts reports MANAGED_ACCTS.
type LinkAccounts struct {
	A        uint64   `json:"a"`
	Accounts []string `json:"accounts"`
}

// Close causes reported by the link in LinkClosed.Cause.
const (
	LinkCauseRefused            = "refused"
	LinkCauseDialTimeout        = "dial_timeout"
	LinkCauseDialError          = "dial_error"
	LinkCauseHandshakeTimeout   = "handshake_timeout"
	LinkCauseAcceptedThenClosed = "accepted_then_closed"
	LinkCauseClosedByTWS        = "closed_by_tws"
	LinkCauseClientIDInUse      = "client_id_in_use"
	LinkCausePortReset          = "port_reset"
	LinkCauseProtocolError      = "protocol_error"
	LinkCauseLibrary            = "library" // the EClient failed on its own (Connect error, zombie)
	LinkCauseDropped            = "dropped" // the parent asked (LinkDrop)
)

// LinkClosed reports the end of attempt A.
type LinkClosed struct {
	A      uint64 `json:"a"`
	Cause  string `json:"cause"`
	Detail string `json:"detail,omitempty"`
	// EClient is true when an EClient was created for this attempt; the
	// parent then replaces the link process.
	EClient bool `json:"eclient,omitempty"`
	// NewPort is the port named by a 1300 "socket port has been reset".
	NewPort int `json:"newPort,omitempty"`
	// Code is the TWS code seen on the wire just before the close (326, 1300), if any.
	Code int64 `json:"code,omitempty"`
	// Msg is that code's raw text (unsanitised; the parent sanitises).
	Msg string `json:"msg,omitempty"`
	// At is when the link observed the end (Unix nanoseconds), so the
	// parent can tell detection latency from queueing.
	At int64 `json:"at,omitempty"`
}

// LinkTWSError is one Error callback (TWS codes and the library's own codes).
type LinkTWSError struct {
	A        uint64 `json:"a"`
	R        int64  `json:"r"`
	Code     int64  `json:"code"`
	Msg      string `json:"msg"`
	TimeMs   int64  `json:"timeMs,omitempty"`
	Advanced string `json:"advanced,omitempty"`
}

// LinkCurrentTime is a CURRENT_TIME answer (the heartbeat's reply).
type LinkCurrentTime struct {
	A    uint64 `json:"a"`
	Unix int64  `json:"unix"`
}

// LinkTickPrice is TICK_PRICE. Unset prices (UNSET_FLOAT) are not sent.
type LinkTickPrice struct {
	A     uint64  `json:"a"`
	R     int64   `json:"r"`
	Tick  int     `json:"tick"`
	Price float64 `json:"price"`
	Attr  int     `json:"attr,omitempty"` // bit 1 canAutoExecute, 2 pastLimit, 4 preOpen
}

// LinkTickSize is TICK_SIZE (sizes as float64; unset sizes are not sent).
type LinkTickSize struct {
	A    uint64  `json:"a"`
	R    int64   `json:"r"`
	Tick int     `json:"tick"`
	Size float64 `json:"size"`
}

// LinkTickOption is TICK_OPTION_COMPUTATION; nil pointers are "not computed".
type LinkTickOption struct {
	A        uint64   `json:"a"`
	R        int64    `json:"r"`
	Tick     int      `json:"tick"`
	Attr     int      `json:"attr,omitempty"`
	IV       *float64 `json:"iv,omitempty"`
	Delta    *float64 `json:"delta,omitempty"`
	OptPrice *float64 `json:"optPrice,omitempty"`
	PvDiv    *float64 `json:"pvDiv,omitempty"`
	Gamma    *float64 `json:"gamma,omitempty"`
	Vega     *float64 `json:"vega,omitempty"`
	Theta    *float64 `json:"theta,omitempty"`
	UndPrice *float64 `json:"undPrice,omitempty"`
}

// LinkTickGeneric is TICK_GENERIC.
type LinkTickGeneric struct {
	A     uint64  `json:"a"`
	R     int64   `json:"r"`
	Tick  int     `json:"tick"`
	Value float64 `json:"value"`
}

// LinkTickString is TICK_STRING.
type LinkTickString struct {
	A     uint64 `json:"a"`
	R     int64  `json:"r"`
	Tick  int    `json:"tick"`
	Value string `json:"value"`
}

// LinkTickReqParams is TICK_REQ_PARAMS.
type LinkTickReqParams struct {
	A           uint64  `json:"a"`
	R           int64   `json:"r"`
	MinTick     float64 `json:"minTick"`
	BBOExchange string  `json:"bboExchange,omitempty"`
	Permissions int64   `json:"permissions,omitempty"`
}

// LinkMktDataType is MARKET_DATA_TYPE for one request.
type LinkMktDataType struct {
	A    uint64         `json:"a"`
	R    int64          `json:"r"`
	Type MarketDataType `json:"type"`
}

// LinkSnapshotEnd is TICK_SNAPSHOT_END.
type LinkSnapshotEnd struct {
	A uint64 `json:"a"`
	R int64  `json:"r"`
}

// LinkContractDetails is one CONTRACT_DATA row.
type LinkContractDetails struct {
	A       uint64          `json:"a"`
	R       int64           `json:"r"`
	Details ContractDetails `json:"details"`
}

// LinkContractDetailsEnd is CONTRACT_DATA_END.
type LinkContractDetailsEnd struct {
	A uint64 `json:"a"`
	R int64  `json:"r"`
}

// LinkSecDefOptParams is one SECURITY_DEFINITION_OPTION_PARAMETER row.
type LinkSecDefOptParams struct {
	A      uint64       `json:"a"`
	R      int64        `json:"r"`
	Params OptionParams `json:"params"`
}

// LinkSecDefOptParamsEnd is SECURITY_DEFINITION_OPTION_PARAMETER_END.
type LinkSecDefOptParamsEnd struct {
	A uint64 `json:"a"`
	R int64  `json:"r"`
}

// LinkSymbolSamples is SYMBOL_SAMPLES.
type LinkSymbolSamples struct {
	A       uint64         `json:"a"`
	R       int64          `json:"r"`
	Samples []SymbolSample `json:"samples"`
}

// LinkPong answers LinkPing with the link's own health figures.
type LinkPong struct {
	N          uint64 `json:"n"`
	Goroutines int    `json:"goroutines"`
	FDs        int    `json:"fds"`
}

// LinkFatal reports a problem the link cannot recover from (a recovered
// callback panic, a full send queue); the parent kills and replaces it.
type LinkFatal struct {
	Detail string `json:"detail"`
}

func (LinkConnect) linkOp() string            { return "connect" }
func (LinkDrop) linkOp() string               { return "drop" }
func (LinkReqCurrentTime) linkOp() string     { return "req_current_time" }
func (LinkReqMktData) linkOp() string         { return "req_mkt_data" }
func (LinkCancelMktData) linkOp() string      { return "cancel_mkt_data" }
func (LinkReqMktDataType) linkOp() string     { return "req_mkt_data_type" }
func (LinkReqContractDetails) linkOp() string { return "req_contract_details" }
func (LinkReqSecDefOptParams) linkOp() string { return "req_sec_def_opt_params" }
func (LinkReqMatchingSymbols) linkOp() string { return "req_matching_symbols" }
func (LinkPing) linkOp() string               { return "ping" }
func (LinkExit) linkOp() string               { return "exit" }
func (LinkHello) linkOp() string              { return "hello" }
func (LinkDialed) linkOp() string             { return "dialed" }
func (LinkRetrying) linkOp() string           { return "retrying" }
func (LinkHandshake) linkOp() string          { return "handshake" }
func (LinkReady) linkOp() string              { return "ready" }
func (LinkAccounts) linkOp() string           { return "accounts" }
func (LinkClosed) linkOp() string             { return "closed" }
func (LinkTWSError) linkOp() string           { return "tws_error" }
func (LinkCurrentTime) linkOp() string        { return "current_time" }
func (LinkTickPrice) linkOp() string          { return "tick_price" }
func (LinkTickSize) linkOp() string           { return "tick_size" }
func (LinkTickOption) linkOp() string         { return "tick_option" }
func (LinkTickGeneric) linkOp() string        { return "tick_generic" }
func (LinkTickString) linkOp() string         { return "tick_string" }
func (LinkTickReqParams) linkOp() string      { return "tick_req_params" }
func (LinkMktDataType) linkOp() string        { return "mkt_data_type" }
func (LinkSnapshotEnd) linkOp() string        { return "snapshot_end" }
func (LinkContractDetails) linkOp() string    { return "contract_details" }
func (LinkContractDetailsEnd) linkOp() string { return "contract_details_end" }
func (LinkSecDefOptParams) linkOp() string    { return "sec_def_opt_params" }
func (LinkSecDefOptParamsEnd) linkOp() string { return "sec_def_opt_params_end" }
func (LinkSymbolSamples) linkOp() string      { return "symbol_samples" }
func (LinkPong) linkOp() string               { return "pong" }
func (LinkFatal) linkOp() string              { return "fatal" }

var linkFactories = map[string]func() LinkMsg{}

func registerLink(fs ...func() LinkMsg) {
	for _, f := range fs {
		linkFactories[f().linkOp()] = f
	}
}

func init() {
	registerLink(
		func() LinkMsg { return &LinkConnect{} },
		func() LinkMsg { return &LinkDrop{} },
		func() LinkMsg { return &LinkReqCurrentTime{} },
		func() LinkMsg { return &LinkReqMktData{} },
		func() LinkMsg { return &LinkCancelMktData{} },
		func() LinkMsg { return &LinkReqMktDataType{} },
		func() LinkMsg { return &LinkReqContractDetails{} },
		func() LinkMsg { return &LinkReqSecDefOptParams{} },
		func() LinkMsg { return &LinkReqMatchingSymbols{} },
		func() LinkMsg { return &LinkPing{} },
		func() LinkMsg { return &LinkExit{} },
		func() LinkMsg { return &LinkHello{} },
		func() LinkMsg { return &LinkDialed{} },
		func() LinkMsg { return &LinkRetrying{} },
		func() LinkMsg { return &LinkHandshake{} },
		func() LinkMsg { return &LinkReady{} },
		func() LinkMsg { return &LinkAccounts{} },
		func() LinkMsg { return &LinkClosed{} },
		func() LinkMsg { return &LinkTWSError{} },
		func() LinkMsg { return &LinkCurrentTime{} },
		func() LinkMsg { return &LinkTickPrice{} },
		func() LinkMsg { return &LinkTickSize{} },
		func() LinkMsg { return &LinkTickOption{} },
		func() LinkMsg { return &LinkTickGeneric{} },
		func() LinkMsg { return &LinkTickString{} },
		func() LinkMsg { return &LinkTickReqParams{} },
		func() LinkMsg { return &LinkMktDataType{} },
		func() LinkMsg { return &LinkSnapshotEnd{} },
		func() LinkMsg { return &LinkContractDetails{} },
		func() LinkMsg { return &LinkContractDetailsEnd{} },
		func() LinkMsg { return &LinkSecDefOptParams{} },
		func() LinkMsg { return &LinkSecDefOptParamsEnd{} },
		func() LinkMsg { return &LinkSymbolSamples{} },
		func() LinkMsg { return &LinkPong{} },
		func() LinkMsg { return &LinkFatal{} },
	)
}

type linkEnvelope struct {
	Op string          `json:"op"`
	M  json.RawMessage `json:"m,omitempty"`
}

// ErrLinkLineTooLong is returned for a protocol line over MaxLinkLine.
var ErrLinkLineTooLong = errors.New("link protocol: line too long")

// EncodeLinkMsg renders m as one protocol line, newline included.
func EncodeLinkMsg(m LinkMsg) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("link protocol: encode %s: %w", m.linkOp(), err)
	}
	line, err := json.Marshal(linkEnvelope{Op: m.linkOp(), M: body})
	if err != nil {
		return nil, err
	}
	if len(line)+1 > MaxLinkLine {
		return nil, ErrLinkLineTooLong
	}
	return append(line, '\n'), nil
}

// DecodeLinkMsg parses one protocol line (with or without its newline).
// It never panics; unknown ops and malformed bodies are errors. The result
// is a pointer to one of the Link* structs above.
func DecodeLinkMsg(line []byte) (LinkMsg, error) {
	if len(line) > MaxLinkLine {
		return nil, ErrLinkLineTooLong
	}
	var env linkEnvelope
	if err := json.Unmarshal(line, &env); err != nil {
		return nil, fmt.Errorf("link protocol: %w", err)
	}
	f, ok := linkFactories[env.Op]
	if !ok {
		return nil, fmt.Errorf("link protocol: unknown op %q", env.Op)
	}
	m := f()
	if len(env.M) > 0 && string(env.M) != "null" {
		if err := json.Unmarshal(env.M, m); err != nil {
			return nil, fmt.Errorf("link protocol: %s: %w", env.Op, err)
		}
	}
	return m, nil
}
