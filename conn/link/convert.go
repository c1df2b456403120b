package link

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scmhub/ibapi"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// usable reports whether a float from the library carries a value: not the
// UNSET_FLOAT sentinel and finite (JSON cannot carry NaN or Inf, and TWS text
// is untrusted: "NaN" parses).
func usable(f float64) bool {
	return f != ibapi.UNSET_FLOAT && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// finite returns f, or 0 when it is unset or not finite.
func finite(f float64) float64 {
	if !usable(f) {
		return 0
	}
	return f
}

// opt returns a pointer to f, or nil when it is unset ("not computed").
func opt(f float64) *float64 {
	if !usable(f) {
		return nil
	}
	return &f
}

// verEncodeASCII7 is the server version from which the library garbles
// LongName (MIN_SERVER_VER_ENCODE_MSG_ASCII7).
const verEncodeASCII7 = 153

// fromIBDetails copies the fields ibwatch uses.
func fromIBDetails(cd *ibapi.ContractDetails, serverVersion int) linkproto.ContractDetails {
	c := cd.Contract
	long := cd.LongName
	if serverVersion >= verEncodeASCII7 {
		long = repairLongName(long)
	}
	return linkproto.ContractDetails{
		Contract: linkproto.Contract{
			ConID: c.ConID, Symbol: c.Symbol, SecType: c.SecType, Expiry: c.LastTradeDateOrContractMonth,
			Strike: finite(c.Strike), Right: c.Right, Multiplier: c.Multiplier, Exchange: c.Exchange,
			PrimaryExch: c.PrimaryExchange, Currency: c.Currency, LocalSymbol: c.LocalSymbol, TradingClass: c.TradingClass,
		},
		MarketName:   cd.MarketName,
		MinTick:      finite(cd.MinTick),
		LongName:     long,
		UnderConID:   cd.UnderConID,
		UnderSymbol:  cd.UnderSymbol,
		TimeZoneID:   cd.TimeZoneID,
		TradingHours: cd.TradingHours,
		LiquidHours:  cd.LiquidHours,
		StockType:    cd.StockType,
		Industry:     cd.Industry,
		Category:     cd.Category,
	}
}

// repairLongName undoes the library's garbling of LongName at server
// versions ≥153: it formats the raw bytes with fmt.Sprint, so "APPLE INC"
// arrives as "[65 80 80 76 69 32 73 78 67]". A string of exactly that shape
// is turned back into its bytes; TWS's \uXXXX escapes (which official
// clients decode) are then decoded. Anything else is returned unchanged.
func repairLongName(s string) string {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return s
	}
	inner := s[1 : len(s)-1]
	if inner == "" {
		return ""
	}
	parts := strings.Split(inner, " ")
	b := make([]byte, 0, len(parts))
	for _, p := range parts {
		if p == "" || len(p) > 3 || !isDigits(p) {
			return s
		}
		n, _ := strconv.Atoi(p)
		if n > 255 {
			return s
		}
		b = append(b, byte(n))
	}
	return unescapeU(string(b))
}

// unescapeU decodes \uXXXX escapes (TWS's ASCII-7 encoding of non-ASCII
// text); malformed escapes are left as they are.
func unescapeU(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
			if r, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				if rr := rune(r); utf8.ValidRune(rr) {
					sb.WriteRune(rr)
					i += 6
					continue
				}
			}
		}
		sb.WriteByte(s[i])
		i++
	}
	return sb.String()
}
