package twsim

import (
	"fmt"
	"strings"
)

// TWS's texts for the IB link notices.
const (
	textLinkLost     = "Connectivity between IB and Trader Workstation has been lost."
	textLinkDataLost = "Connectivity between IB and Trader Workstation has been restored - data lost."
	textLinkDataKept = "Connectivity between IB and Trader Workstation has been restored - data maintained."
)

// IBLinkLost simulates TWS losing its connection to IB's servers (the
// nightly reset): sockets stay up, every ready session gets 1100 and a
// "broken" notice per farm (2103/2105/2157), market data stops, and clients
// that connect meanwhile get 2110 after their handshake.
func (s *Server) IBLinkLost() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.st.ibLinkUp {
		return
	}
	s.st.ibLinkUp = false
	for _, f := range farmNames {
		s.st.farms[f] = FarmBroken
	}
	for _, ss := range s.st.sessions {
		if !ss.ready {
			continue
		}
		ss.sendErrorLocked(-1, 1100, textLinkLost)
		for _, f := range farmNames {
			code, text := farmNotice(f, FarmBroken)
			ss.sendErrorLocked(-1, code, text)
		}
	}
	s.recordLocked("ib-link-lost", "")
}

// IBLinkRestored ends an IB link loss: 1102 when dataKept (subscriptions
// survive and resume), else 1101 (every market-data subscription is gone
// and must be requested again), followed by the farm OK notices.
func (s *Server) IBLinkRestored(dataKept bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.ibLinkUp {
		return
	}
	s.linkRestoredLocked(dataKept)
}

func (s *Server) linkRestoredLocked(dataKept bool) {
	s.st.ibLinkUp = true
	for _, f := range farmNames {
		s.st.farms[f] = FarmOK
	}
	code, text := int64(1101), textLinkDataLost
	if dataKept {
		code, text = 1102, textLinkDataKept
	}
	for _, ss := range s.st.sessions {
		if !ss.ready {
			continue
		}
		if !dataKept {
			clear(ss.subs)
		}
		for _, sb := range ss.subs {
			clear(sb.last) // kept lines restart with the current values, even if nothing trades
		}
		ss.sendErrorLocked(-1, code, text)
		for _, f := range farmNames {
			c, t := farmNotice(f, FarmOK)
			ss.sendErrorLocked(-1, c, t)
		}
	}
	detail := "1101 data lost"
	if dataKept {
		detail = "1102 data maintained"
	}
	s.recordLocked("ib-link-restored", detail)
}

// SetFarm reports one data farm broken (ok=false) or OK again. Farms:
// "usfarm" and "usopt" (market data: 2103/2104; stock and option data stop
// while broken), "ushmds" (historical: 2105/2106), "secdefnj" (2157/2158).
// Unknown farm names are logged and ignored.
func (s *Server) SetFarm(farm string, ok bool) {
	st := FarmBroken
	if ok {
		st = FarmOK
	}
	if err := s.SetFarmState(farm, st); err != nil {
		s.log.Warn("twsim: SetFarm", "err", err)
	}
}

// SetFarmState sets a farm OK, broken or inactive (2108 for market farms,
// 2107 for ushmds; the sec-def farm has no inactive state) and notifies
// every ready session.
func (s *Server) SetFarmState(farm string, st FarmState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.farms[farm]; !ok {
		return fmt.Errorf("unknown farm %q (known: %s)", farm, strings.Join(farmNames, ", "))
	}
	if st == FarmInactive && farm == FarmSecDef {
		return fmt.Errorf("farm %s has no inactive state", farm)
	}
	if st < FarmOK || st > FarmInactive {
		return fmt.Errorf("bad farm state %d", st)
	}
	s.setFarmLocked(farm, st)
	return nil
}

func (s *Server) setFarmLocked(farm string, st FarmState) {
	if s.st.farms[farm] == FarmBroken && st != FarmBroken {
		for _, ss := range s.st.sessions {
			for _, sb := range ss.subs {
				if sb.in.farm() == farm {
					clear(sb.last) // the farm is back: its lines restart with the current values
				}
			}
		}
	}
	s.st.farms[farm] = st
	code, text := farmNotice(farm, st)
	for _, ss := range s.st.sessions {
		if ss.ready {
			ss.sendErrorLocked(-1, code, text)
		}
	}
	s.recordLocked("farm", fmt.Sprintf("%s %s (%d)", farm, st, code))
}
