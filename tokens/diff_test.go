package tokens

import (
	"reflect"
	"testing"
	"time"
)

func TestDiff(t *testing.T) {
	oldC := with(joinClaims(), "jti", "one", "metadata", "m1", "attributes", map[string]any{"k": "v", "gone": "x"})
	newC := with(joinClaims(),
		"jti", "two",
		"iat", unix(time.Hour),
		"nbf", unix(time.Hour),
		"exp", unix(10*time.Minute), // shorter than the old hour
		"metadata", "m2",
		"attributes", map[string]any{"k": "v", "new": "<y>"},
		"video", map[string]any{"room": "lobby", "roomJoin": true, "canPublish": false, "canSubscribe": true},
		"sip", map[string]any{},
	)
	d := Diff(mustDecode(t, sign(t, oldC, testSecret)), mustDecode(t, sign(t, newC, testSecret)))
	if d.LifetimeChange != -50*time.Minute {
		t.Errorf("LifetimeChange = %v, want -50m", d.LifetimeChange)
	}
	if !d.OldExpiry.Equal(fixedNow.Add(time.Hour)) || !d.NewExpiry.Equal(fixedNow.Add(10*time.Minute)) {
		t.Errorf("expiries = %v, %v", d.OldExpiry, d.NewExpiry)
	}
	want := []ClaimChange{
		{"attributes.gone", `"x"`, ""},
		{"attributes.new", "", `"<y>"`},
		{"metadata", `"m1"`, `"m2"`},
		{"sip", "", "{}"},
		{"video.canPublish", "true", "false"},
		{"video.canSubscribe", "", "true"},
	}
	if !reflect.DeepEqual(d.Changed, want) {
		t.Errorf("Changed =\n%q\nwant\n%q", d.Changed, want)
	}
}

func TestDiffSameClaims(t *testing.T) {
	a := mustDecode(t, sign(t, joinClaims(), testSecret))
	b := mustDecode(t, sign(t, with(joinClaims(), "jti", "x", "iat", 1, "nbf", 2), "other secret"))
	d := Diff(a, b)
	if len(d.Changed) != 0 || d.LifetimeChange != 0 {
		t.Errorf("Diff = %+v, want no change", d)
	}
}

func TestDiffNumbersAndTypes(t *testing.T) {
	a := mustDecode(t, raw(hs256Header, `{"n":1.0,"big":12345678901234567890,"x":"1","arr":[1,2],"obj":{"a":{"b":1}}}`))
	b := mustDecode(t, raw(hs256Header, `{"n":1,"big":12345678901234567891,"x":1,"arr":[2,1],"obj":{"a":{"b":2}}}`))
	want := []ClaimChange{
		{"arr", "[1,2]", "[2,1]"},
		{"big", "12345678901234567890", "12345678901234567891"},
		{"n", "1.0", "1"}, // textual difference, as the payload was written
		{"obj.a.b", "1", "2"},
		{"x", `"1"`, "1"},
	}
	if got := Diff(a, b).Changed; !reflect.DeepEqual(got, want) {
		t.Errorf("Changed =\n%q\nwant\n%q", got, want)
	}
}

func TestDiffNilAndMissingExp(t *testing.T) {
	tok := mustDecode(t, sign(t, joinClaims(), testSecret))
	d := Diff(nil, tok)
	if d.LifetimeChange != 0 || !d.OldExpiry.IsZero() || len(d.Changed) == 0 {
		t.Errorf("Diff(nil, tok) = %+v", d)
	}
	for _, c := range d.Changed {
		if c.Old != "" || c.New == "" {
			t.Errorf("change %+v from nil", c)
		}
	}
	noExp := mustDecode(t, sign(t, with(joinClaims(), "exp", nil), testSecret))
	if d := Diff(tok, noExp); d.LifetimeChange != 0 || len(d.Changed) != 0 {
		t.Errorf("Diff(tok, noExp) = %+v", d)
	}
	if d := Diff(nil, nil); len(d.Changed) != 0 {
		t.Errorf("Diff(nil, nil) = %+v", d)
	}
}

func TestDiffDeterministic(t *testing.T) {
	attrs := map[string]any{}
	for _, k := range []string{"z", "a", "m", "b", "y", "c", "x", "d"} {
		attrs[k] = k
	}
	a := mustDecode(t, sign(t, joinClaims(), testSecret))
	b := mustDecode(t, sign(t, with(joinClaims(), "attributes", attrs), testSecret))
	first := Diff(a, b).Changed
	for range 20 {
		if got := Diff(a, b).Changed; !reflect.DeepEqual(got, first) {
			t.Fatalf("order changed: %q vs %q", got, first)
		}
	}
	if first[0].Claim != "attributes.a" || first[len(first)-1].Claim != "attributes.z" {
		t.Errorf("not sorted: %q", first)
	}
}
