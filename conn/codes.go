package conn

import (
	"fmt"
	"slices"
)

// CodeInfo is the catalogue entry for one TWS (or client-library) code.
type CodeInfo struct {
	Code     int64
	Severity Severity
	// Name is a short label ("IB link lost").
	Name string
	// Explain is a one-line plain explanation of what happened.
	Explain string
	// Action tells the user what to do (empty when nothing is needed).
	Action string
	// FromClient is true for codes the client library makes up locally.
	FromClient bool
}

// codeCatalogue holds the TWS error and status codes a connection dashboard
// must know (pacing, market data lines, client id in use, the 1100/1101/1102
// link cycle, farm status, socket port reset, the client library's own
// 5xx codes) and a few close relatives. Keep it sorted by code.
var codeCatalogue = map[int64]CodeInfo{
	100:   {Severity: SevError, Name: "pacing violation", Explain: "More than 50 API messages per second; TWS ends the session after the third violation.", Action: "ibwatch paces itself below this; report it if you see it."},
	101:   {Severity: SevError, Name: "too many market data lines", Explain: "The market data line limit (usually 100) is reached.", Action: "Close chains or subscriptions you do not need."},
	102:   {Severity: SevError, Name: "duplicate ticker id", Explain: "A market data request reused a live request id."},
	162:   {Severity: SevWarning, Name: "historical data error", Explain: "Historical market data service error."},
	200:   {Severity: SevWarning, Name: "no security definition", Explain: "TWS knows no contract matching the request (or it is ambiguous).", Action: "Check the symbol, expiry, strike and exchange."},
	300:   {Severity: SevWarning, Name: "unknown ticker id", Explain: "A cancel named a market data request TWS does not know."},
	321:   {Severity: SevError, Name: "request rejected", Explain: "TWS could not validate an API request (e.g. a snapshot with generic ticks, or the API is read-only).", Action: "See the text for the cause."},
	322:   {Severity: SevError, Name: "request failed", Explain: "TWS failed to process an API request (e.g. a duplicate ticker id)."},
	326:   {Severity: SevConnectivity, Name: "client id in use", Explain: "Another API client (or a dead session TWS has not noticed yet) holds this client id.", Action: "ibwatch retries once, then tries the alternate ids; close the other client or configure more ids."},
	354:   {Severity: SevWarning, Name: "not subscribed", Explain: "No market data subscription for this instrument.", Action: "ibwatch falls back to delayed data."},
	501:   {Severity: SevWarning, Name: "already connected", Explain: "The client library was asked to connect twice.", FromClient: true},
	502:   {Severity: SevConnectivity, Name: "cannot connect", Explain: "The client library could not open a socket to TWS.", Action: "Is TWS/Gateway running, is the API enabled, is the port right?", FromClient: true},
	503:   {Severity: SevError, Name: "TWS out of date", Explain: "TWS is too old for a request.", Action: "Upgrade TWS/Gateway.", FromClient: true},
	504:   {Severity: SevWarning, Name: "not connected", Explain: "A request was made while the library was not connected.", FromClient: true},
	505:   {Severity: SevError, Name: "unknown message id", Explain: "The client library received a message it does not know.", FromClient: true},
	506:   {Severity: SevError, Name: "unsupported version", Explain: "TWS answered with a server version the client does not support.", FromClient: true},
	507:   {Severity: SevConnectivity, Name: "bad message length", Explain: "The socket ended or broke mid-message (TWS closed, locked, or the client id was in use).", FromClient: true},
	508:   {Severity: SevError, Name: "bad message", Explain: "The client library could not decode a message from TWS.", FromClient: true},
	509:   {Severity: SevConnectivity, Name: "socket exception", Explain: "Reading from the TWS socket failed.", FromClient: true},
	520:   {Severity: SevConnectivity, Name: "failed to create socket", Explain: "The client library could not create a socket.", FromClient: true},
	1100:  {Severity: SevConnectivity, Name: "IB link lost", Explain: "TWS lost its connection to IB's servers (internet problem, nightly server reset, or a competing session).", Action: "Wait: TWS restores it by itself; check TWS's own status bar if it lasts."},
	1101:  {Severity: SevConnectivity, Name: "IB link restored, data lost", Explain: "TWS is back in touch with IB, but market data subscriptions were lost.", Action: "ibwatch resubscribes automatically."},
	1102:  {Severity: SevConnectivity, Name: "IB link restored, data kept", Explain: "TWS is back in touch with IB and subscriptions survived."},
	1300:  {Severity: SevConnectivity, Name: "socket port reset", Explain: "TWS changed its API port and is dropping this connection.", Action: "ibwatch reconnects on the new port; update your configuration."},
	2103:  {Severity: SevWarning, Name: "market data farm broken", Explain: "A market data farm is disconnected; quotes from it stop.", Action: "Usually recovers within seconds; ibwatch re-requests data when it does."},
	2104:  {Severity: SevInfo, Name: "market data farm OK", Explain: "A market data farm is connected (expected at connect)."},
	2105:  {Severity: SevWarning, Name: "historical farm broken", Explain: "A historical data farm is disconnected."},
	2106:  {Severity: SevInfo, Name: "historical farm OK", Explain: "A historical data farm is connected."},
	2107:  {Severity: SevInfo, Name: "historical farm inactive", Explain: "A historical data farm is inactive but available on demand."},
	2108:  {Severity: SevInfo, Name: "market data farm inactive", Explain: "A market data farm is inactive but available on demand."},
	2110:  {Severity: SevConnectivity, Name: "TWS not connected to IB", Explain: "TWS is running but its own connection to IB's servers is broken; it will restore it automatically.", Action: "Wait, or check TWS's network and login."},
	2119:  {Severity: SevInfo, Name: "market data farm connecting", Explain: "A market data farm is connecting."},
	2157:  {Severity: SevWarning, Name: "sec-def farm broken", Explain: "The security definition farm is disconnected; contract look-ups may fail."},
	2158:  {Severity: SevInfo, Name: "sec-def farm OK", Explain: "The security definition farm is connected."},
	10089: {Severity: SevWarning, Name: "subscription needed", Explain: "Live data for this instrument needs an additional subscription; delayed data is available.", Action: "ibwatch switches this request to delayed data."},
	10090: {Severity: SevWarning, Name: "partly subscribed", Explain: "Part of the requested market data is not subscribed (e.g. no live Greeks without the underlying's subscription).", Action: "ibwatch switches this request to delayed data."},
	10091: {Severity: SevWarning, Name: "subscription needed", Explain: "Live data needs an additional API subscription; delayed data is available."},
	10167: {Severity: SevInfo, Name: "delayed data", Explain: "Not subscribed to live data: showing delayed (15–20 min) data."},
	10186: {Severity: SevWarning, Name: "delayed data disabled", Explain: "Not subscribed, and delayed market data is not enabled in TWS.", Action: "Enable delayed data in TWS (Global Configuration → API) or subscribe."},
	10197: {Severity: SevWarning, Name: "competing session", Explain: "No market data while another session (e.g. live vs paper) uses the same user.", Action: "Log out the other session."},
}

// LookupCode returns the catalogue entry for code. Unknown codes get a
// generic entry graded by IB's ranges (2100–2169 are warnings) so that they
// are still shown with a sensible severity.
func LookupCode(code int64) CodeInfo {
	if info, ok := codeCatalogue[code]; ok {
		info.Code = code
		return info
	}
	info := CodeInfo{Code: code, Name: fmt.Sprintf("code %d", code), Explain: "A code ibwatch does not know; see the TWS text."}
	switch {
	case code >= 2100 && code <= 2169:
		info.Severity = SevWarning
	case code >= 1100 && code <= 1300:
		info.Severity = SevConnectivity
	case code >= 10000 && code < 11000:
		info.Severity = SevWarning
	default:
		info.Severity = SevError
	}
	return info
}

// KnownCodes lists every catalogued code, sorted.
func KnownCodes() []int64 {
	out := make([]int64, 0, len(codeCatalogue))
	for c := range codeCatalogue {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Line is the catalogue's explanation and action on one line.
func (c CodeInfo) Line() string {
	if c.Action == "" {
		return c.Explain
	}
	return c.Explain + " " + c.Action
}

// farmFromCode maps farm-status codes to the farm kind and status.
func farmFromCode(code int64) (kind, status string, ok bool) {
	switch code {
	case 2103:
		return FarmMarket, FarmBroken, true
	case 2104:
		return FarmMarket, FarmOK, true
	case 2108:
		return FarmMarket, FarmInactive, true
	case 2119:
		return FarmMarket, FarmBroken, true // connecting: not serving yet
	case 2105:
		return FarmHist, FarmBroken, true
	case 2106:
		return FarmHist, FarmOK, true
	case 2107:
		return FarmHist, FarmInactive, true
	case 2157:
		return FarmSecDef, FarmBroken, true
	case 2158:
		return FarmSecDef, FarmOK, true
	}
	return "", "", false
}
