package format

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 499 * time.Millisecond: "0s", 1700 * time.Millisecond: "2s", 42 * time.Second: "42s", 9*time.Minute + 59*time.Second + 400*time.Millisecond: "9m59s",
		10 * time.Minute: "10m", time.Hour: "1h", time.Hour + 5*time.Second: "1h0m5s", 90 * time.Minute: "1h30m", -30 * time.Second: "30s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSigned(t *testing.T) {
	for d, want := range map[time.Duration]string{
		9 * time.Minute: "+9m", -30 * time.Second: "-30s", 0: "±0s", 400 * time.Millisecond: "±0s", -499 * time.Millisecond: "±0s", -600 * time.Millisecond: "-1s",
	} {
		if got := Signed(d); got != want {
			t.Errorf("Signed(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	if got := Count(1, "token") + ", " + Count(0, "token") + ", " + Count(3, "event"); got != "1 token, 0 tokens, 3 events" {
		t.Errorf("got %q", got)
	}
}

func TestLatency(t *testing.T) {
	for d, want := range map[time.Duration]string{
		400 * time.Microsecond: "0.4 ms", 12 * time.Millisecond: "12 ms", 1534 * time.Millisecond: "1534 ms",
		19 * time.Second: "19.0 s", -800 * time.Microsecond: "0.8 ms", 0: "0 ms", 30 * time.Microsecond: "<0.1 ms",
	} {
		if got := Latency(d); got != want {
			t.Errorf("Latency(%v) = %q, want %q", d, got, want)
		}
	}
	if got := SignedLatency(12*time.Millisecond) + " " + SignedLatency(-800*time.Microsecond) + " " + SignedLatency(0); got != "+12 ms -0.8 ms ±0 ms" {
		t.Errorf("SignedLatency: %q", got)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 15 << 10: "15 KiB", 12 << 20: "12 MiB", 3 << 30: "3.0 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
