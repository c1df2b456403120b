// Package scanner finds symbols and builds live option chains on top of the
// connection supervisor (package conn). It is plain Go: no Bubble Tea, no
// terminal. The TUI wraps its calls in Cmds; the one-shot CLI
// (`ibwatch chain`, see ChainMain) uses it directly.
//
// The parts:
//
//   - Searcher ranks ticker candidates (deals, watchlist, recent searches,
//     TWS's own matches, the built-in list) with github.com/sahilm/fuzzy.
//     TWSLookup asks TWS (REQ_MATCHING_SYMBOLS) debounced and at most once a
//     second.
//   - Fetcher reads chain definitions (underlying details, expiries, the
//     strikes of one expiry) through the supervisor and caches them for the
//     session; Fetcher.Open subscribes a window of strikes and returns a
//     Chain whose Snapshot is the table the user sees.
//   - ComputeLens is the merger-arbitrage lens: pure arithmetic that never
//     returns NaN or Inf (a Num is either a finite value or "not available").
//   - Format* turn NaN, Inf and absurd values into blanks for display.
//
// Generations: every request that the UI may fire repeatedly (a keystroke, a
// symbol or expiry switch) carries a caller-chosen generation number, and
// every answer carries it back, so the UI can drop answers older than what
// it currently expects. Work that a newer generation makes pointless ends
// early with ErrSuperseded.
//
// Lines: a Fetcher holds at most one open Chain. Opening another (a new
// symbol or expiry) closes every line of the previous one first, and a chain
// never asks for more lines than FetcherOptions.MaxLines, so a user flipping
// expiries quickly cannot push TWS past its market-data line limit. After a
// reconnect or a 1101 the supervisor re-requests the same subscriptions; a
// Chain keeps reading them and shows "stale" until data flows again.
//
// Driving it from a Bubble Tea model (a sketch; every call below that
// talks to TWS runs in a Cmd, never in Update):
//
//   - keystroke in the search box: gen++; items := searcher.Rank(q, gen)
//     in Update (< 5 ms for 10,000 candidates), and a Cmd running
//     lookup.Lookup(ctx, q, gen) that returns TWSAnswer as a message;
//     ErrSuperseded means "ignore". On the answer: if searcher.AddTWS(gen,
//     samples), rank the current query again.
//   - enter / [ ] / ←/→: gen++; a Cmd runs fetcher.FetchChain(ctx,
//     ChainRequest{Gen: gen, …, Notify: ch}) (or Open with the cached
//     Definition and StepExpiry) and returns the *Chain; drop it when its
//     Gen is older than the model's (Fetcher already closed it).
//   - streaming: a Cmd that waits on Notify (capacity 1) or Chain.Changed
//     and returns chain.Snapshot() as a message; Update stores it, rebuilds
//     the cached table and re-arms the Cmd. Snapshot.Badge is the label,
//     Rows[i].Money the money line, Side.ITM the shading, Snapshot.Lens
//     the deal view; Format* give the cell strings.
//   - scrolling: a Cmd runs chain.Scroll(ctx, ±n); leaving the pane: a Cmd
//     runs fetcher.Close().
package scanner
