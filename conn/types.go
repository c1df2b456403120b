package conn

import "github.com/ibwatch/ibwatch/conn/internal/linkproto"

// The data types below travel over the link protocol, so they are defined
// in the protocol package (which the link process shares); conn names them
// here because they are also what a user of the supervisor requests and
// receives.

// Contract is the subset of an IB contract that ibwatch requests and shows.
// Strike 0 means "not set".
type Contract = linkproto.Contract

// ContractDetails is one CONTRACT_DATA answer, reduced to what we use.
type ContractDetails = linkproto.ContractDetails

// OptionParams is one SECURITY_DEFINITION_OPTION_PARAMETER row.
type OptionParams = linkproto.OptionParams

// SymbolSample is one SYMBOL_SAMPLES row.
type SymbolSample = linkproto.SymbolSample

// MarketDataType is TWS's market data mode (live, frozen, delayed…).
type MarketDataType = linkproto.MarketDataType

// Market data types as TWS numbers them.
const (
	MDUnknown       = linkproto.MDUnknown
	MDLive          = linkproto.MDLive
	MDFrozen        = linkproto.MDFrozen
	MDDelayed       = linkproto.MDDelayed
	MDDelayedFrozen = linkproto.MDDelayedFrozen
)

// Backoff is exponential backoff with full jitter (see linkproto.Backoff:
// the link retries refused dials on the same schedule).
type Backoff = linkproto.Backoff
