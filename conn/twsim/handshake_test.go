//go:build !race

package twsim

import (
	"regexp"
	"slices"
	"testing"
)

// TestHandshakeVersions connects the real Go client (which advertises
// v100..222) at three caps and checks what a user of the library sees.
func TestHandshakeVersions(t *testing.T) {
	connTime := regexp.MustCompile(`^\d{8} \d{2}:\d{2}:\d{2} \S+$`)
	for _, tc := range []struct {
		cap         int
		wantErrTime bool
	}{{176, false}, {193, false}, {200, true}} {
		t.Run(itoa(int64(tc.cap)), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: tc.cap, Accounts: []string{"DU7654321", "DU1111111"}})
			c := dial(t, s, 7)
			if got := int(c.c.ServerVersion()); got != tc.cap {
				t.Errorf("ServerVersion = %d, want %d", got, tc.cap)
			}
			if ct := c.c.TWSConnectionTime(); !connTime.MatchString(ct) || ct[:8] != "20260311" {
				t.Errorf("connection time %q, want yyyyMMdd HH:mm:ss zone on 20260311", ct)
			}
			acc := c.r.wait(t, "ManagedAccounts", isKind("accts"))
			if !slices.Equal(acc.strs, []string{"DU7654321", "DU1111111"}) {
				t.Errorf("accounts %v", acc.strs)
			}
			if id := c.r.wait(t, "NextValidID", isKind("nextid")).n; id != 1 {
				t.Errorf("next valid id %d, want 1", id)
			}
			farms := c.r.waitN(t, "farm notices", 4, func(e ev) bool {
				return e.kind == "err" && e.req == -1 && (e.code == 2104 || e.code == 2106 || e.code == 2158)
			})
			want := []string{
				"Market data farm connection is OK:usfarm", "Market data farm connection is OK:usopt",
				"HMDS data farm connection is OK:ushmds", "Sec-def data farm connection is OK:secdefnj",
			}
			for i, e := range farms {
				if e.text != want[i] {
					t.Errorf("farm notice %d = %q, want %q", i, e.text, want[i])
				}
				if (e.at != 0) != tc.wantErrTime {
					t.Errorf("errorTime %d at version %d", e.at, tc.cap)
				}
				if e.json != "" {
					t.Errorf("advancedOrderRejectJson %q, want empty", e.json)
				}
			}
			c.c.ReqCurrentTime()
			if got := c.r.wait(t, "CurrentTime", isKind("time")).n; got != fixedNow.Unix() {
				t.Errorf("CurrentTime %d, want %d", got, fixedNow.Unix())
			}
			c.c.ReqIDs(-1)
			c.r.waitN(t, "second NextValidID", 2, isKind("nextid"))
			st := s.State()
			if len(st.Sessions) != 1 || st.Sessions[0].ClientID != 7 || st.Sessions[0].ServerVersion != tc.cap || !st.Sessions[0].Ready {
				t.Errorf("sessions %+v", st.Sessions)
			}
		})
	}
}

// TestCurrentTimeInMillis: from 197 the Go client may ask for millis; below
// it the library refuses locally (503) and the simulator sees nothing.
func TestCurrentTimeInMillis(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	c.c.ReqCurrentTimeInMillis()
	if got := c.r.wait(t, "CurrentTimeInMillis", isKind("timems")).n; got != fixedNow.UnixMilli() {
		t.Errorf("millis %d, want %d", got, fixedNow.UnixMilli())
	}

	s2 := startSim(t, Config{ServerVersion: 193})
	c2 := dial(t, s2, 1)
	c2.c.ReqCurrentTimeInMillis()
	c2.r.wait(t, "503 from the library", isCode(503))
	c2.c.ReqCurrentTime()
	c2.r.wait(t, "CurrentTime", isKind("time"))
	if n := s2.State().Stats.ByMsgID[105]; n != 0 {
		t.Errorf("simulator received %d REQ_CURRENT_TIME_IN_MILLIS at 193", n)
	}
}

// TestDuplicateClientID: a second client with the same id gets 326 and is
// closed; the first one keeps working.
func TestDuplicateClientID(t *testing.T) {
	s := startSim(t, Config{})
	first := dial(t, s, 5)
	second := newClient(t)
	second.connect(s.Port(), 5)
	e := second.r.wait(t, "326", isErr(-1, 326))
	if e.text != "Unable to connect as the client id is already in use. Retry with a unique client id." {
		t.Errorf("326 text %q", e.text)
	}
	second.waitClosed()
	if len(second.r.all(isKind("nextid"))) != 0 {
		t.Error("the rejected client got NextValidID")
	}
	first.c.ReqCurrentTime()
	first.r.wait(t, "CurrentTime on the first client", isKind("time"))
	if n := len(s.State().Sessions); n != 1 {
		t.Errorf("%d sessions after 326, want 1", n)
	}
	// The id is free again once the first client leaves.
	first.close()
	waitFor(t, "first session gone", func() bool { return len(s.State().Sessions) == 0 })
	third := dial(t, s, 5)
	third.c.ReqCurrentTime()
	third.r.wait(t, "CurrentTime", isKind("time"))
}
