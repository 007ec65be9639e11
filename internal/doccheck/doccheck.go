// Package doccheck finds exported names without doc comments, so that the
// library packages can hold themselves to documenting every one: each has a
// test that calls Check.
package doccheck

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Undocumented lists the exported names in the Go package in dir (test
// files excluded) that have no doc comment, as "file:line: kind Name":
// types, functions, methods of exported types, constants, variables and
// struct fields. A constant, variable or field counts as documented by a
// comment above it, at the end of its line, or above its group.
func Undocumented(dir string) ([]string, error) {
	// go/build picks the files the package is built from on this platform,
	// build tags included, which parser.ParseDir never did.
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []string
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, m := range undocumented(f) {
			out = append(out, fmt.Sprintf("%s: %s", fset.Position(m.pos), m.what))
		}
	}
	sort.Strings(out)
	return out, nil
}

// Check fails t, listing them, if the Go package in dir has exported names
// without a doc comment (see Undocumented).
func Check(t testing.TB, dir string) {
	t.Helper()
	missing, err := Undocumented(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("exported names without a doc comment; add one that says what each is for:\n%s", strings.Join(missing, "\n"))
	}
}

type name struct {
	pos  token.Pos
	what string
}

func undocumented(f *ast.File) []name {
	var out []name
	miss := func(n ast.Node, what string) { out = append(out, name{n.Pos(), what}) }
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() || d.Doc != nil {
				continue
			}
			if d.Recv == nil {
				miss(d, "func "+d.Name.Name)
			} else if recv := receiverName(d.Recv.List[0].Type); ast.IsExported(recv) {
				miss(d, "method "+recv+"."+d.Name.Name)
			}
		case *ast.GenDecl:
			grouped := d.Doc != nil
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					if s.Doc == nil && s.Comment == nil && !grouped {
						miss(s, "type "+s.Name.Name)
					}
					if st, ok := s.Type.(*ast.StructType); ok {
						out = append(out, fields(s.Name.Name, st)...)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() && s.Doc == nil && s.Comment == nil && !grouped {
							miss(n, d.Tok.String()+" "+n.Name)
						}
					}
				}
			}
		}
	}
	return out
}

func fields(typ string, st *ast.StructType) []name {
	var out []name
	for _, fl := range st.Fields.List {
		if fl.Doc != nil || fl.Comment != nil {
			continue
		}
		for _, n := range fl.Names {
			if n.IsExported() {
				out = append(out, name{n.Pos(), "field " + typ + "." + n.Name})
			}
		}
	}
	return out
}

func receiverName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverName(e.X)
	case *ast.IndexExpr:
		return receiverName(e.X)
	case *ast.IndexListExpr:
		return receiverName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}
