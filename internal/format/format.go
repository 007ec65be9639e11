// Package format is how lkdash writes durations and counts for people, in
// every command and panel alike.
package format

import (
	"strconv"
	"strings"
	"time"
)

// Duration is d's size rounded to the whole second (JWT times have no
// finer resolution), without trailing zero units: "42s", "9m59s", "10m",
// "1h", "1h0m5s". The sign is dropped (see Signed).
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Signed is a change of duration with its sign: "+9m", "-30s", and "±0s"
// when it rounds to no change.
func Signed(d time.Duration) string {
	switch d = d.Round(time.Second); {
	case d > 0:
		return "+" + Duration(d)
	case d < 0:
		return "-" + Duration(d)
	}
	return "±0s"
}

// Count is n and the noun, plural when n is not 1: "1 token", "3 tokens".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
