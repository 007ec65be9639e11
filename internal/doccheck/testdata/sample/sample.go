// Package sample has documented and undocumented names for doccheck's test.
package sample

// Documented is documented.
type Documented struct {
	Field int // documented at the end of its line
	// Above is documented above.
	Above int
	Bare  int
	A, B  string
	inner int
}

type Bare struct{}

// Group documents its members.
const (
	One = 1
	Two = 2
)

const Lonely = 3

var (
	Loose    = 4
	Trailing = 5 // documented
)

// F is documented.
func F() {}

func G() {}

// M is documented.
func (Documented) M() {}

func (Documented) N() {}

func (hidden) N() {}

type hidden struct{}

func unexported() {}
