// Command binsize prints where a Go binary's bytes go, per package: the
// sizes of its symbols (code, data, type descriptors, itabs) summed per
// import path, largest first. Zero-filled data takes no room in the file and
// is left out; symbols without a package (go:func.*, runtime tables) are
// listed under their own names. Linux (ELF) binaries.
//
//	go run ./scripts/binsize BINARY [N]            the top N packages (30)
//	go run ./scripts/binsize BINARY BASELINE [N]   the top N by growth over BASELINE
//
// For example lkdash against testdata/barejoin, the least SDK program:
//
//	go build -o /tmp/lkdash . && go build -o /tmp/bare ./testdata/barejoin
//	go run ./scripts/binsize /tmp/lkdash /tmp/bare
package main

import (
	"cmp"
	"debug/elf"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: binsize BINARY [BASELINE] [N]")
		os.Exit(2)
	}
	n := 30
	if last, err := strconv.Atoi(args[len(args)-1]); err == nil {
		n, args = last, args[:len(args)-1]
	}
	a := sizes(args[0])
	if len(args) == 1 {
		for _, p := range top(a, nil, n) {
			fmt.Printf("%10d  %s\n", a[p], p)
		}
		fmt.Printf("%10d  (file)\n", fileSize(args[0]))
		return
	}
	b := sizes(args[1])
	fmt.Printf("%10s %10s %10s  package\n", "growth", "binary", "baseline")
	for _, p := range top(a, b, n) {
		fmt.Printf("%10d %10d %10d  %s\n", a[p]-b[p], a[p], b[p], p)
	}
	fmt.Printf("%10d %10d %10d  (file)\n", fileSize(args[0])-fileSize(args[1]), fileSize(args[0]), fileSize(args[1]))
}

// sizes sums the binary's symbol sizes per package.
func sizes(path string) map[string]int64 {
	f, err := elf.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		fail(err)
	}
	out := map[string]int64{}
	for _, s := range syms {
		i := int(s.Section)
		if i <= 0 || i >= len(f.Sections) || f.Sections[i].Type == elf.SHT_NOBITS {
			continue // undefined, absolute, or zero-filled
		}
		out[pkg(s.Name)] += int64(s.Size)
	}
	return out
}

// pkg is the import path of a symbol: up to the first dot after the last
// slash, looking only before generic arguments, receivers and spaces (they
// hold slashes and dots of their own).
func pkg(sym string) string {
	sym = strings.TrimPrefix(strings.TrimPrefix(sym, "type:"), "go:itab.")
	sym = strings.TrimPrefix(sym, "*")
	if i := strings.IndexAny(sym, "[( ,"); i >= 0 {
		sym = sym[:i]
	}
	slash := strings.LastIndexByte(sym, '/') + 1
	if dot := strings.IndexByte(sym[slash:], '.'); dot >= 0 {
		return sym[:slash+dot]
	}
	return sym
}

// top lists the n packages of a with the most bytes, or with the most
// growth over b when b is given.
func top(a, b map[string]int64, n int) []string {
	var ps []string
	for p := range a {
		ps = append(ps, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(x, y string) int { return cmp.Compare(a[y]-b[y], a[x]-b[x]) })
	return ps[:min(n, len(ps))]
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		fail(err)
	}
	return fi.Size()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "binsize:", err)
	os.Exit(1)
}
