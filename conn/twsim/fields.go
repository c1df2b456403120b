package twsim

import (
	"math"
	"strconv"
	"strings"
)

// fields reads the text fields of one client request in order. Reading past
// the end yields "" (and marks the request short) instead of panicking:
// client input is untrusted.
type fields struct {
	f     []string
	i     int
	short bool
	bad   string // first field that failed to parse, for the error text
}

func newFields(f []string) *fields { return &fields{f: f} }

// str returns the next field ("" past the end).
func (p *fields) str() string {
	if p.i >= len(p.f) {
		p.short = true
		p.i++
		return ""
	}
	v := p.f[p.i]
	p.i++
	return v
}

// intOK returns the next field as an integer; an empty field is (0, false)
// without marking the request bad.
func (p *fields) intOK() (int64, bool) {
	s := strings.TrimSpace(p.str())
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if p.bad == "" {
			p.bad = s
		}
		return 0, false
	}
	return v, true
}

// int returns the next field as an integer, 0 when empty or malformed.
func (p *fields) int() int64 {
	v, _ := p.intOK()
	return v
}

// float returns the next field as a float; empty → (0, false). Double.MAX
// (TWS's unset) also reads as unset.
func (p *fields) float() (float64, bool) {
	s := strings.TrimSpace(p.str())
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		if p.bad == "" {
			p.bad = s
		}
		return 0, false
	}
	if v >= math.MaxFloat64 {
		return 0, false
	}
	return v, true
}

// bool returns the next field as a 0/1 boolean ("" is false).
func (p *fields) bool() bool {
	s := strings.TrimSpace(p.str())
	return s == "1" || strings.EqualFold(s, "true")
}

// skip drops n fields.
func (p *fields) skip(n int) {
	for range n {
		p.str()
	}
}

// itoa formats an int64.
func itoa(v int64) string { return strconv.FormatInt(v, 10) }
