// Package scalar implements the custom GraphQL scalars DateTime and Money.
package scalar

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/otwarty/otwarty/internal/i18n"
)

// Warsaw is the city's zone (i18n.Warsaw); times are shown with its offset.
var Warsaw = i18n.Warsaw

// MarshalDateTime writes t as RFC 3339 with the Warsaw offset.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.In(Warsaw).Format(time.RFC3339)))
	})
}

// Day turns a day kept as the midnight UTC of its Warsaw date (the services'
// form for days, which is what a date column holds) into that day's midnight
// in Warsaw, the instant a DateTime field carrying a day means:
// 2025-05-10 is shown as 2025-05-10T00:00:00+02:00, not T02:00:00+02:00.
func Day(d time.Time) time.Time {
	y, m, dd := d.UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, Warsaw)
}

// UnmarshalDateTime reads an RFC 3339 string; an offset is required.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, inputError("DateTime must be an RFC 3339 string")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, inputError("DateTime must be RFC 3339 with an offset, e.g. 2026-06-30T23:59:59+02:00")
	}
	// Years whose Warsaw form RFC 3339 cannot write (10000) or that no
	// civic date needs are refused rather than written back wrong.
	if y := t.In(Warsaw).Year(); y < 1000 || y > 9000 {
		return time.Time{}, inputError("DateTime must be a year between 1000 and 9000")
	}
	// DateTime is exact to the second, as it is written: a fraction (a
	// browser's .000Z) is dropped here, so that what is kept is what is shown.
	return t.Truncate(time.Second), nil
}

// MarshalMoney writes grosze as a decimal string with two decimals.
func MarshalMoney(grosze int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(FormatMoney(grosze)))
	})
}

// FormatMoney renders grosze as "1546168.66".
func FormatMoney(grosze int64) string {
	sign := ""
	u := uint64(grosze)
	if grosze < 0 {
		sign, u = "-", uint64(-grosze)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// UnmarshalMoney reads a decimal string with at most two decimals into grosze.
func UnmarshalMoney(v any) (int64, error) {
	s, ok := v.(string)
	if !ok {
		return 0, inputError("Money must be a decimal string such as \"1546168.66\"")
	}
	return ParseMoney(s)
}

// ParseMoney parses "1546168.66", "12" or "-3.5" into grosze.
func ParseMoney(s string) (int64, error) {
	bad := inputError("Money must be a decimal string with at most two decimals, e.g. \"1546168.66\"")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 16 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, bad
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	g := w*100 + f
	if neg {
		g = -g
	}
	return g, nil
}

// Error is a malformed scalar value sent by the client (INVALID_INPUT).
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

func inputError(msg string) error { return &Error{msg: msg} }
