package source

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lkdash/lkdash/tokens"
)

// Kind names a token source. Each kind has its name and KindDef in
// kind_<name>.go.
type Kind string

// KindDef describes one source kind once. The CLI flags and help, the
// dashboard's form, --source validation and Spec.Validate's messages are all
// derived from it, so adding a kind is one file and one entry in kinds.
type KindDef struct {
	Kind    Kind   // the name, as --source takes it
	Summary string // one line for --source help, e.g. "a fixed URL and token"
	// Fields are the settings the kind reads from Spec, in form order.
	Fields []Field
	// ImpliedBy names fields whose value alone picks this kind when no
	// --source is given; the first kind in the table that matches wins.
	ImpliedBy []string
	// Options is false for kinds that cannot honour request options.
	Options bool
	// Mints is true for kinds that sign tokens here with Spec's key pair
	// and Spec.Grants: the form offers the grants, and that pair judges
	// the tokens.
	Mints bool
	// Build makes the source from a Spec that passed Validate.
	Build func(Spec) tokens.ConfigurableSource
}

// kinds is the table, in the order the form cycles through it.
var kinds = []KindDef{literalKind, endpointKind, sandboxKind, commandKind, mintKind}

// verifyFields are shown for every kind, not only mint: with the server's
// key pair lkdash can verify a token's signature and ask for a refresh.
var verifyFields = []Field{apiKeyField, apiSecretField}

// Kinds returns the table of source kinds.
func Kinds() []KindDef { return slices.Clone(kinds) }

// LookupKind returns the description of k.
func LookupKind(k Kind) (KindDef, bool) {
	for _, d := range kinds {
		if d.Kind == k {
			return d, true
		}
	}
	return KindDef{}, false
}

// KindNames lists the kind names in table order.
func KindNames() []string {
	names := make([]string, len(kinds))
	for i, d := range kinds {
		names[i] = string(d.Kind)
	}
	return names
}

// KindList is the kind names for a sentence: "literal, endpoint or mint".
func KindList() string {
	n := KindNames()
	if len(n) < 2 {
		return strings.Join(n, "")
	}
	return strings.Join(n[:len(n)-1], ", ") + " or " + n[len(n)-1]
}

// CheckKind reports whether k names a kind, with an error listing the known
// ones.
func CheckKind(k Kind) error {
	if k == "" {
		return fmt.Errorf("source kind is required (%s)", KindList())
	}
	if _, ok := LookupKind(k); !ok {
		return fmt.Errorf("unknown source kind %q (want %s)", string(k), KindList())
	}
	return nil
}

// SettingFields lists every field of every kind once (a field shared by
// several kinds, like the server URL, appears at its first use), then the
// fields every kind shows.
func SettingFields() []Field {
	var out []Field
	seen := map[string]bool{}
	add := func(fs []Field) {
		for _, f := range fs {
			if !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, f)
			}
		}
	}
	for _, d := range kinds {
		add(d.Fields)
	}
	add(verifyFields)
	return out
}

// Shows reports whether the form shows the field called name for this kind.
func (d KindDef) Shows(name string) bool {
	for _, fs := range [][]Field{d.Fields, verifyFields} {
		for _, f := range fs {
			if f.Name == name {
				return true
			}
		}
	}
	return false
}

// Implies reports whether a value for the field called name picks this kind.
func (d KindDef) Implies(name string) bool { return slices.Contains(d.ImpliedBy, name) }

// validate reports every problem with the kind's fields, one per line.
func (d KindDef) validate(s Spec) error {
	var errs []error
	for _, f := range d.Fields {
		if err := f.validate(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
