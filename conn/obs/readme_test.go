package obs

import (
	"os"
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/conn"
)

// fixedSource is a supervisor stand-in with fixed values, for tests that
// only need every metric family to exist.
type fixedSource struct{}

func (fixedSource) Status() conn.Status { return conn.Status{State: conn.StateConnected} }

func (fixedSource) Metrics() conn.Metrics {
	return conn.Metrics{ByCode: map[int64]int64{1100: 1}, BySeverity: map[conn.Severity]int64{}}
}

// TestREADMEListsEveryMetric: every ibwatch_ family the exporter serves is
// documented in README.md.
func TestREADMEListsEveryMetric(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	exp := New()
	exp.Attach(fixedSource{})
	fams, err := exp.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fams {
		if name := f.GetName(); strings.HasPrefix(name, "ibwatch_") {
			n++
			if !strings.Contains(string(b), "`"+name) && !strings.Contains(string(b), " `"+name) {
				t.Errorf("README.md does not document %s", name)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d ibwatch_ families", n)
	}
}

// TestUnknownCodesAreBounded: codes TWS makes up cannot grow the series
// without limit, and an admitted code keeps its label.
func TestUnknownCodesAreBounded(t *testing.T) {
	exp := New()
	by := map[int64]int64{1100: 2}
	for c := int64(0); c < maxUnknownCodes+10; c++ {
		by[50000+c] = 1
	}
	series := exp.codeSeries(by)
	labels := map[string]int64{}
	for _, s := range series {
		labels[s.code] += s.n
	}
	if len(labels) != maxUnknownCodes+2 || labels["other"] != 10 || labels["1100"] != 2 {
		t.Fatalf("got %d labels, other=%d", len(labels), labels["other"])
	}
	// A lower unknown code arriving later does not push an admitted one out.
	by[40000] = 1
	for _, s := range exp.codeSeries(by) {
		if s.code == "50000" && s.n != 1 {
			t.Fatal("admitted code lost its series")
		}
		if s.code == "40000" {
			t.Fatal("a code beyond the bound got its own series")
		}
	}
}
