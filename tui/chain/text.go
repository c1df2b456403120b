package chain

import "github.com/ibwatch/ibwatch/tui/internal/textfit"

// fit, truncate, padRight, sanitize and joinFit are the dashboard's text rules
// (package textfit) under the short names the pane's code uses.
func fit(s string, w int) string                       { return textfit.Fit(s, w) }
func truncate(s string, w int) string                  { return textfit.Truncate(s, w) }
func padRight(s string, w int) string                  { return textfit.PadRight(s, w) }
func sanitize(s string) string                         { return textfit.Sanitize(s) }
func joinFit(parts []string, sep string, w int) string { return textfit.JoinFit(parts, sep, w) }
