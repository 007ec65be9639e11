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
