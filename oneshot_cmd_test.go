package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/internal/config"
	"github.com/ibwatch/ibwatch/scanner"
)

// TestScanCommandAgainstSim runs the binary a user builds: `ibwatch sim`
// in one process, `ibwatch scan --json` in another with the deals of a
// config file. The JSON ranks the deals' structures; stderr (a pipe, not a
// terminal) gets no progress lines.
func TestScanCommandAgainstSim(t *testing.T) {
	bin := ibwatchBinary(t)
	port, _ := startSimProcess(t, bin)

	cfg := filepath.Join(t.TempDir(), "ibwatch.toml")
	deals := "[deals.BRCV]\nprice = 34.50\nclose = 2027-01-29\nbreak = 24.00\n\n[deals.QRST]\nprice = 11.75\nclose = 2027-02-12\n"
	if err := os.WriteFile(cfg, []byte(deals), 0o600); err != nil {
		t.Fatal(err)
	}
	scan := exec.Command(bin, "scan", "--config", cfg, "--port", fmt.Sprint(port), "--json", "--min-oi", "10")
	scan.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir())
	var out, errb bytes.Buffer
	scan.Stdout, scan.Stderr = &out, &errb
	if err := scan.Run(); err != nil {
		t.Fatalf("ibwatch scan: %v\nstderr:\n%s", err, errb.String())
	}
	if errb.Len() != 0 {
		t.Errorf("stderr is a pipe, yet got %q", errb.String())
	}
	var doc struct {
		Deals []struct {
			Symbol string `json:"symbol"`
		} `json:"deals"`
		Rows []struct {
			Rank      *int   `json:"rank"`
			Symbol    string `json:"symbol"`
			Structure string `json:"structure"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	syms := map[string]bool{}
	for _, r := range doc.Rows {
		syms[r.Symbol] = true
	}
	if len(doc.Deals) != 2 || !syms["BRCV"] || !syms["QRST"] || doc.Rows[0].Rank == nil || *doc.Rows[0].Rank != 1 {
		t.Errorf("deals %+v, rows of %v, first row %+v", doc.Deals, syms, doc.Rows[0])
	}
	if strings.Contains(out.String(), "NaN") {
		t.Error("NaN in the JSON")
	}
}

// TestScanDefaultsComeFromConfig: `ibwatch scan`'s Configure hands the
// config file's [scan] table and each deal's own selection keys to the
// scan as its defaults.
func TestScanDefaultsComeFromConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ibwatch.toml")
	body := "state_dir = \"state\"\n[scan]\ndays_before = 30\nlong = [0.8, 0.95]\nsort = \"ev\"\nmin_oi = 25\nkinds = [\"put_vertical\"]\n" +
		"\n[deals.XYZ]\nprice = 25.5\nclose = 2027-03-31\ndividends = 0.25\nprobability = 0.9\nshort_within = 2\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &oneShot{name: "scan", env: config.OSEnv{}}
	defer c.close()
	d, code := c.configure(cfg)
	if code != scanner.ExitOK {
		t.Fatalf("configure: exit %d", code)
	}
	sel := scanner.DefaultSelection()
	sel.DaysBefore, sel.LongLo, sel.LongHi = 30, 0.8, 0.95
	own := sel
	own.ShortWithin = 2
	if d.Selection != sel || d.PerDeal["XYZ"] != own || d.Sort != scanner.SortEV || d.Filter.MinOI != 25 ||
		len(d.Filter.Kinds) != 1 || !d.Filter.Kinds[scanner.KindPutVertical] {
		t.Errorf("defaults: selection %+v, own %+v, sort %v, filter %+v", d.Selection, d.PerDeal, d.Sort, d.Filter)
	}
	if xyz, ok := scanner.FindDeal(d.Deals, "XYZ"); !ok || xyz.Dividends != 0.25 || xyz.Prob != 0.9 {
		t.Errorf("deal %+v", xyz)
	}
}
