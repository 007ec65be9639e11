package source

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/lkdash/lkdash/tokens"
)

// Field is one setting of a source kind, described once: its flag, its form
// row, how it is read from and written to a Spec, and how it is judged.
type Field struct {
	Name        string // flag name and key, e.g. "endpoint"
	Label       string // form label and subject of messages, e.g. "Endpoint"
	Usage       string // flag help, e.g. "token endpoint URL"
	Env         string // environment variable used when the flag is absent
	Placeholder string // hint shown in an empty form field
	Default     string // value when nothing else sets one
	Secret      bool   // masked in the form; the help advises Env over the flag
	Lines       bool   // several values: one per form line, a repeatable flag
	List        bool   // several values on one form line, comma separated; a repeatable flag
	Duration    bool   // a time.Duration such as "30s"
	Required    bool   // Validate wants a non-blank value

	Get func(Spec) string         // the value as text (Lines: one per line; List: comma separated)
	Set func(*Spec, string) error // parses text into the Spec
	// Check judges a non-blank value as text; nil accepts any.
	Check func(string) error
}

// Parse reports whether text is acceptable for the field: it sets and
// checks a scratch Spec, so the form can judge a row as it is typed. Blank
// text is always fine here; whether it is required is Validate's business.
func (f Field) Parse(text string) error {
	var s Spec
	if err := f.Set(&s, text); err != nil {
		return err
	}
	if v := strings.TrimSpace(f.Get(s)); v != "" && f.Check != nil {
		return f.Check(v)
	}
	return nil
}

// validate judges the field's value in s.
func (f Field) validate(s Spec) error {
	v := strings.TrimSpace(f.Get(s))
	switch {
	case v == "" && f.Required:
		return fmt.Errorf("%s is required", f.Label)
	case v == "" || f.Check == nil:
		return nil
	}
	if err := f.Check(v); err != nil {
		return fmt.Errorf("%s: %w", f.Label, err)
	}
	return nil
}

// urlCheck is a Field.Check for URLs with these schemes.
func urlCheck(schemes ...string) func(string) error {
	return func(v string) error { return tokens.CheckURL(v, schemes...) }
}

// textField is a one-line string setting held at *p.
func textField(f Field, p func(*Spec) *string) Field {
	f.Get = func(s Spec) string { return *p(&s) }
	f.Set = func(s *Spec, v string) error { *p(s) = strings.TrimSpace(v); return nil }
	return f
}

// durationField is a time.Duration setting held at *p; blank means zero,
// which each source reads as its default.
func durationField(f Field, p func(*Spec) *time.Duration) Field {
	f.Duration = true
	f.Get = func(s Spec) string {
		if d := *p(&s); d != 0 {
			return d.String()
		}
		return ""
	}
	f.Set = func(s *Spec, v string) error {
		d, err := parseDuration(v)
		*p(s) = d
		return err
	}
	f.Check = func(v string) error {
		_, err := parseDuration(v)
		return err
	}
	return f
}

func parseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, errors.New("not a duration (e.g. 30s, 10m)")
	}
	if d < 0 {
		return 0, errors.New("must not be negative")
	}
	return d, nil
}

// headerLines renders headers one "Name: value" per line, sorted, for a form.
func headerLines(h http.Header) string {
	var lines []string
	for k, vs := range h {
		for _, v := range vs {
			lines = append(lines, k+": "+v)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// checkMethod wants an HTTP method token.
func checkMethod(v string) error {
	if !httpguts.ValidHeaderFieldName(v) {
		return fmt.Errorf("%q is not an HTTP method", v)
	}
	return nil
}

// splitList reads a List field's text: values separated by commas or line
// breaks (a repeated flag arrives one per line), trimmed, blanks dropped.
func splitList(text string) []string {
	var out []string
	for _, v := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
