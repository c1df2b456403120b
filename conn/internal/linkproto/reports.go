package linkproto

// ---- link → parent ----

// Hello is the first line a link writes.
type Hello struct {
	PID      int `json:"pid"`
	Protocol int `json:"protocol"`
}

// Retrying reports refused dials retried inside the link (see
// Connect.Retry) since the last report, and when the next dial is due.
type Retrying struct {
	Attempt uint64 `json:"a"`
	Refused int    `json:"refused"`
	// Backoff counts the refusals among them retried on the backoff
	// schedule (outside the fast path): they advance its exponent.
	Backoff  int   `json:"backoff,omitempty"`
	NextInMs int64 `json:"nextInMs"`
}

// Dialed reports that the TCP connection to TWS is open.
type Dialed struct {
	Attempt uint64 `json:"a"`
}

// Handshake reports TWS's version reply (before any EClient exists).
type Handshake struct {
	Attempt        uint64 `json:"a"`
	ServerVersion  int    `json:"serverVersion"`
	ConnectionTime string `json:"connectionTime"`
}

// Ready reports NEXT_VALID_ID through the EClient: the API session is up.
type Ready struct {
	Attempt     uint64 `json:"a"`
	NextValidID int64  `json:"nextValidId"`
}

// Accounts reports MANAGED_ACCTS.
type Accounts struct {
	Attempt  uint64   `json:"a"`
	Accounts []string `json:"accounts"`
}

// Close causes reported by the link in Closed.Cause.
const (
	CauseRefused            = "refused"
	CauseDialTimeout        = "dial_timeout"
	CauseDialError          = "dial_error"
	CauseHandshakeTimeout   = "handshake_timeout"
	CauseAcceptedThenClosed = "accepted_then_closed"
	CauseClosedByTWS        = "closed_by_tws"
	CauseClientIDInUse      = "client_id_in_use"
	CausePortReset          = "port_reset"
	CauseProtocolError      = "protocol_error"
	CauseLibrary            = "library" // the EClient failed on its own (Connect error, zombie)
	CauseDropped            = "dropped" // the parent asked (Drop)
)

// Closed reports the end of attempt Attempt.
type Closed struct {
	Attempt uint64 `json:"a"`
	Cause   string `json:"cause"`
	Detail  string `json:"detail,omitempty"`
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

// TWSError is one Error callback (TWS codes and the library's own codes).
type TWSError struct {
	Attempt  uint64 `json:"a"`
	Req      int64  `json:"r"`
	Code     int64  `json:"code"`
	Msg      string `json:"msg"`
	TimeMs   int64  `json:"timeMs,omitempty"`
	Advanced string `json:"advanced,omitempty"`
}

// CurrentTime is a CURRENT_TIME answer (the heartbeat's reply).
type CurrentTime struct {
	Attempt uint64 `json:"a"`
	Unix    int64  `json:"unix"`
}

// TickPrice is TICK_PRICE. Unset prices (UNSET_FLOAT) are not sent.
type TickPrice struct {
	Attempt uint64  `json:"a"`
	Req     int64   `json:"r"`
	Tick    int     `json:"tick"`
	Price   float64 `json:"price"`
	Attr    int     `json:"attr,omitempty"` // bit 1 canAutoExecute, 2 pastLimit, 4 preOpen
}

// TickSize is TICK_SIZE (sizes as float64; unset sizes are not sent).
type TickSize struct {
	Attempt uint64  `json:"a"`
	Req     int64   `json:"r"`
	Tick    int     `json:"tick"`
	Size    float64 `json:"size"`
}

// TickOption is TICK_OPTION_COMPUTATION; nil pointers are "not computed".
type TickOption struct {
	Attempt  uint64   `json:"a"`
	Req      int64    `json:"r"`
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

// TickGeneric is TICK_GENERIC.
type TickGeneric struct {
	Attempt uint64  `json:"a"`
	Req     int64   `json:"r"`
	Tick    int     `json:"tick"`
	Value   float64 `json:"value"`
}

// TickString is TICK_STRING.
type TickString struct {
	Attempt uint64 `json:"a"`
	Req     int64  `json:"r"`
	Tick    int    `json:"tick"`
	Value   string `json:"value"`
}

// TickReqParams is TICK_REQ_PARAMS.
type TickReqParams struct {
	Attempt     uint64  `json:"a"`
	Req         int64   `json:"r"`
	MinTick     float64 `json:"minTick"`
	BBOExchange string  `json:"bboExchange,omitempty"`
	Permissions int64   `json:"permissions,omitempty"`
}

// MktDataType is MARKET_DATA_TYPE for one request.
type MktDataType struct {
	Attempt uint64         `json:"a"`
	Req     int64          `json:"r"`
	Type    MarketDataType `json:"type"`
}

// SnapshotEnd is TICK_SNAPSHOT_END.
type SnapshotEnd struct {
	Attempt uint64 `json:"a"`
	Req     int64  `json:"r"`
}

// ContractData is one CONTRACT_DATA row.
type ContractData struct {
	Attempt uint64          `json:"a"`
	Req     int64           `json:"r"`
	Details ContractDetails `json:"details"`
}

// ContractDataEnd is CONTRACT_DATA_END.
type ContractDataEnd struct {
	Attempt uint64 `json:"a"`
	Req     int64  `json:"r"`
}

// SecDefOptParams is one SECURITY_DEFINITION_OPTION_PARAMETER row.
type SecDefOptParams struct {
	Attempt uint64       `json:"a"`
	Req     int64        `json:"r"`
	Params  OptionParams `json:"params"`
}

// SecDefOptParamsEnd is SECURITY_DEFINITION_OPTION_PARAMETER_END.
type SecDefOptParamsEnd struct {
	Attempt uint64 `json:"a"`
	Req     int64  `json:"r"`
}

// SymbolSamples is SYMBOL_SAMPLES.
type SymbolSamples struct {
	Attempt uint64         `json:"a"`
	Req     int64          `json:"r"`
	Samples []SymbolSample `json:"samples"`
}

// Pong answers Ping with the link's own health figures.
type Pong struct {
	Seq        uint64 `json:"n"`
	Goroutines int    `json:"goroutines"`
	FDs        int    `json:"fds"`
}

// Fatal reports a problem the link cannot recover from (a recovered
// callback panic, a full send queue); the parent kills and replaces it.
type Fatal struct {
	Detail string `json:"detail"`
}
