//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// BenchmarkFirstFrame measures how long the dashboard takes from exec to its
// first frame on a pseudo-terminal, with a literal preset so no server is
// started. The baseline is the same terminal running printf, so "added-ms"
// is what lkdash itself costs. Terminal queries (background colour, cursor
// position) are answered as a terminal would.
func BenchmarkFirstFrame(b *testing.B) {
	bin := buildLkdash(b, b.TempDir())
	dash := []string{bin, "--source", "literal", "--url", "ws://127.0.0.1:1", "--token", "a.b.c"}
	base := []string{"/usr/bin/printf", firstFrameMark}
	var tDash, tBase []time.Duration
	for b.Loop() {
		tDash = append(tDash, firstFrame(b, dash))
		tBase = append(tBase, firstFrame(b, base))
	}
	md, mb := median(tDash), median(tBase)
	b.ReportMetric(float64(md.Microseconds())/1000, "lkdash-ms")
	b.ReportMetric(float64(mb.Microseconds())/1000, "baseline-ms")
	b.ReportMetric(float64((md-mb).Microseconds())/1000, "added-ms")
}

// firstFrameMark is in the dashboard's title line from the first frame on.
const firstFrameMark = "not joined"

// firstFrame runs argv on a fresh 100x30 pseudo-terminal and returns the
// time until its output shows the dashboard's title line.
func firstFrame(b *testing.B, argv []string) time.Duration {
	master, slave := openPTY(b, 100, 30)
	defer master.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	slave.Close()
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	var seen []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := master.Read(buf)
		chunk := buf[:n]
		seen = append(seen, chunk...)
		if bytes.Contains(chunk, []byte("\x1b]11;?")) {
			fmt.Fprint(master, "\x1b]11;rgb:0000/0000/0000\x1b\\")
		}
		if bytes.Contains(chunk, []byte("\x1b[6n")) {
			fmt.Fprint(master, "\x1b[1;1R")
		}
		if bytes.Contains(seen, []byte(firstFrameMark)) {
			return time.Since(start)
		}
		if err != nil {
			b.Fatalf("%v ended before its first frame: %v\n%q", argv, err, seen)
		}
	}
}

// openPTY allocates a pseudo-terminal pair of the given size.
func openPTY(b *testing.B, cols, rows int) (master, slave *os.File) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		b.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		b.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Col: uint16(cols), Row: uint16(rows)}); err != nil {
		b.Fatal(err)
	}
	return m, s
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
