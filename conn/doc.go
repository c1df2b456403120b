// Package conn keeps one API session to TWS or IB Gateway healthy and
// serves market data and contract queries over it.
//
// How the pieces fit:
//
//   - Supervisor (New, Run) is one goroutine that owns every piece of
//     connection state: it spawns the link, decides when to connect, retry,
//     back off or stand down (Schedule, Backoff, the TWS codes in codes.go),
//     sends the heartbeat, paces requests and re-opens subscriptions after a
//     reconnect. Callers talk to it only through its methods (Status,
//     Subscribe, ContractDetails, …), which hand work to that goroutine.
//   - The link is a child process (package conn/link, started as
//     this executable with the argument "link", see Config.LinkCommand) that alone holds the scmhub/ibapi
//     client and the TCP socket to TWS. The supervisor and the link speak a
//     line-of-JSON protocol (package conn/internal/linkproto) over the
//     child's stdin and stdout; a link that misbehaves is killed and
//     replaced, so the library's leaks and panics never reach the dashboard.
//   - Events (Event, Events) report every transition and TWS message to the
//     user, sanitised (Sanitize: text from TWS is untrusted); the Journal
//     writes them to disk so the next start can show what happened
//     (LoadJournal). Metrics counts them for conn/obs, the Prometheus and
//     health endpoint.
//   - conn/twsim is the TWS simulator: the server side of the real wire
//     protocol with fault controls, used by every test and by `ibwatch sim`.
//     conn/ibc is a client for the command server of IBC (which restarts
//     TWS), used by the remedies in remedy.go; conn/wire holds the framing of
//     the TWS socket protocol shared by the simulator and the link.
package conn
