package devserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// recordedPackages is how many packages a build of cmd/server@v1.13.5
// compiles from an empty build cache, used when counting fails. Measured on
// linux/amd64 with go1.26.8: in a scratch module, `GOCACHE=$(mktemp -d) go
// list -deps -f '{{if .Stale}}{{.ImportPath}}{{end}}'
// github.com/livekit/livekit-server/cmd/server | wc -l` gives 789 (of 790
// dependencies; unsafe is never compiled), and `go build -n` plans the same
// 789 compiles.
const recordedPackages = 789

// countPackages lists the packages `go install` will compile for the
// server: the stale ones among its dependencies, since a package already in
// the build cache is neither compiled again nor printed by -v. go list takes
// no path@version, so it runs in a scratch module in dir that requires the
// pinned version; the modules it downloads are the ones go install needs
// next, so the wait is not wasted.
func countPackages(ctx context.Context, goCmd, dir string) (map[string]bool, error) {
	env := append(os.Environ(), "GOWORK=off") // a go.work around the cache must not capture the scratch module
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir, cmd.Env, cmd.WaitDelay = dir, env, 5*time.Second
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go %s: %w: %s", args[0], err, lastLine(stderr.String()))
		}
		return out, nil
	}
	if _, err := run("mod", "init", "lkdash.invalid/count"); err != nil {
		return nil, err
	}
	if _, err := run("get", modulePath+"@"+Version); err != nil {
		return nil, err
	}
	out, err := run("list", "-deps", "-f", "{{if .Stale}}{{.ImportPath}}{{end}}", modulePath)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			want[l] = true
		}
	}
	if len(want) == 0 {
		return nil, errors.New("go list found no package to compile")
	}
	return want, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
