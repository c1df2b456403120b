package twsim

// histSub is one keepUpToDate historical data request.
type histSub struct{}

func (ss *session) dispatchHistoryLocked(id int, f *fields) bool { return false }

func (s *Server) canFlowHistLocked() bool { return true }

func (ss *session) histUpdateLocked(id int64) {}
