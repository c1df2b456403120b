package wire

// Incoming message ids (server → client) used by ibwatch, as text at server
// versions ≤ 200.
const (
	InTickPrice        = 1
	InTickSize         = 2
	InErrMsg           = 4
	InNextValidID      = 9
	InContractData     = 10
	InManagedAccts     = 15
	InTickOptionComp   = 21
	InTickGeneric      = 45
	InTickString       = 46
	InCurrentTime      = 49
	InContractDataEnd  = 52
	InTickSnapshotEnd  = 57
	InMarketDataType   = 58
	InSecDefOptParam   = 75
	InSecDefOptEnd     = 76
	InSymbolSamples    = 79
	InTickReqParams    = 81
	InCurrentTimeMilli = 109
)

// Outgoing message ids (client → server).
const (
	OutReqMktData          = 1
	OutCancelMktData       = 2
	OutPlaceOrder          = 3
	OutCancelOrder         = 4
	OutReqIDs              = 8
	OutReqContractData     = 9
	OutReqCurrentTime      = 49
	OutReqMktDataType      = 59
	OutReqGlobalCancel     = 58
	OutStartAPI            = 71
	OutReqSecDefOptParams  = 78
	OutReqMatchingSymbols  = 81
	OutReqCurrentTimeMilli = 105
)

// Server versions that change layouts the simulator and relay care about.
const (
	VerMin             = 100 // oldest client version we accept
	VerErrorTime       = 194 // ERR_MSG loses its version field, gains errorTime
	VerCurrentTimeMs   = 197 // REQ_CURRENT_TIME_IN_MILLIS
	VerClassicMax      = 200 // last version with text message ids
	VerSizeRules       = 164 // versionless CONTRACT_DATA
	VerAdvancedReject  = 166 // advancedOrderRejectJson in ERR_MSG
	VerBondIssuerID    = 176 // SYMBOL_SAMPLES description/issuerId
	VerLastTradeDate   = 182 // CONTRACT_DATA lastTradeDate
	VerIneligibility   = 186 // CONTRACT_DATA ineligibility reasons
	VerPriceBasedVol   = 156 // tickAttrib in TICK_OPTION_COMPUTATION
	VerOptCapabilities = 72  // START_API optional capabilities field
)
