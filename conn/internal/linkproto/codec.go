package linkproto

import (
	"encoding/json"
	"errors"
	"fmt"
)

func (Connect) linkOp() string            { return "connect" }
func (Drop) linkOp() string               { return "drop" }
func (ReqCurrentTime) linkOp() string     { return "req_current_time" }
func (ReqMktData) linkOp() string         { return "req_mkt_data" }
func (CancelMktData) linkOp() string      { return "cancel_mkt_data" }
func (ReqMktDataType) linkOp() string     { return "req_mkt_data_type" }
func (ReqContractDetails) linkOp() string { return "req_contract_details" }
func (ReqSecDefOptParams) linkOp() string { return "req_sec_def_opt_params" }
func (ReqMatchingSymbols) linkOp() string { return "req_matching_symbols" }
func (Ping) linkOp() string               { return "ping" }
func (Exit) linkOp() string               { return "exit" }
func (Hello) linkOp() string              { return "hello" }
func (Dialed) linkOp() string             { return "dialed" }
func (Retrying) linkOp() string           { return "retrying" }
func (Handshake) linkOp() string          { return "handshake" }
func (Ready) linkOp() string              { return "ready" }
func (Accounts) linkOp() string           { return "accounts" }
func (Closed) linkOp() string             { return "closed" }
func (TWSError) linkOp() string           { return "tws_error" }
func (CurrentTime) linkOp() string        { return "current_time" }
func (TickPrice) linkOp() string          { return "tick_price" }
func (TickSize) linkOp() string           { return "tick_size" }
func (TickOption) linkOp() string         { return "tick_option" }
func (TickGeneric) linkOp() string        { return "tick_generic" }
func (TickString) linkOp() string         { return "tick_string" }
func (TickReqParams) linkOp() string      { return "tick_req_params" }
func (MktDataType) linkOp() string        { return "mkt_data_type" }
func (SnapshotEnd) linkOp() string        { return "snapshot_end" }
func (ContractData) linkOp() string       { return "contract_details" }
func (ContractDataEnd) linkOp() string    { return "contract_details_end" }
func (SecDefOptParams) linkOp() string    { return "sec_def_opt_params" }
func (SecDefOptParamsEnd) linkOp() string { return "sec_def_opt_params_end" }
func (SymbolSamples) linkOp() string      { return "symbol_samples" }
func (Pong) linkOp() string               { return "pong" }
func (Fatal) linkOp() string              { return "fatal" }

var linkFactories = map[string]func() Msg{}

func registerLink(fs ...func() Msg) {
	for _, f := range fs {
		linkFactories[f().linkOp()] = f
	}
}

func init() {
	registerLink(
		func() Msg { return &Connect{} },
		func() Msg { return &Drop{} },
		func() Msg { return &ReqCurrentTime{} },
		func() Msg { return &ReqMktData{} },
		func() Msg { return &CancelMktData{} },
		func() Msg { return &ReqMktDataType{} },
		func() Msg { return &ReqContractDetails{} },
		func() Msg { return &ReqSecDefOptParams{} },
		func() Msg { return &ReqMatchingSymbols{} },
		func() Msg { return &Ping{} },
		func() Msg { return &Exit{} },
		func() Msg { return &Hello{} },
		func() Msg { return &Dialed{} },
		func() Msg { return &Retrying{} },
		func() Msg { return &Handshake{} },
		func() Msg { return &Ready{} },
		func() Msg { return &Accounts{} },
		func() Msg { return &Closed{} },
		func() Msg { return &TWSError{} },
		func() Msg { return &CurrentTime{} },
		func() Msg { return &TickPrice{} },
		func() Msg { return &TickSize{} },
		func() Msg { return &TickOption{} },
		func() Msg { return &TickGeneric{} },
		func() Msg { return &TickString{} },
		func() Msg { return &TickReqParams{} },
		func() Msg { return &MktDataType{} },
		func() Msg { return &SnapshotEnd{} },
		func() Msg { return &ContractData{} },
		func() Msg { return &ContractDataEnd{} },
		func() Msg { return &SecDefOptParams{} },
		func() Msg { return &SecDefOptParamsEnd{} },
		func() Msg { return &SymbolSamples{} },
		func() Msg { return &Pong{} },
		func() Msg { return &Fatal{} },
	)
}

type linkEnvelope struct {
	Op string          `json:"op"`
	M  json.RawMessage `json:"m,omitempty"`
}

// ErrLineTooLong is returned for a protocol line over MaxLine.
var ErrLineTooLong = errors.New("link protocol: line too long")

// Encode renders m as one protocol line, newline included.
func Encode(m Msg) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("link protocol: encode %s: %w", m.linkOp(), err)
	}
	line, err := json.Marshal(linkEnvelope{Op: m.linkOp(), M: body})
	if err != nil {
		return nil, err
	}
	if len(line)+1 > MaxLine {
		return nil, ErrLineTooLong
	}
	return append(line, '\n'), nil
}

// Decode parses one protocol line (with or without its newline).
// It never panics; unknown ops and malformed bodies are errors. The result
// is a pointer to one of the message structs of this package.
func Decode(line []byte) (Msg, error) {
	if len(line) > MaxLine {
		return nil, ErrLineTooLong
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

// AttemptOf returns the attempt number a report is scoped to; ok is false
// for messages that belong to no attempt (Hello, Pong, Fatal, commands).
func AttemptOf(m Msg) (uint64, bool) {
	switch v := m.(type) {
	case *Dialed:
		return v.Attempt, true
	case *Handshake:
		return v.Attempt, true
	case *Ready:
		return v.Attempt, true
	case *Accounts:
		return v.Attempt, true
	case *Closed:
		return v.Attempt, true
	case *Retrying:
		return v.Attempt, true
	case *TWSError:
		return v.Attempt, true
	case *CurrentTime:
		return v.Attempt, true
	case *TickPrice:
		return v.Attempt, true
	case *TickSize:
		return v.Attempt, true
	case *TickOption:
		return v.Attempt, true
	case *TickGeneric:
		return v.Attempt, true
	case *TickString:
		return v.Attempt, true
	case *TickReqParams:
		return v.Attempt, true
	case *MktDataType:
		return v.Attempt, true
	case *SnapshotEnd:
		return v.Attempt, true
	case *ContractData:
		return v.Attempt, true
	case *ContractDataEnd:
		return v.Attempt, true
	case *SecDefOptParams:
		return v.Attempt, true
	case *SecDefOptParamsEnd:
		return v.Attempt, true
	case *SymbolSamples:
		return v.Attempt, true
	}
	return 0, false
}
