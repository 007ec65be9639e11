package standin

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lkdash/lkdash/tokens"
)

// The server never says which agent names have workers, so each stand-in
// leaves a small file while it runs; other lkdash processes on this
// machine read them to tell a missing agent's name from a near miss
// ("helper" asked for, "Helper" registered). The files hold the server's
// host and the agent name, nothing secret.

// registration is one registry file.
type registration struct {
	Server    string `json:"server"` // host:port the worker registered with
	AgentName string `json:"agent_name"`
	PID       int    `json:"pid"`
}

// registryDir is where the files live; a variable so tests can move it.
var registryDir = func() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "lkdash", "agents"), nil
}

// advertise writes the worker's registry file; failing to is harmless
// (near misses just go unnamed), so errors are dropped.
func (w *Worker) advertise() {
	dir, err := registryDir()
	if err != nil || w.id == "" || strings.ContainsAny(w.id, `/\`) {
		return
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	data, err := json.Marshal(registration{Server: strings.ToLower(w.wsBase.Host), AgentName: w.cfg.AgentName, PID: os.Getpid()})
	if err != nil {
		return
	}
	path := filepath.Join(dir, w.id+".json")
	if os.WriteFile(path, data, 0o600) == nil {
		w.regPath = path
	}
}

// unadvertise removes the registry file.
func (w *Worker) unadvertise() {
	if w.regPath != "" {
		_ = os.Remove(w.regPath)
	}
}

// Running lists the agent names of the stand-ins that lkdash processes on
// this machine have registered with serverURL and still run. Files of
// processes that died are removed on the way.
func Running(serverURL string) []string {
	u, _, err := tokens.ServerURLs(serverURL)
	if err != nil {
		return nil
	}
	dir, err := registryDir()
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		var r registration
		if err != nil || json.Unmarshal(data, &r) != nil {
			continue
		}
		if !processAlive(r.PID) {
			_ = os.Remove(path)
			continue
		}
		if r.Server == strings.ToLower(u.Host) && !slices.Contains(names, r.AgentName) {
			names = append(names, r.AgentName)
		}
	}
	slices.Sort(names)
	return names
}
