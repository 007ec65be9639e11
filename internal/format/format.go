// Package format is how lkdash writes durations and counts for people, in
// every command and panel alike.
package format

import (
	"fmt"
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

// Latency is a short duration at millisecond resolution, for round trips
// and delays: "0 ms", "<0.1 ms" (loopback), "0.4 ms", "12 ms", "1534 ms",
// and seconds from ten on ("19.0 s"). The sign is dropped (see
// SignedLatency).
func Latency(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "0 ms"
	case ms < 0.05:
		return "<0.1 ms"
	case ms < 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 10000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}

// SignedLatency is Latency with its sign: "+12 ms", "-0.8 ms", "±0 ms".
func SignedLatency(d time.Duration) string {
	switch {
	case d == 0:
		return "±" + Latency(d)
	case d < 0:
		return "-" + Latency(d)
	}
	return "+" + Latency(d)
}

// Bytes is a size for people: "512 B", "1.5 KiB", "12 MiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, u := float64(n)/unit, "KiB"
	for _, next := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, u = v/unit, next
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, u)
	}
	return fmt.Sprintf("%.0f %s", v, u)
}
