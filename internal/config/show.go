package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteEffective prints the effective configuration as TOML, each value
// followed by where it came from. The output is itself a valid config file.
func (s *Settings) WriteEffective(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# ibwatch: effective configuration (flags > IBWATCH_* environment > config file > defaults)\n")
	if s.ConfigFound {
		fmt.Fprintf(&b, "# config file: %s\n\n", commentText(s.ConfigPath))
	} else {
		fmt.Fprintf(&b, "# config file: %s (not found; `ibwatch config --init` writes an example)\n\n", commentText(s.ConfigPath))
	}
	lines := make([][2]string, 0, len(settingTable))
	width := 0
	for i := range settingTable {
		st := &settingTable[i]
		kv := st.key + " = " + st.show(s)
		width = max(width, len(kv))
		lines = append(lines, [2]string{kv, commentText(s.origin(st.key).String())})
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "%-*s  # %s\n", width, l[0], l[1])
	}
	s.writeScan(&b)
	if len(s.Deals) == 0 {
		b.WriteString("\n# deals: none\n")
	}
	for _, d := range s.Deals {
		fmt.Fprintf(&b, "\n[deals.%s]  # %s\n", tableKey(d.Symbol), commentText(s.dealOrigin[d.Symbol].String()))
		fmt.Fprintf(&b, "price = %s\n", formatPrice(d.Price))
		if !d.ExpectedClose.IsZero() {
			fmt.Fprintf(&b, "close = %s\n", d.ExpectedClose.Format("2006-01-02"))
		}
		if d.BreakPrice != 0 {
			fmt.Fprintf(&b, "break = %s\n", formatPrice(d.BreakPrice))
		}
		if d.Dividends != 0 {
			fmt.Fprintf(&b, "dividends = %s\n", formatPrice(d.Dividends))
		}
		if d.Prob != 0 {
			fmt.Fprintf(&b, "probability = %s\n", formatPrice(d.Prob))
		}
		ds := s.dealSel[d.Symbol]
		for _, k := range selKeys {
			if ds.set[k.key] {
				fmt.Fprintf(&b, "%s = %s\n", k.key, k.show(ds.sel))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// formatPrice writes a price as a TOML number that reads back to the same
// float64: the shortest decimal that does. The loader keeps prices positive
// and below maxDealPrice, so the text never takes an exponent (1e+20 would
// be written as an integer too large for TOML) and an integral price ("95")
// is a small TOML integer, which the loader reads as a price too.
func formatPrice(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// commentText keeps a file name in a TOML comment on its line: a newline
// in it (--config $'a\nb') would end the comment and break the output.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// tableKey quotes a symbol that is not a bare TOML key ("BRK.B", "BRK B").
func tableKey(sym string) string {
	for _, r := range sym {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return quote(sym)
		}
	}
	return sym
}

// exampleConfig is the commented file `ibwatch config --init` writes: every
// key with its default, commented out, and an example deal.
func exampleConfig() string {
	def := defaultSettings()
	var b strings.Builder
	b.WriteString(`# ibwatch configuration (TOML).
#
# Every key is optional; each is shown commented out with its default.
# Precedence: command-line flags > IBWATCH_* environment variables > this file
# > defaults. Each key's variable is IBWATCH_ + the key in capitals (heartbeat
# -> IBWATCH_HEARTBEAT), its flag the key with dashes (--heartbeat). Run
# "ibwatch config" to see the effective values and where each came from.
# Durations are strings like "250ms", "5s", "10m".
`)
	for i := range settingTable {
		st := &settingTable[i]
		b.WriteString("\n")
		for _, l := range strings.Split(st.doc, "\n") {
			b.WriteString("# " + l + "\n")
		}
		fmt.Fprintf(&b, "#%s = %s\n", st.key, st.show(def))
	}
	b.WriteString(`
# The merger-arbitrage scan (ibwatch scan, and the dashboard's scan pane):
# which expiries and strikes it prices for every deal, how it ranks and
# filters them. Only in this file; ibwatch scan's flags win (--days-before,
# --long 0.8-1, --sort ev, --min-oi 10 …). Fractions of D: 0.95 = 95 %.
#
#[scan]
`)
	for _, k := range selKeys {
		for _, l := range strings.Split(k.doc, "\n") {
			b.WriteString("# " + l + "\n")
		}
		fmt.Fprintf(&b, "#%s = %s\n", k.key, k.show(def.Scan.Selection))
	}
	for _, k := range scanKeys {
		for _, l := range strings.Split(k.doc, "\n") {
			b.WriteString("# " + l + "\n")
		}
		fmt.Fprintf(&b, "#%s = %s\n", k.key, k.show(&def.Scan))
	}
	b.WriteString(`
# Merger-arbitrage deals you follow: one table per target symbol (quote a
# symbol with a dot: [deals."BRK.B"]). The symbol search offers deals first,
# "ibwatch chain SYMBOL" adds the deal lens for them and the scan prices
# their structures. Only in this file. A deal may also set any selection
# key of [scan] (days_before … short_within) for itself.
#
#[deals.XYZ]
#price = 25.50        # cash paid per share at closing (required)
#close = 2026-09-30   # expected closing date (optional)
#break = 18.00        # where the stock would trade if the deal failed (optional)
#dividends = 0.50     # cash per share paid before the close (optional; below price)
#probability = 0.85   # your own completion probability, 0 < p <= 1 (optional;
#                     # without it the market-implied (S - B)/(D - B) is used)
#long = [0.80, 1.00]  # this deal's own long strikes (optional; any [scan] selection key)
`)
	return b.String()
}

// WriteExample writes the commented example of `ibwatch config --init`
// (every key with its default, commented out, and an example deal) to
// path, creating its directory; it refuses to replace an existing file
// unless force.
func WriteExample(path string, force bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists (use --force to replace it)", path)
	}
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, exampleConfig()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// PrintErrors prints an error of Load as ibwatch shows it: each problem on
// its own line, then what to do about them.
func PrintErrors(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(w, "ibwatch:", line)
	}
	fmt.Fprintln(w, "ibwatch: not started: fix the configuration (ibwatch config shows every value and its source)")
}
