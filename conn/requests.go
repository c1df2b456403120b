package conn

import (
	"context"
	"fmt"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// TWSError is an error TWS returned for a request.
type TWSError struct {
	Code int64
	Msg  string
}

// Error implements error.
func (e *TWSError) Error() string { return fmt.Sprintf("TWS error %d: %s", e.Code, e.Msg) }

type reqKind int

const (
	reqDetails reqKind = iota
	reqSecDef
	reqSymbols
)

// pendingReq is a one-shot request waiting for its answer (supervisor
// goroutine only, except done which the caller reads).
type pendingReq struct {
	kind    reqKind
	details []ContractDetails
	params  []OptionParams
	samples []SymbolSample
	done    chan error // capacity 1
}

func (p *pendingReq) finish(_ any, err error) {
	select {
	case p.done <- err:
	default:
	}
}

// failPending ends every outstanding request with err.
func (s *Supervisor) failPending(err error) {
	for id, p := range s.pending {
		delete(s.pending, id)
		p.finish(nil, err)
	}
}

// oneShot registers p, sends the request built by mk and waits for the
// answer or ctx. It fails with ErrNotConnected unless the session is up.
func (s *Supervisor) oneShot(ctx context.Context, p *pendingReq, mk func(a uint64, r int64) linkproto.Msg) error {
	p.done = make(chan error, 1)
	var id int64
	var err error
	cerr := s.call(ctx, func() {
		if s.phase != phUp {
			err = ErrNotConnected
			return
		}
		s.reqSeq++
		id = s.reqSeq
		s.pending[id] = p
		s.enqueue(mk(s.attempt, id), false)
	})
	if cerr != nil {
		return cerr
	}
	if err != nil {
		return err
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		// Forget the request; its late answer is dropped.
		select {
		case s.cmds <- func() { delete(s.pending, id) }:
		default:
		}
		return ctx.Err()
	case <-s.done:
		return ErrStopped
	}
}

// ContractDetails asks TWS for the contracts matching c (REQ_CONTRACT_DATA).
// An option contract with Strike 0 returns every strike of that expiry.
func (s *Supervisor) ContractDetails(ctx context.Context, c Contract) ([]ContractDetails, error) {
	p := &pendingReq{kind: reqDetails}
	err := s.oneShot(ctx, p, func(a uint64, r int64) linkproto.Msg {
		return &linkproto.ReqContractDetails{Attempt: a, Req: r, Contract: c}
	})
	if err != nil {
		return nil, err
	}
	return p.details, nil
}

// SecDefOptParams asks for option parameters of an underlying
// (REQ_SEC_DEF_OPT_PARAMS): one row per exchange and trading class.
func (s *Supervisor) SecDefOptParams(ctx context.Context, symbol, secType string, underConID int64) ([]OptionParams, error) {
	p := &pendingReq{kind: reqSecDef}
	err := s.oneShot(ctx, p, func(a uint64, r int64) linkproto.Msg {
		return &linkproto.ReqSecDefOptParams{Attempt: a, Req: r, Symbol: symbol, SecType: secType, UnderConID: underConID}
	})
	if err != nil {
		return nil, err
	}
	return p.params, nil
}

// MatchingSymbols asks TWS for symbols matching pattern
// (REQ_MATCHING_SYMBOLS); calls are spaced at least one second apart.
func (s *Supervisor) MatchingSymbols(ctx context.Context, pattern string) ([]SymbolSample, error) {
	p := &pendingReq{kind: reqSymbols}
	err := s.oneShot(ctx, p, func(a uint64, r int64) linkproto.Msg {
		return &linkproto.ReqMatchingSymbols{Attempt: a, Req: r, Pattern: pattern}
	})
	if err != nil {
		return nil, err
	}
	return p.samples, nil
}

// onReply accumulates one-shot answers. The caller reads the accumulated
// slices only after done fires, so there is no shared access.
func (s *Supervisor) onReply(m linkproto.Msg) {
	switch v := m.(type) {
	case *linkproto.ContractData:
		if p, ok := s.pending[v.Req]; ok && p.kind == reqDetails {
			d := v.Details
			d.LongName = Sanitize(d.LongName)
			p.details = append(p.details, d)
		}
	case *linkproto.ContractDataEnd:
		s.finishPending(v.Req)
	case *linkproto.SecDefOptParams:
		if p, ok := s.pending[v.Req]; ok && p.kind == reqSecDef {
			p.params = append(p.params, v.Params)
		}
	case *linkproto.SecDefOptParamsEnd:
		s.finishPending(v.Req)
	case *linkproto.SymbolSamples:
		if p, ok := s.pending[v.Req]; ok && p.kind == reqSymbols {
			for _, smp := range v.Samples {
				smp.Description = Sanitize(smp.Description)
				p.samples = append(p.samples, smp)
			}
		}
		s.finishPending(v.Req)
	}
}

func (s *Supervisor) finishPending(id int64) {
	if p, ok := s.pending[id]; ok {
		delete(s.pending, id)
		p.finish(nil, nil)
	}
}
