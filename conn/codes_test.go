package conn

import "testing"

// Every code the wire brief lists must be catalogued with an explanation.
func TestCatalogueCoversTheWireBrief(t *testing.T) {
	brief := []int64{1100, 1101, 1102, 1300, 2103, 2104, 2105, 2106, 2107, 2108, 2110, 2119, 2157, 2158,
		100, 101, 102, 162, 200, 300, 321, 322, 326, 354, 501, 502, 503, 504, 505, 506, 507, 508, 509, 520,
		10089, 10090, 10091, 10167, 10186, 10197}
	for _, c := range brief {
		info, ok := codeCatalogue[c]
		if !ok {
			t.Errorf("code %d missing from the catalogue", c)
			continue
		}
		if info.Explain == "" || info.Name == "" {
			t.Errorf("code %d has no name or explanation", c)
		}
	}
	want := map[int64]Severity{1100: SevConnectivity, 2104: SevInfo, 2103: SevWarning, 100: SevError, 326: SevConnectivity}
	for c, sev := range want {
		if got := LookupCode(c).Severity; got != sev {
			t.Errorf("code %d severity %v, want %v", c, got, sev)
		}
	}
}

func TestUnknownCodesStillGraded(t *testing.T) {
	cases := map[int64]Severity{2150: SevWarning, 1200: SevConnectivity, 10999: SevWarning, 42: SevError}
	for c, sev := range cases {
		info := LookupCode(c)
		if info.Severity != sev || info.Code != c || info.Explain == "" {
			t.Errorf("LookupCode(%d) = %+v, want severity %v", c, info, sev)
		}
	}
}

func TestFarmName(t *testing.T) {
	cases := map[string]string{
		"Market data farm connection is OK:usfarm":                                         "usfarm",
		"HMDS data farm connection is inactive but should be available upon demand.ushmds": "ushmds",
		"Sec-def data farm connection is broken:secdefnj":                                  "secdefnj",
		"Market data farm connection is OK:usfarm.nj":                                      "usfarm.nj",
		"garbage": "",
		"Market data farm connection is OK:\x1b]0;x": "",
		"Market data farm connection is OK:a b c":    "",
	}
	for in, want := range cases {
		if got := farmName(in); got != want {
			t.Errorf("farmName(%q) = %q, want %q", in, got, want)
		}
	}
}
