// Package noprobe keeps Bubble Tea from querying the terminal before main.
//
// Bubble Tea v1 asks the terminal for its background colour in a package
// init function (tea_init.go, through lipgloss and termenv): it writes the
// OSC 11 and cursor-position queries to standard output and waits up to
// five seconds for a reply. Every lkdash command links Bubble Tea, so on a
// terminal that answers neither query (the Linux console, some serial, CI
// and editor terminals) every command, the dashboard's first frame
// included, started five seconds late. Bubble Tea v1 has no way to turn
// this off.
//
// Go initialises packages in dependency order and, among the packages
// whose imports are all initialised, in import-path order (the spec's
// "Package initialization"). This package imports only what termenv itself
// imports, and its path sorts before github.com/muesli/termenv, so its
// init runs before termenv's, lipgloss's and Bubble Tea's. When standard
// output is a terminal it points file descriptor 1 at /dev/null, so
// Bubble Tea's query finds no terminal and returns at once; Restore, which
// must run from the init of a package that imports Bubble Tea, points it
// back. Nothing is written to standard output in between.
//
// lipgloss remembers the background it was told (dark, its default when
// it cannot ask), so it never queries later either: package styles and
// termbg decide the real background without blocking.
package noprobe
